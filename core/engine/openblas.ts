/**
 * The native matrix-product path: the N-API addon in native/ (built at install against the system's
 * OpenBLAS, see native/build.mjs), loaded once per thread, and OpenBLAS's thread count.
 *
 * Threads: one BLAS thread per computing thread (the solver's main thread, the generator's worker), set when
 * the addon loads. OpenBLAS's results depend on its thread count (with 2 threads 6-45 % of a product's
 * entries differ in the last bits from the same product with 1, measured here on the layers' sizes), and a
 * run's result must not depend on whether its generator trains in a worker or on where it was resumed; with one
 * thread each, the solver and the generator also never oversubscribe two cores (2 threads per user cost 50-60 %
 * of a DGR iteration, docs/BENCH.md). OPENBLAS_NUM_THREADS, when set, is left to OpenBLAS.
 */
import { createRequire } from 'node:module';

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
  /** One Adam update of n floats at param, grad, m and v into param', m' and v' (./adam-kernel.ts). */
  adamStep(
    heap: ArrayBuffer,
    param: number,
    grad: number,
    m: number,
    v: number,
    param1: number,
    m1: number,
    v1: number,
    n: number,
    beta1: number,
    beta2: number,
    stepSize: number,
    correction2: number,
    epsilon: number,
  ): void;
  /** matMul's bias and activation over a rows × n block in place (offsets −1 when absent; strides 1 or 0). */
  epilogue(heap: ArrayBuffer, c: number, rows: number, n: number, bias: number, biasStride: number, activation: number, alpha: number, prelu: number, preluStride: number): void;
  /** out[j] = Σ_i x[i][j] over a row-major rows × cols block (a bias gradient). */
  sumRows(heap: ArrayBuffer, x: number, out: number, rows: number, cols: number): void;
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
    const addon = createRequire(import.meta.url)(ADDON) as OpenBlas;
    // OpenBLAS is loaded once per process: the first thread to load the addon sets the count for all.
    if (process.env.OPENBLAS_NUM_THREADS === undefined && addon.threads() !== 1) addon.setThreads(1);
    loaded = { addon };
  } catch (error) {
    loaded = { missing: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  }
  return loaded;
}

/** The core type in OpenBLAS's build string ("OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64":
 * Zen), the word before MAX_THREADS: a DYNAMIC_ARCH build names the kernels it chose for this CPU there. */
export function openBlasCore(config: string): string | null {
  const words = config.split(/\s+/);
  const at = words.findIndex((w) => w.startsWith('MAX_THREADS'));
  return at > 0 && !/^(NO_|DYNAMIC_ARCH|OpenBLAS|USE_)/.test(words[at - 1]) && !/^\d/.test(words[at - 1]) ? words[at - 1] : null;
}
