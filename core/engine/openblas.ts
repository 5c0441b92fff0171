/**
 * The native matrix-product path: the N-API addon in native/ (built at install against the system's
 * OpenBLAS, see native/build.mjs), loaded once per thread, and OpenBLAS's thread count.
 *
 * Threads: OpenBLAS is loaded once per process, so its thread count is shared by the main thread (the solver)
 * and the generator's worker thread. While both train, each gets cores ÷ 2 threads (one each on two cores),
 * so the two never ask for more threads than there are cores; alone, the main thread gets all of them. Only the
 * process's main thread changes the count, and only while no other thread computes (before it starts the
 * worker, after the worker has ended); a command that runs its computations in threads of its own (`dgr
 * worker`'s jobs) sets the count once for all of them first (shareBlasThreads). OPENBLAS_NUM_THREADS, when set,
 * is left to OpenBLAS and never overridden.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { isMainThread } from 'node:worker_threads';

/** native/openblas.c's exports. Offsets are byte offsets into `heap`; flags are 0 or 1. */
export interface OpenBlas {
  matMul(
    heap: ArrayBuffer,
    a: number,
    b: number,
    c: number,
    batch: number,
    batchA: number,
    batchB: number,
    m: number,
    n: number,
    k: number,
    transposeA: number,
    transposeB: number,
    bias: number,
    biasStride: number,
    activation: number,
    alpha: number,
    prelu: number,
    preluStride: number,
  ): void;
  /**
   * A convolution by im2col + sgemm (NHWC, filter [fh, fw, ci, co]). kind 0: first = x, second = filter,
   * out = y; 1: first = x, second = dy, out = dW; 2: first = dy, second = filter, out = dx. `geometry` holds
   * batch, inH, inW, inC, outH, outW, outC, fH, fW, strideH, strideW, dilationH, dilationW, padTop, padLeft.
   */
  conv(kind: number, heap: ArrayBuffer, geometry: Int32Array, first: number, second: number, out: number): void;
  setThreads(threads: number): void;
  threads(): number;
  /** The library's build, e.g. "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64". */
  config(): string;
}

const ADDON = '../../native/build/Release/dgr_openblas.node';

/** What every run prints when the addon is absent. */
export const OPENBLAS_MISSING = 'OpenBLAS not found: apt-get install libopenblas-dev, then npm rebuild';

let loaded: { addon: OpenBlas } | { missing: string } | null = null;

/** The addon, or why it is not there (not built, or built against a library that no longer loads). */
export function loadOpenBlas(): { addon: OpenBlas } | { missing: string } {
  if (loaded !== null) return loaded;
  try {
    loaded = { addon: createRequire(import.meta.url)(ADDON) as OpenBlas };
  } catch (error) {
    loaded = { missing: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  }
  return loaded;
}

/** Threads computing with OpenBLAS in this process: the main thread, plus a generator worker while one runs. */
let users = 1;

/**
 * Gives each of `computing` threads that will compute with OpenBLAS at once cores ÷ computing BLAS threads
 * (at least one). Main thread only, before those threads start.
 */
export function shareBlasThreads(computing: number): void {
  const found = loadOpenBlas();
  if (!isMainThread || !('addon' in found) || process.env.OPENBLAS_NUM_THREADS !== undefined) return;
  found.addon.setThreads(Math.max(1, Math.floor(availableParallelism() / computing)));
}

function shareCores(): void {
  shareBlasThreads(users);
}

/** Called by the main thread before a worker that computes with OpenBLAS starts. */
export function blasUserJoins(): void {
  users += 1;
  shareCores();
}

/** Called by the main thread after such a worker has ended. */
export function blasUserLeaves(): void {
  users = Math.max(1, users - 1);
  shareCores();
}
