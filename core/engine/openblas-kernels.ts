/**
 * BatchMatMul and _FusedMatMul for the wasm backend, computed by OpenBLAS (./openblas.ts) on the wasm heap
 * itself: the inputs are read and the output written at the tensors' offsets in the module's memory, so a
 * product costs one sgemm call and no copy. Every transpose combination is sgemm's own (no transposed copy),
 * and the fused bias and activation are applied in the same pass over the output.
 *
 * Conv2D, FusedConv2D and Conv2D's two gradients (Conv2DBackpropFilter, Conv2DBackpropInput) as im2col + sgemm in the addon:
 * with the products on OpenBLAS the wasm convolutions were 78-88 % of a conv layer's training step
 * (`dgr bench --only cnn-replay-step conv-vae-replay-step --profile`). NCHW goes to the pure kernels.
 *
 * Sum over every axis but the last (bias gradients) in one pass, where the pure kernel transposes first.
 *
 * Batches follow tfjs's BatchMatMul (output batch i multiplies A[i mod batchA] by B[i mod batchB]); products
 * whose batch dimensions neither match nor broadcast from 1, and fused products whose bias or PReLU weights
 * are not one value per output column (or one for all), go to the pure wasm kernels given as `pure`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { OpenBlas } from './openblas.ts';

type KernelArgs = { inputs: Record<string, tf.TensorInfo>; backend: BackendWasm; attrs: tf.NamedAttrMap };
type WasmKernel = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[];

/** native/openblas.c's activation numbers. */
const ACTIVATIONS: Record<string, number> = {
  linear: 0,
  relu: 1,
  relu6: 2,
  elu: 3,
  leakyrelu: 4,
  prelu: 5,
  sigmoid: 6,
};

type Product = {
  outShape: number[];
  batch: number;
  batchA: number;
  batchB: number;
  m: number;
  n: number;
  k: number;
  transposeA: boolean;
  transposeB: boolean;
};

/** The product's sizes, or null when OpenBLAS does not take it (see the header). */
function productOf(a: tf.TensorInfo, b: tf.TensorInfo, attrs: tf.NamedAttrMap): Product | null {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  const transposeA = attrs.transposeA === true;
  const transposeB = attrs.transposeB === true;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kB = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  if (k !== kB) {
    throw new Error(
      `Error in matMul: inner shapes (${k}) and (${kB}) of Tensors with shapes ${a.shape} and ${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`,
    );
  }
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  const outer = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
  const batch = Math.max(batchA, batchB);
  if (!(batchA === batchB || batchA === 1 || batchB === 1)) return null;
  return { outShape: [...outer, m, n], batch, batchA, batchB, m, n, k, transposeA, transposeB };
}

/**
 * 1 when `x` holds one value per output column (shape [..1, n]), 0 when one value for all, null otherwise
 * (or when broadcasting `x` would add axes to the output).
 */
function columnStride(x: tf.TensorInfo, columns: number, outRank: number): number | null {
  if (x.dtype !== 'float32' || x.shape.length > outRank) return null;
  const size = tf.util.sizeFromShape(x.shape);
  if (size === 1) return 0;
  return x.shape[x.shape.length - 1] === columns && size === columns ? 1 : null;
}

type Epilogue = { bias: tf.TensorInfo | null; biasStride: number; activation: number; alpha: number; prelu: tf.TensorInfo | null; preluStride: number };

const LINEAR: Epilogue = { bias: null, biasStride: 0, activation: 0, alpha: 0, prelu: null, preluStride: 0 };

function heapOf(backend: BackendWasm): ArrayBuffer {
  return (backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.buffer as ArrayBuffer;
}

function run(blas: OpenBlas, backend: BackendWasm, a: tf.TensorInfo, b: tf.TensorInfo, p: Product, e: Epilogue): tf.TensorInfo {
  const out = backend.makeOutput(p.outShape, 'float32');
  if (tf.util.sizeFromShape(p.outShape) === 0) return out;
  const offset = (t: tf.TensorInfo | null): number => (t === null ? -1 : backend.getMemoryOffset(t.dataId));
  // The heap is read after makeOutput, which may grow the memory (and so replace its buffer).
  blas.matMul(
    heapOf(backend),
    offset(a),
    offset(b),
    offset(out),
    p.batch,
    p.batchA,
    p.batchB,
    p.m,
    p.n,
    p.k,
    p.transposeA ? 1 : 0,
    p.transposeB ? 1 : 0,
    offset(e.bias),
    e.biasStride,
    e.activation,
    e.alpha,
    offset(e.prelu),
    e.preluStride,
  );
  return out;
}

function openBlasBatchMatMul(blas: OpenBlas, pure: WasmKernel): WasmKernel {
  return (args) => {
    const { a, b } = args.inputs;
    const product = productOf(a, b, args.attrs);
    if (product === null) return pure(args);
    return run(blas, args.backend, a, b, product, LINEAR);
  };
}

function openBlasFusedMatMul(blas: OpenBlas, pure: WasmKernel): WasmKernel {
  return (args) => {
    const { a, b, bias, preluActivationWeights } = args.inputs;
    const product = productOf(a, b, args.attrs);
    if (product === null) return pure(args);
    const name = (args.attrs.activation as string | undefined) ?? 'linear';
    const activation = ACTIVATIONS[name];
    if (activation === undefined) throw new Error(`_FusedMatMul: unsupported activation '${name}'`);
    const biasStride = bias == null ? 0 : columnStride(bias, product.n, product.outShape.length);
    const prelu = name === 'prelu' ? preluActivationWeights : null;
    if (name === 'prelu' && prelu == null) throw new Error('_FusedMatMul: prelu activation without its weights');
    const preluStride = prelu == null ? 0 : columnStride(prelu, product.n, product.outShape.length);
    if (biasStride === null || preluStride === null) return pure(args);
    const alpha = (args.attrs.leakyreluAlpha as number | undefined) ?? 0.2;
    return run(blas, args.backend, a, b, product, {
      bias: bias ?? null,
      biasStride,
      activation,
      alpha,
      prelu: prelu ?? null,
      preluStride,
    });
  };
}

/** native/openblas.c's convolution kinds. */
const CONV = { forward: 0, filterGradient: 1, inputGradient: 2 } as const;

type ConvAttrs = {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

type Shape4 = [number, number, number, number];

/** The addon's geometry of a convolution, or null for what it does not take (NCHW, other dtypes). */
function geometryOf(inShape: number[], filterShape: number[], attrs: ConvAttrs, inputs: tf.TensorInfo[]): Int32Array | null {
  if (inputs.some((t) => t.dtype !== 'float32')) return null;
  if (tf.backend_util.convertConv2DDataFormat(attrs.dataFormat ?? 'NHWC') !== 'channelsLast') return null;
  const info = tf.backend_util.computeConv2DInfo(
    inShape as Shape4,
    filterShape as Shape4,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  return Int32Array.of(
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.outChannels,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight,
    info.dilationWidth,
    info.padInfo.top,
    info.padInfo.left,
  );
}

function runConv(
  blas: OpenBlas,
  backend: BackendWasm,
  kind: number,
  geometry: Int32Array,
  first: tf.TensorInfo,
  second: tf.TensorInfo,
  outShape: number[],
): tf.TensorInfo {
  const out = backend.makeOutput(outShape, 'float32');
  if (tf.util.sizeFromShape(outShape) === 0 || tf.util.sizeFromShape(first.shape) === 0) {
    if (tf.util.sizeFromShape(outShape) > 0) (backend.typedArrayFromHeap(out) as Float32Array).fill(0);
    return out;
  }
  const offset = (t: tf.TensorInfo): number => backend.getMemoryOffset(t.dataId);
  // The heap is read after makeOutput, which may grow the memory (and so replace its buffer).
  blas.conv(kind, heapOf(backend), geometry, offset(first), offset(second), offset(out));
  return out;
}

function openBlasConv2D(blas: OpenBlas, pure: WasmKernel): WasmKernel {
  return (args) => {
    const { x, filter } = args.inputs;
    const attrs = args.attrs as unknown as ConvAttrs;
    const g = geometryOf(x.shape, filter.shape, attrs, [x, filter]);
    if (g === null) return pure(args);
    return runConv(blas, args.backend, CONV.forward, g, x, filter, [g[0], g[4], g[5], g[6]]);
  };
}

/**
 * FusedConv2D (a convolution layer's forward pass: tf.fused.conv2d with its bias and activation) as the im2col
 * convolution with matMul's epilogue over its output, one value of bias per output channel.
 */
function openBlasFusedConv2D(blas: OpenBlas, pure: WasmKernel): WasmKernel {
  return (args) => {
    const { x, filter, bias, preluActivationWeights } = args.inputs;
    const attrs = args.attrs as unknown as ConvAttrs & { activation?: string; leakyreluAlpha?: number };
    const g = geometryOf(x.shape, filter.shape, attrs, [x, filter]);
    if (g === null) return pure(args);
    const channels = g[6];
    const stride = (t: tf.TensorInfo | undefined): number | null => (t == null ? 0 : columnStride(t, channels, 4));
    const name = attrs.activation ?? 'linear';
    const activation = ACTIVATIONS[name];
    const prelu = name === 'prelu' ? preluActivationWeights : undefined;
    const biasStride = stride(bias);
    const preluStride = stride(prelu);
    if (activation === undefined || biasStride === null || preluStride === null || (name === 'prelu' && prelu == null)) return pure(args);
    const out = runConv(blas, args.backend, CONV.forward, g, x, filter, [g[0], g[4], g[5], channels]);
    const offset = (t: tf.TensorInfo | undefined): number => (t == null ? -1 : args.backend.getMemoryOffset(t.dataId));
    const rows = g[0] * g[4] * g[5];
    blas.epilogue(heapOf(args.backend), offset(out), rows, channels, offset(bias), biasStride, activation, attrs.leakyreluAlpha ?? 0.2, offset(prelu), preluStride);
    return out;
  };
}

function openBlasConv2DBackpropFilter(blas: OpenBlas, pure: WasmKernel): WasmKernel {
  return (args) => {
    const { x, dy } = args.inputs;
    const attrs = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
    const g = geometryOf(x.shape, attrs.filterShape, { ...attrs, dilations: 1 }, [x, dy]);
    if (g === null) return pure(args);
    return runConv(blas, args.backend, CONV.filterGradient, g, x, dy, attrs.filterShape);
  };
}

function openBlasConv2DBackpropInput(blas: OpenBlas, pure: WasmKernel): WasmKernel {
  return (args) => {
    const { dy, filter } = args.inputs;
    const attrs = args.attrs as unknown as ConvAttrs & { inputShape: number[] };
    const g = geometryOf(attrs.inputShape, filter.shape, { ...attrs, dilations: 1 }, [dy, filter]);
    if (g === null) return pure(args);
    return runConv(blas, args.backend, CONV.inputGradient, g, dy, filter, attrs.inputShape);
  };
}

/**
 * Sum over every axis but the last (a bias gradient: dense layers' [batch, units], convolutions' [batch, h, w,
 * channels]) as one pass in the addon; other reductions go to the pure kernel.
 */
function openBlasSum(blas: OpenBlas, pure: WasmKernel): WasmKernel {
  return (args) => {
    const { x } = args.inputs;
    const rank = x.shape.length;
    const axes = tf.util.parseAxisParam(args.attrs.axis as number | number[], x.shape);
    const leading = rank >= 2 && axes.length === rank - 1 && [...axes].sort((a, b) => a - b).every((a, i) => a === i);
    if (x.dtype !== 'float32' || !leading) return pure(args);
    const cols = x.shape[rank - 1];
    const out = args.backend.makeOutput(args.attrs.keepDims === true ? [...axes.map(() => 1), cols] : [cols], 'float32');
    const rows = tf.util.sizeFromShape(x.shape) / Math.max(cols, 1);
    // The heap is read after makeOutput, which may grow the memory (and so replace its buffer).
    blas.sumRows(heapOf(args.backend), args.backend.getMemoryOffset(x.dataId), args.backend.getMemoryOffset(out.dataId), rows, cols);
    return out;
  };
}

/** Every kernel above by name, each over the pure kernel of that name. */
export function openBlasKernels(blas: OpenBlas, pure: Record<string, WasmKernel>): Record<string, WasmKernel> {
  const of = (name: string): WasmKernel => {
    const kernel = pure[name];
    if (kernel === undefined) throw new Error(`no pure wasm ${name} kernel to fall back on`);
    return kernel;
  };
  return {
    [tf.BatchMatMul]: openBlasBatchMatMul(blas, of(tf.BatchMatMul)),
    [tf._FusedMatMul]: openBlasFusedMatMul(blas, of(tf._FusedMatMul)),
    [tf.Conv2D]: openBlasConv2D(blas, of(tf.Conv2D)),
    [tf.FusedConv2D]: openBlasFusedConv2D(blas, of(tf.FusedConv2D)),
    [tf.Conv2DBackpropFilter]: openBlasConv2DBackpropFilter(blas, of(tf.Conv2DBackpropFilter)),
    [tf.Conv2DBackpropInput]: openBlasConv2DBackpropInput(blas, of(tf.Conv2DBackpropInput)),
    [tf.Sum]: openBlasSum(blas, of(tf.Sum)),
  };
}
