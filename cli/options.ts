/** Options shared by every computing subcommand, parsed and validated at the boundary. */
import { InvalidArgumentError, Option } from 'commander';
import { BACKENDS, type BackendName, type BackendRequest } from '../core/engine/backend-names.ts';

export function backendOption(): Option {
  return new Option('--backend <name>', 'compute backend: tensorflow if installed, else wasm, else cpu')
    .choices(BACKENDS)
    .default('auto');
}

export function intOption(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be an integer in [${min}, ${max}], got '${value}'`);
    }
    return n;
  };
}

export function numberOption(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be a number in [${min}, ${max}], got '${value}'`);
    }
    return n;
  };
}

/** Starts the requested backend and says which one runs (to stderr, so --json output stays clean). */
export async function startBackend(request: BackendRequest): Promise<BackendName> {
  // Loaded here, not at the top: commands that compute nothing (dgr env, --help) start without tfjs.
  const { useBackend } = await import('../core/engine/backend.ts');
  const name = await useBackend(request);
  process.stderr.write(`dgr: backend ${name}\n`);
  return name;
}
