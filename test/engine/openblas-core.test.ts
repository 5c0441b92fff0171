/**
 * The OpenBLAS kernels dgr pins (native/openblas-core.mjs): a process started as `dgr` starts computes with Zen's
 * kernels on an AVX2 CPU whatever its own kernels would be, and one told OPENBLAS_CORETYPE keeps the choice; the
 * engine a result records names them. Real processes, the real library (skipped where the addon is not built).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadOpenBlas } from '../../core/engine/openblas.ts';
import { PINNED_CORE } from '../../native/openblas-core.mjs';

const built = 'addon' in loadOpenBlas();
const avx2 = process.arch === 'x64' && /\bavx2\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));

/** The engine a fresh process reports when started as bin/dgr.js starts: the pin first, then the engine. */
function engineOfFreshProcess(env: NodeJS.ProcessEnv): string {
  const script = [
    "const { pinOpenBlasCore } = await import('./native/openblas-core.mjs');",
    'pinOpenBlasCore();',
    "const { register } = await import('tsx/esm/api'); register();",
    "const { useBackend, engineOf } = await import('./core/engine/backend.ts');",
    "await useBackend('wasm'); console.log(engineOf());",
  ].join('\n');
  const { OPENBLAS_CORETYPE: _drop, ...rest } = process.env;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...rest, ...env }, encoding: 'utf8' });
  expect(child.status, child.stderr).toBe(0);
  return child.stdout.trim().split('\n').at(-1) as string;
}

describe.runIf(built && avx2)('the pinned OpenBLAS kernels', () => {
  it(`computes with ${PINNED_CORE}'s kernels unless told otherwise, and says so in the engine`, () => {
    expect(engineOfFreshProcess({})).toBe(`wasm + OpenBLAS (${PINNED_CORE})`);
    expect(engineOfFreshProcess({ OPENBLAS_CORETYPE: 'Haswell' })).toBe('wasm + OpenBLAS (Haswell)');
  }, 60_000);
});
