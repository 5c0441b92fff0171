/** Options shared by every computing subcommand, parsed and validated at the boundary. */
import { existsSync } from 'node:fs';
import { InvalidArgumentError, Option } from 'commander';
import { SCHEDULES } from '../agent/presets.ts';
import { BACKENDS, type BackendName, type BackendRequest } from '../core/engine/backend-names.ts';
import { readJsonFile } from '../core/json-files.ts';
import { parseSchedule } from '../env/schedule.ts';
import { MAX_FRAMES_PER_GAME } from '../runner/frame-bound.ts';

/** The command line as a result's provenance records it. */
export const commandLine = (): string => ['dgr', ...process.argv.slice(2)].join(' ');

export function backendOption(): Option {
  return new Option('--backend <name>', 'compute backend: tensorflow if installed, else wasm, else cpu')
    .choices(BACKENDS)
    .default('auto');
}

/**
 * `--no-native`: wasm's matrix products and convolutions without OpenBLAS. DGR_NATIVE=0 does the same for every command (for
 * scripts and CI); DGR_NATIVE=1 or unset leaves it on where the addon is built.
 */
export function nativeOption(): Option {
  return new Option('--no-native', 'on wasm, compute matrix products and convolutions without OpenBLAS even where it is built (or set DGR_NATIVE=0)');
}

/** The native choice from the option and the environment, validated here at the boundary. */
export function nativeWanted(option: boolean): boolean {
  const env = process.env.DGR_NATIVE;
  if (env !== undefined && env !== '0' && env !== '1') {
    throw new Error(`DGR_NATIVE must be 0 or 1, got '${env}'`);
  }
  return option && env !== '0';
}

/** Number('') and Number(' ') are 0: an empty value (`--seed ""`, `--seed=`) would silently become 0. */
const toNumber = (value: string): number => (value.trim() === '' ? Number.NaN : Number(value));

export function intOption(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = toNumber(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be an integer in [${min}, ${max}], got '${value}'`);
    }
    return n;
  };
}

export function numberOption(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = toNumber(value);
    if (!Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be a number in [${min}, ${max}], got '${value}'`);
    }
    return n;
  };
}

/**
 * A list option (`--arm <arms...>`) of these choices, each at most once: `--arm none none` would train twice
 * and fail at the end, so it is refused as it is parsed, naming the duplicate.
 */
export function distinctChoices(flags: string, description: string, choices: readonly string[]): Option {
  const name = flags.split(' ')[0];
  return new Option(flags, description).choices(choices).argParser((value: string, previous: string[] | undefined) => {
    if (!choices.includes(value)) throw new InvalidArgumentError(`Allowed choices are ${choices.join(', ')}.`);
    if (previous?.includes(value)) throw new InvalidArgumentError(`${name} ${value} is given twice; name each once`);
    return [...(previous ?? []), value];
  });
}

/** Refuses `--frames` past MAX_FRAMES_PER_GAME unless the override was given. */
export function requireSaneFrames(frames: number | undefined, allowed: boolean | undefined): void {
  if (frames === undefined || frames <= MAX_FRAMES_PER_GAME || allowed) return;
  throw new Error(
    `--frames ${frames}: more than ${MAX_FRAMES_PER_GAME.toLocaleString('en')} frames a game is taken for a typo; ` +
      'give --allow-many-frames beside it if you mean it',
  );
}

/** A schedule option: a named schedule, or a JSON file validated by env's schema (errors name the field). */
export function scheduleFrom(value: string | undefined, option = '--schedule') {
  if (value === undefined || value in SCHEDULES) return value;
  if (!existsSync(value)) throw new Error(`${option}: '${value}' is neither a schedule name (${Object.keys(SCHEDULES).join(', ')}) nor a file`);
  const data = readJsonFile(value, option);
  parseSchedule(data);
  return data as never;
}

export function allowManyFramesOption(): Option {
  return new Option('--allow-many-frames', `accept --frames above ${MAX_FRAMES_PER_GAME.toLocaleString('en')} a game`);
}

/**
 * Starts the requested backend and says which one runs (to stderr, so --json output stays clean), e.g.
 * `dgr: backend wasm + OpenBLAS`. `native` is the --no-native option's value (true unless given).
 */
export async function startBackend(request: BackendRequest, native: boolean): Promise<BackendName> {
  // Loaded here, not at the top: commands that compute nothing (dgr env, --help) start without tfjs.
  const { describeBackend, useBackend } = await import('../core/engine/backend.ts');
  const name = await useBackend(request, { native: nativeWanted(native) });
  process.stderr.write(`dgr: backend ${describeBackend()}\n`);
  return name;
}

/** Where an RL run computes, from --no-parallel and --parallel-arms (which contradict each other). */
export function rlParallel(parallel: boolean, parallelArms: boolean | undefined): boolean | 'arms' {
  if (parallelArms && !parallel) throw new Error('--parallel-arms puts the arms and the learners in threads; drop --no-parallel, which keeps them on one');
  return parallelArms ? 'arms' : parallel;
}
