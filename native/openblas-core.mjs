/**
 * Which kernels OpenBLAS computes with. A DYNAMIC_ARCH OpenBLAS (Debian's) picks its kernels for the CPU it finds,
 * and kernels differ in the last bits of a product, which a run's thousands of steps grow into another run: on
 * one seed, the Zen kernels and the Cooperlake kernels (an AVX-512 CPU) trained learners scoring 21.3 and 34.3 on
 * Freeway (docs/RESULTS.md, issue 30's second round). So dgr pins one set, Zen's (AVX2: every x86-64 CPU of the
 * last decade runs them, and the committed results were computed with them), unless OPENBLAS_CORETYPE is set.
 * OpenBLAS reads it once, when the library loads, from the process's own environment: set it in the main thread
 * before anything loads the addon (a worker thread's process.env is a copy the library never sees).
 */
import { readFileSync } from 'node:fs';

export const PINNED_CORE = 'Zen';

/** Sets OPENBLAS_CORETYPE to the pinned kernels where the CPU runs them and the caller has not chosen. */
export function pinOpenBlasCore(env = process.env) {
  if (env.OPENBLAS_CORETYPE !== undefined || !runsAvx2()) return;
  env.OPENBLAS_CORETYPE = PINNED_CORE;
}

function runsAvx2() {
  if (process.arch !== 'x64' || process.platform !== 'linux') return false;
  try {
    return /^flags\s*:.*\bavx2\b/m.test(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return false;
  }
}
