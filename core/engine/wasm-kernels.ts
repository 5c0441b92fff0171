/**
 * Kernel-level repairs to @tensorflow/tfjs-backend-wasm 4.22, installed before the backend starts.
 *
 * - BatchMatMul and _FusedMatMul: with transposeA/transposeB set, the wasm kernels leave the fast XNNPACK path
 *   and run about 10x slower. Every dense-layer gradient sets a flag, so the wrappers transpose the flagged
 *   operand with the wasm Transpose kernel first and call the original kernel flag-free.
 * - Conv2DBackpropInput (every conv layer's input gradient, and conv2dTranspose's forward pass): the stock
 *   kernel is a direct loop, 10-15x slower than Conv2D; it becomes one XNNPACK Conv2D per stride phase.
 * - Conv2DBackpropFilter: missing on wasm, so no convolution could train. It is one Conv2D whose roles are
 *   swapped (channels as batch, batch as channels, the forward stride as the dilation).
 * - _FusedMatMul also adds its bias wrongly to batched (rank-3, batch > 1) products; those run unfused.
 * - UnsortedSegmentSum: missing on wasm; tf.gather's gradient needs it.
 * - MaxPoolGrad: the wasm kernel loses whole windows for some shapes; replaced by a direct loop.
 * - Identity (tf.clone, and the engine's copy of every tensor an op saves for its gradient): the wasm kernel
 *   copies the data, 75 copies per VAE training step; it shares the buffer instead, counted as Reshape does
 *   (tensors are immutable, and no kernel here writes into an input).
 *
 * Where the OpenBLAS addon is built, selectBlas puts ./openblas-kernels.ts in place of the matrix products
 * and convolutions (those here stay their fallback for what the addon does not take).
 *
 * Everything here runs at backend level (kernel functions on TensorInfo, intermediates freed with
 * backend.disposeData), so nothing is recorded on the gradient tape and no tensor outlives a call.
 *
 * Threads (verified with 4.22 on Node 20): the WASM_HAS_MULTITHREAD_SUPPORT flag returns false whenever IS_NODE
 * is set, so the single-threaded SIMD binary loads and getThreadsCount() is 1 whatever setThreadsCount() asked.
 * Forcing the flag to true loads the threaded binary, whose pthread pool then fails to start: Emscripten passes
 * Node's worker_threads a blob: URL ("ERR_WORKER_PATH"), so the backend does not initialise at all. There is no
 * supported way to get XNNPACK threads in Node with 4.22: one process uses one core, and using more takes
 * worker_threads that each run their own backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { EventEmitter } from 'node:events';
import type { OpenBlas } from './openblas.ts';
import { selectAdamStep } from './adam-kernel.ts';
import { openBlasKernels } from './openblas-kernels.ts';

type KernelArgs = { inputs: Record<string, tf.TensorInfo>; backend: BackendWasm; attrs: tf.NamedAttrMap };
type WasmKernel = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[];

const WASM = 'wasm';

function originalKernel(name: string): tf.KernelConfig {
  const config = tf.getKernel(name, WASM);
  if (config == null) throw new Error(`tfjs-backend-wasm has no ${name} kernel to build on`);
  return config;
}

function asKernel(config: tf.KernelConfig): WasmKernel {
  return config.kernelFunc as unknown as WasmKernel;
}

function single(out: tf.TensorInfo | tf.TensorInfo[]): tf.TensorInfo {
  return Array.isArray(out) ? out[0] : out;
}

/** Swaps the last two axes of `x` into a new wasm tensor the caller must dispose. */
function transposeLastTwo(transpose: WasmKernel, x: tf.TensorInfo, backend: BackendWasm): tf.TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
  return single(transpose({ inputs: { x }, backend, attrs: { perm } }));
}

/**
 * Runs a matMul kernel (inputs a, b; attrs transposeA, transposeB) with the flags unset: a flagged operand is
 * transposed first, and the copy is freed after the call.
 */
function flagFree(original: WasmKernel, transpose: WasmKernel, args: KernelArgs): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const { transposeA, transposeB } = attrs as { transposeA?: boolean; transposeB?: boolean };
  if (!transposeA && !transposeB) return single(original(args));
  const temps: tf.TensorInfo[] = [];
  const a = transposeA ? transposeLastTwo(transpose, inputs.a, backend) : inputs.a;
  if (transposeA) temps.push(a);
  const b = transposeB ? transposeLastTwo(transpose, inputs.b, backend) : inputs.b;
  if (transposeB) temps.push(b);
  try {
    return single(
      original({ inputs: { ...inputs, a, b }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } }),
    );
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
}

type Activations = { add: WasmKernel; byName: Record<string, WasmKernel> };

/**
 * _FusedMatMul, flag-free as above. The wasm kernel also adds the bias (and PReLU weights) wrongly when the
 * output has more than one batch matrix (only the first row of the first matrix comes out right), so for a
 * batched product with a bias or PReLU it multiplies unfused and applies bias and activation with the
 * element-wise wasm kernels. Rank-2 products (every dense layer) keep the single fused call.
 */
function fusedMatMul(original: WasmKernel, transpose: WasmKernel, activations: Activations): WasmKernel {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { a, b, bias, preluActivationWeights } = inputs;
    const batch = Math.max(tf.util.sizeFromShape(a.shape.slice(0, -2)), tf.util.sizeFromShape(b.shape.slice(0, -2)));
    if (batch === 1 || (bias == null && preluActivationWeights == null)) return flagFree(original, transpose, args);

    const activation = (attrs.activation as string | undefined) ?? 'linear';
    const product = flagFree(original, transpose, {
      inputs: { a, b },
      backend,
      attrs: { ...attrs, activation: 'linear' },
    });
    let out = product;
    if (bias != null) {
      out = single(activations.add({ inputs: { a: product, b: bias }, backend, attrs: {} }));
      backend.disposeData(product.dataId);
    }
    if (activation === 'linear') return out;
    const kernel = activations.byName[activation];
    if (kernel == null) throw new Error(`wasm _FusedMatMul: unsupported activation '${activation}'`);
    const activated =
      activation === 'prelu'
        ? kernel({ inputs: { x: out, alpha: preluActivationWeights }, backend, attrs: {} })
        : kernel({ inputs: { x: out }, backend, attrs: { alpha: attrs.leakyreluAlpha ?? 0.2 } });
    backend.disposeData(out.dataId);
    return single(activated);
  };
}

/**
 * dW[kh,kw,ci,co] = Σ_{b,oh,ow} x[b, oh·sh + kh − padTop, ow·sw + kw − padLeft, ci] · dy[b,oh,ow,co]
 *
 * read as a convolution: input xᵀ = x transposed to [ci, H, W, b] (channels as batch), filter dyᵀ = dy
 * transposed to [OH, OW, b, co], dilation = the forward stride, stride 1, and the forward padding made
 * explicit. Its output [ci, KH, KW, co] transposes to the filter layout. Rows or columns of x past the last
 * one any output reads (a 'valid' stride that does not divide evenly) are sliced off, since a padding
 * cannot be negative.
 */
function conv2DBackpropFilter(kernels: { transpose: WasmKernel; conv2D: WasmKernel; slice: WasmKernel }): WasmKernel {
  return ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs;
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
    if (tf.backend_util.convertConv2DDataFormat(dataFormat) !== 'channelsLast') {
      throw new Error(`wasm Conv2DBackpropFilter supports NHWC only, got dataFormat '${dataFormat}'`);
    }
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    const { inHeight, inWidth, filterHeight, filterWidth, outHeight, outWidth, strideHeight, strideWidth } = info;
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    // Extent of the (padded) input the forward convolution reads, starting at row −top / column −left.
    const spanH = filterHeight - 1 + (outHeight - 1) * strideHeight + 1;
    const spanW = filterWidth - 1 + (outWidth - 1) * strideWidth + 1;
    const bottom = spanH - top - inHeight;
    const right = spanW - left - inWidth;

    const temps: tf.TensorInfo[] = [];
    try {
      let xt = single(kernels.transpose({ inputs: { x }, backend, attrs: { perm: [3, 1, 2, 0] } }));
      temps.push(xt);
      if (bottom < 0 || right < 0) {
        const size = [xt.shape[0], inHeight + Math.min(bottom, 0), inWidth + Math.min(right, 0), xt.shape[3]];
        xt = single(kernels.slice({ inputs: { x: xt }, backend, attrs: { begin: [0, 0, 0, 0], size } }));
        temps.push(xt);
      }
      const dyt = single(kernels.transpose({ inputs: { x: dy }, backend, attrs: { perm: [1, 2, 0, 3] } }));
      temps.push(dyt);
      const explicit: tf.backend_util.ExplicitPadding = [
        [0, 0],
        [top, Math.max(bottom, 0)],
        [left, Math.max(right, 0)],
        [0, 0],
      ];
      const convAttrs = { strides: 1, pad: explicit, dataFormat: 'NHWC', dilations: [strideHeight, strideWidth] };
      const dwt = single(kernels.conv2D({ inputs: { x: xt, filter: dyt }, backend, attrs: convAttrs }));
      temps.push(dwt);
      return single(kernels.transpose({ inputs: { x: dwt }, backend, attrs: { perm: [1, 2, 0, 3] } }));
    } finally {
      for (const t of temps) backend.disposeData(t.dataId);
    }
  };
}

type ConvKernels = {
  transpose: WasmKernel;
  conv2D: WasmKernel;
  slice: WasmKernel;
  stridedSlice: WasmKernel;
  reverse: WasmKernel;
};

/**
 * dx[b,ih,iw,ci] = Σ dy[b,oh,ow,co] · w[kh,kw,ci,co] over ih = oh·sh + kh − padTop (and likewise for columns),
 * computed as sh·sw stride-1 XNNPACK convolutions of dy itself, one per output phase (sub-pixel decomposition).
 *
 * Why: the stock wasm kernel is a direct loop, 10-15x slower than Conv2D on the same layer, and the textbook
 * rewrite (one stride-1 convolution of dy dilated by the stride) multiplies mostly zeros: 3 of every 4 products
 * for stride 2. Instead write ih + padTop = q·sh + rh (0 ≤ rh < sh). Only the taps kh = j·sh + rh reach phase
 * rh, and there oh = q − j, so dx[q·sh + rh − padTop] = Σ_j dy[q − j] · w[j·sh + rh]: a stride-1 correlation
 * of dy with the phase's sub-filter w[rh::sh] rotated by 180° (channel axes swapped), padded by its size − 1
 * before. The phases interleave into rows q·sh + rh, from which dx is the window starting at padTop.
 * Every multiply is a real one, so this costs what the forward convolution costs. NCHW keeps the stock kernel.
 */
function conv2DBackpropInput(stock: WasmKernel, kernels: ConvKernels): WasmKernel {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { dy, filter } = inputs;
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as tf.Conv2DBackpropInputAttrs;
    if (tf.backend_util.convertConv2DDataFormat(dataFormat) !== 'channelsLast') return stock(args);
    const info = tf.backend_util.computeConv2DInfo(
      inputShape,
      filter.shape as [number, number, number, number],
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
    const { strideHeight: sh, strideWidth: sw, filterHeight, filterWidth } = info;
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    // Phase outputs cover rows q = 0..qh−1, i.e. ih + padTop = 0..qh·sh−1 ⊇ every row of dx.
    const qh = Math.ceil((inHeight + top) / sh);
    const qw = Math.ceil((inWidth + left) / sw);

    const temps: tf.TensorInfo[] = [];
    const keep = (t: tf.TensorInfo | tf.TensorInfo[]): tf.TensorInfo => {
      const one = single(t);
      temps.push(one);
      return one;
    };
    try {
      // dy rows past qh never reach a phase output; keeping them would make the "after" padding negative.
      let d = dy;
      if (outHeight > qh || outWidth > qw) {
        const size = [batchSize, Math.min(outHeight, qh), Math.min(outWidth, qw), outChannels];
        d = keep(kernels.slice({ inputs: { x: dy }, backend, attrs: { begin: [0, 0, 0, 0], size } }));
      }
      const phases: { rh: number; rw: number; out: tf.TensorInfo }[] = [];
      for (let rh = 0; rh < sh; rh++) {
        for (let rw = 0; rw < sw; rw++) {
          const jh = Math.ceil((filterHeight - rh) / sh);
          const jw = Math.ceil((filterWidth - rw) / sw);
          // A filter smaller than its stride puts no tap on some phases: their rows of dx stay zero.
          if (jh <= 0 || jw <= 0) continue;
          const sub = keep(
            kernels.stridedSlice({
              inputs: { x: filter },
              backend,
              attrs: {
                begin: [rh, rw, 0, 0],
                end: [filterHeight, filterWidth, inChannels, outChannels],
                strides: [sh, sw, 1, 1],
                beginMask: 0,
                endMask: 0,
                ellipsisMask: 0,
                newAxisMask: 0,
                shrinkAxisMask: 0,
              },
            }),
          );
          const rotated = keep(kernels.reverse({ inputs: { x: sub }, backend, attrs: { dims: [0, 1] } }));
          const flipped = keep(kernels.transpose({ inputs: { x: rotated }, backend, attrs: { perm: [0, 1, 3, 2] } }));
          const explicit: tf.backend_util.ExplicitPadding = [
            [0, 0],
            [jh - 1, qh - d.shape[1]],
            [jw - 1, qw - d.shape[2]],
            [0, 0],
          ];
          const convAttrs = { strides: 1, pad: explicit, dataFormat: 'NHWC', dilations: 1 };
          phases.push({ rh, rw, out: keep(kernels.conv2D({ inputs: { x: d, filter: flipped }, backend, attrs: convAttrs })) });
        }
      }
      // Interleave the phases into dx with one pass in JS: the wasm Concat and Slice kernels copy element by
      // element through generic index arithmetic and cost more than the convolutions here.
      const dx = backend.makeOutput([batchSize, inHeight, inWidth, inChannels], 'float32');
      // Heap views are taken after the last allocation (a growing heap detaches older views).
      const target = backend.typedArrayFromHeap(dx) as Float32Array;
      if (phases.length < sh * sw) target.fill(0);
      for (const { rh, rw, out } of phases) {
        const source = backend.typedArrayFromHeap(out) as Float32Array;
        for (let b = 0; b < batchSize; b++) {
          for (let q = 0; q < qh; q++) {
            const ih = q * sh + rh - top;
            if (ih < 0 || ih >= inHeight) continue;
            for (let p = 0; p < qw; p++) {
              const iw = p * sw + rw - left;
              if (iw < 0 || iw >= inWidth) continue;
              const from = ((b * qh + q) * qw + p) * inChannels;
              const to = ((b * inHeight + ih) * inWidth + iw) * inChannels;
              for (let c = 0; c < inChannels; c++) target[to + c] = source[from + c];
            }
          }
        }
      }
      return dx;
    } finally {
      for (const t of temps) backend.disposeData(t.dataId);
    }
  };
}

/** out[s, ...] = Σ_{i: ids[i] = s} x[i, ...]; negative or out-of-range ids are dropped, as on cpu. */
function unsortedSegmentSum(): WasmKernel {
  return ({ inputs, backend, attrs }) => {
    const { x, segmentIds } = inputs;
    const { numSegments } = attrs as unknown as tf.UnsortedSegmentSumAttrs;
    const idRank = segmentIds.shape.length;
    const inner = tf.util.sizeFromShape(x.shape.slice(idRank));
    const out = backend.makeOutput([numSegments, ...x.shape.slice(idRank)], x.dtype);
    // Views are taken after makeOutput, which may grow (and so detach) the wasm heap.
    const xs = backend.typedArrayFromHeap(x);
    const ids = backend.typedArrayFromHeap(segmentIds);
    const ys = backend.typedArrayFromHeap(out);
    ys.fill(0);
    for (let i = 0; i < ids.length; i++) {
      const s = ids[i];
      if (s < 0 || s >= numSegments) continue;
      const from = i * inner;
      const to = s * inner;
      for (let j = 0; j < inner; j++) ys[to + j] += xs[from + j];
    }
    return out;
  };
}

/**
 * dx of max pooling: each output's dy goes to the first maximum of its window (row-major), as on cpu. The
 * stock wasm MaxPoolGrad drops whole windows for some shapes (e.g. a 4x4x2 input, 2x2 windows, stride 2).
 */
function maxPoolGrad(): WasmKernel {
  return ({ inputs, backend, attrs }) => {
    const { dy, input } = inputs;
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolGradAttrs;
    const info = tf.backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      filterSize,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
    const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
    const out = backend.makeOutput(input.shape, 'float32');
    // Views are taken after makeOutput, which may grow (and so detach) the wasm heap.
    const xs = backend.typedArrayFromHeap(input);
    const dys = backend.typedArrayFromHeap(dy);
    const dxs = backend.typedArrayFromHeap(out);
    dxs.fill(0);
    const rowStride = inWidth * channels;
    for (let b = 0; b < batchSize; b++) {
      const base = b * inHeight * rowStride;
      for (let oh = 0; oh < outHeight; oh++) {
        const r0 = oh * strideHeight - info.padInfo.top;
        for (let ow = 0; ow < outWidth; ow++) {
          const c0 = ow * strideWidth - info.padInfo.left;
          for (let ch = 0; ch < channels; ch++) {
            let best = Number.NEGATIVE_INFINITY;
            let at = -1;
            for (let r = Math.max(r0, 0); r < Math.min(r0 + filterHeight, inHeight); r++) {
              for (let c = Math.max(c0, 0); c < Math.min(c0 + filterWidth, inWidth); c++) {
                const i = base + r * rowStride + c * channels + ch;
                if (xs[i] > best) {
                  best = xs[i];
                  at = i;
                }
              }
            }
            if (at >= 0) dxs[at] += dys[((b * outHeight + oh) * outWidth + ow) * channels + ch];
          }
        }
      }
    }
    return out;
  };
}

/** Identity without a copy: the output is the input's buffer, its reference count raised (like wasm's Reshape). */
function sharedIdentity(stock: WasmKernel): WasmKernel {
  return (args) => {
    const { x } = args.inputs;
    if (x.dtype === 'string') return stock(args);
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}

function register(kernelName: string, kernelFunc: WasmKernel, setupFunc?: tf.KernelSetupFunc): void {
  if (tf.getKernel(kernelName, WASM) != null) tf.unregisterKernel(kernelName, WASM);
  tf.registerKernel({ kernelName, backendName: WASM, kernelFunc: kernelFunc as unknown as tf.KernelFunc, setupFunc });
}

const PROCESS_EVENTS = ['uncaughtException', 'unhandledRejection'] as const;

/**
 * The Emscripten module inside tfjs-backend-wasm, when created under Node, adds process handlers that rethrow
 * every uncaught exception and unhandled rejection from inside the handler. Node then reports the handler's
 * own source line, a ~40 KB line of minified code, as the error's location, and exits with status 7 instead
 * of printing the real stack. The module's own cleanup of these handlers only runs on its _dispose, which
 * tfjs never calls. This wraps the registered backend factory so that the handlers the module adds while it
 * is created are removed again, restoring Node's default reporting. It must run before anything starts the
 * wasm backend (useBackend installs it first); if the backend already exists it does nothing.
 */
type EngineRegistries = {
  registry: Record<string, tf.KernelBackend>;
  registryFactory: Record<string, { factory: () => unknown; priority: number }>;
};

function dropWasmProcessHandlers(): void {
  const engine = tf.engine() as unknown as EngineRegistries;
  // Too late once the backend exists (tf.findBackend would itself start it, so the registry is read directly).
  if (engine.registry[WASM] != null) return;
  const entry = engine.registryFactory[WASM];
  if (entry == null) throw new Error('tfjs-backend-wasm is imported but registered no wasm backend');
  const { factory, priority } = entry;
  tf.removeBackend(WASM);
  tf.registerBackend(
    WASM,
    async () => {
      const events = process as EventEmitter;
      const before = new Map(PROCESS_EVENTS.map((e) => [e, new Set(events.listeners(e))]));
      const backend = await factory();
      for (const event of PROCESS_EVENTS) {
        for (const listener of events.listeners(event)) {
          if (!before.get(event)?.has(listener)) events.removeListener(event, listener as (...args: unknown[]) => void);
        }
      }
      return backend as tf.KernelBackend;
    },
    priority,
  );
}

/** The pure wasm kernels OpenBLAS may replace (the repairs above or the stock ones), set by installWasmKernels. */
let pure: Record<string, { kernel: WasmKernel; setup?: tf.KernelSetupFunc }> | null = null;
let blasInUse: OpenBlas | null = null;

/**
 * Registers the wasm backend's matrix products, convolutions and Adam step: the native ones when `blas` is given, else the
 * pure wasm ones. Call after installWasmKernels; the kernel registry is process-wide, so this switches every
 * later product of this thread.
 */
export function selectBlas(blas: OpenBlas | null): void {
  if (pure === null) throw new Error('selectBlas before installWasmKernels');
  const kernels = Object.fromEntries(Object.entries(pure).map(([name, { kernel }]) => [name, kernel]));
  const chosen = blas === null ? kernels : openBlasKernels(blas, kernels);
  for (const [name, { setup }] of Object.entries(pure)) register(name, chosen[name], setup);
  selectAdamStep(blas);
  blasInUse = blas;
}

/** Which path computes the wasm backend's matrix products and convolutions in this thread. */
export function matMulPath(): 'openblas' | 'wasm' {
  return blasInUse === null ? 'wasm' : 'openblas';
}

let installed = false;

/**
 * Re-registers the wasm kernels described above and wraps the backend factory (see dropWasmProcessHandlers).
 * Idempotent; call after importing tfjs-backend-wasm and before the wasm backend is first used.
 */
export function installWasmKernels(): void {
  if (installed) return;
  dropWasmProcessHandlers();
  const transpose = asKernel(originalKernel(tf.Transpose));
  const conv2DStock = originalKernel(tf.Conv2D);
  const conv2D = asKernel(conv2DStock);
  const slice = asKernel(originalKernel(tf.Slice));
  const batchMatMul = originalKernel(tf.BatchMatMul);
  const activations: Activations = {
    add: asKernel(originalKernel(tf.Add)),
    byName: {
      relu: asKernel(originalKernel(tf.Relu)),
      relu6: asKernel(originalKernel(tf.Relu6)),
      elu: asKernel(originalKernel(tf.Elu)),
      leakyrelu: asKernel(originalKernel(tf.LeakyRelu)),
      prelu: asKernel(originalKernel(tf.Prelu)),
      sigmoid: asKernel(originalKernel(tf.Sigmoid)),
    },
  };
  const fused = originalKernel(tf._FusedMatMul);
  const convKernels: ConvKernels = {
    transpose,
    conv2D,
    slice,
    stridedSlice: asKernel(originalKernel(tf.StridedSlice)),
    reverse: asKernel(originalKernel(tf.Reverse)),
  };
  const backpropInput = originalKernel(tf.Conv2DBackpropInput);
  const sum = originalKernel(tf.Sum);
  const fusedConv2D = originalKernel(tf.FusedConv2D);
  pure = {
    [tf.BatchMatMul]: { kernel: (args) => flagFree(asKernel(batchMatMul), transpose, args), setup: batchMatMul.setupFunc },
    [tf._FusedMatMul]: { kernel: fusedMatMul(asKernel(fused), transpose, activations), setup: fused.setupFunc },
    [tf.Conv2D]: { kernel: conv2D, setup: conv2DStock.setupFunc },
    [tf.FusedConv2D]: { kernel: asKernel(fusedConv2D), setup: fusedConv2D.setupFunc },
    [tf.Conv2DBackpropFilter]: { kernel: conv2DBackpropFilter({ transpose, conv2D, slice }) },
    [tf.Conv2DBackpropInput]: { kernel: conv2DBackpropInput(asKernel(backpropInput), convKernels), setup: backpropInput.setupFunc },
    [tf.Sum]: { kernel: asKernel(sum), setup: sum.setupFunc },
  };
  selectBlas(null);
  register(tf.UnsortedSegmentSum, unsortedSegmentSum());
  register(tf.MaxPoolGrad, maxPoolGrad());
  register(tf.Identity, sharedIdentity(asKernel(originalKernel(tf.Identity))));
  installed = true;
}
