/**
 * The gradient of every kernel the networks here use, written so that gradients can be differentiated again.
 *
 * Why this file registers gradients at all: @tensorflow/tfjs-core's Node entry (dist/tf-core.node.js) ships no
 * gradient definitions. They live in dist/register_all_gradients.js, an ES module with extensionless imports
 * that Node cannot load, and which only the @tensorflow/tfjs union bundle (not a dependency here) pulls in.
 * Without this file tf.grads fails on the first kernel ("gradient function not found for RealDiv").
 *
 * Why they are not tfjs's own formulas: tfjs expresses the gradients of Exp, Tanh, Sigmoid, Elu, Softmax and
 * others through the kernel's saved *output*. The engine saves that output by cloning it before the forward
 * node is on the tape, so at second order the path through it is cut: d/dθ ‖∂f/∂x‖² (the WGAN-GP penalty)
 * comes out a few percent off, and some parameters get no gradient. Here every gradient is a composition of
 * differentiable ops on the saved *inputs*, and comparisons, rounding and masks have explicit zero gradients,
 * so the tape sees the whole backward computation. The double-backward paths are checked against finite
 * differences in test/engine/gradients.test.ts.
 *
 * One first-order fix rides along: tf.avgPool with padding ('same') got a wrong gradient at the borders on
 * every backend (the backends' AvgPoolGrad ignores that the forward pass leaves padding out of the average).
 *
 * Kernels without a gradient here: Conv2D/pooling/resize with dilation or their own *Grad kernels (their
 * second-order terms are not needed by any network in this project), StridedSlice, depthwise and 3-D
 * convolutions, complex and string kernels.
 */
import * as tf from '@tensorflow/tfjs-core';

type GradConfig = Parameters<typeof tf.registerGradient>[0];
type Grads = Record<string, () => tf.Tensor>;
type Attrs = tf.NamedAttrMap;

const SELU_SCALE = 1.0507009873554805;
const SELU_SCALE_ALPHA = 1.7580993408473768;
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** Sums a broadcast gradient back to the shape of the input it came from. */
function reduceTo(g: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.backend_util.getReductionAxes(shape, g.shape);
  return tf.reshape(axes.length > 0 ? tf.sum(g, axes) : g, shape);
}

/** A float 0/1 mask; comparisons carry zero gradients, so the mask is a constant to the tape. */
function mask(condition: tf.Tensor): tf.Tensor {
  return tf.cast(condition, 'float32');
}

function zerosFor(x: tf.Tensor): () => tf.Tensor {
  return () => tf.zeros(x.shape);
}

function keepDimsShape(shape: number[], axes: number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/** Gradient of a broadcasting reduction: dy, re-expanded to the input's shape. */
function expandBack(dy: tf.Tensor, x: tf.Tensor, axisAttr: number | number[]): tf.Tensor {
  const axes = tf.util.parseAxisParam(axisAttr, x.shape);
  return tf.mul(tf.reshape(dy, keepDimsShape(x.shape, axes)), tf.ones(x.shape));
}

// ---------------------------------------------------------------------------------------------------------
// Unary element-wise kernels: d/dx as ops on x.

const UNARY: Record<string, (x: tf.Tensor, dy: tf.Tensor, attrs: Attrs) => tf.Tensor> = {
  [tf.Abs]: (x, dy) => tf.mul(dy, tf.sign(x)),
  [tf.Neg]: (_x, dy) => tf.neg(dy),
  [tf.Exp]: (x, dy) => tf.mul(dy, tf.exp(x)),
  [tf.Expm1]: (x, dy) => tf.mul(dy, tf.exp(x)),
  [tf.Log]: (x, dy) => tf.div(dy, x),
  [tf.Log1p]: (x, dy) => tf.div(dy, tf.add(x, 1)),
  [tf.Sqrt]: (x, dy) => tf.div(dy, tf.mul(tf.sqrt(x), 2)),
  [tf.Rsqrt]: (x, dy) => tf.mul(dy, tf.div(tf.rsqrt(x), tf.mul(x, -2))),
  [tf.Reciprocal]: (x, dy) => tf.neg(tf.div(dy, tf.square(x))),
  [tf.Square]: (x, dy) => tf.mul(dy, tf.mul(x, 2)),
  [tf.Sigmoid]: (x, dy) => {
    const s = tf.sigmoid(x);
    return tf.mul(dy, tf.mul(s, tf.sub(1, s)));
  },
  [tf.Tanh]: (x, dy) => tf.mul(dy, tf.sub(1, tf.square(tf.tanh(x)))),
  [tf.Softplus]: (x, dy) => tf.mul(dy, tf.sigmoid(x)),
  [tf.Relu]: (x, dy) => tf.mul(dy, tf.step(x)),
  // step(6 − x) is 0 at x = 6, matching relu6's flat right end.
  [tf.Relu6]: (x, dy) => tf.mul(dy, tf.mul(tf.step(x), tf.step(tf.sub(6, x)))),
  [tf.LeakyRelu]: (x, dy, attrs) => {
    const alpha = attrs.alpha as number;
    return tf.mul(dy, tf.add(alpha, tf.mul(tf.step(x), 1 - alpha)));
  },
  // exp(min(x, 0)) is elu'(x) on both sides, and its own derivative (exp(x) left of 0, 0 right) is elu''.
  [tf.Elu]: (x, dy) => tf.mul(dy, tf.exp(tf.minimum(x, 0))),
  [tf.Selu]: (x, dy) => {
    const positive = tf.step(x);
    const negativeSlope = tf.mul(tf.exp(tf.minimum(x, 0)), SELU_SCALE_ALPHA);
    return tf.mul(dy, tf.add(tf.mul(positive, SELU_SCALE), tf.mul(tf.sub(1, positive), negativeSlope)));
  },
  [tf.Erf]: (x, dy) => tf.mul(dy, tf.mul(tf.exp(tf.neg(tf.square(x))), TWO_OVER_SQRT_PI)),
  [tf.Sin]: (x, dy) => tf.mul(dy, tf.cos(x)),
  [tf.Cos]: (x, dy) => tf.neg(tf.mul(dy, tf.sin(x))),
  [tf.ClipByValue]: (x, dy, attrs) => {
    const inside = tf.logicalAnd(
      tf.greaterEqual(x, attrs.clipValueMin as number),
      tf.lessEqual(x, attrs.clipValueMax as number),
    );
    return tf.mul(dy, mask(inside));
  },
  [tf.Cast]: (_x, dy) => tf.clone(dy),
  [tf.Identity]: (_x, dy) => tf.clone(dy),
};

/** Kernels whose output is piecewise constant or non-differentiable data: zero gradient for every input. */
const ZERO_GRADIENT: Record<string, string[]> = {
  [tf.Greater]: ['a', 'b'],
  [tf.GreaterEqual]: ['a', 'b'],
  [tf.Less]: ['a', 'b'],
  [tf.LessEqual]: ['a', 'b'],
  [tf.Equal]: ['a', 'b'],
  [tf.NotEqual]: ['a', 'b'],
  [tf.LogicalAnd]: ['a', 'b'],
  [tf.LogicalOr]: ['a', 'b'],
  [tf.LogicalNot]: ['x'],
  [tf.FloorDiv]: ['a', 'b'],
  [tf.Step]: ['x'],
  [tf.Sign]: ['x'],
  [tf.Floor]: ['x'],
  [tf.Ceil]: ['x'],
  [tf.Round]: ['x'],
  [tf.IsNan]: ['x'],
  [tf.IsInf]: ['x'],
  [tf.IsFinite]: ['x'],
  [tf.ZerosLike]: ['x'],
  [tf.OnesLike]: ['x'],
  [tf.ArgMax]: ['x'],
  [tf.ArgMin]: ['x'],
  [tf.OneHot]: ['indices'],
};

// ---------------------------------------------------------------------------------------------------------
// Broadcasting binary kernels: (a, b, dy) → gradient of each input before reduction to its shape. The two
// sides are separate functions because the engine runs (and tidies) each input's gradient on its own.

type BinaryGrad = (a: tf.Tensor, b: tf.Tensor, dy: tf.Tensor) => tf.Tensor;

/** d/db aᵇ = aᵇ·ln a, taken as 0 where a ≤ 0; ln of a stand-in 1 there keeps NaN out of both branches. */
function powGradB(a: tf.Tensor, b: tf.Tensor, dy: tf.Tensor): tf.Tensor {
  const positive = tf.greater(a, 0);
  const logA = tf.mul(tf.log(tf.where(positive, a, tf.onesLike(a))), mask(positive));
  return tf.mul(dy, tf.mul(tf.pow(a, b), logA));
}

const BINARY: Record<string, { a: BinaryGrad; b: BinaryGrad }> = {
  [tf.Add]: { a: (_a, _b, dy) => dy, b: (_a, _b, dy) => dy },
  [tf.Sub]: { a: (_a, _b, dy) => dy, b: (_a, _b, dy) => tf.neg(dy) },
  [tf.Multiply]: { a: (_a, b, dy) => tf.mul(dy, b), b: (a, _b, dy) => tf.mul(dy, a) },
  [tf.RealDiv]: {
    a: (_a, b, dy) => tf.div(dy, b),
    b: (a, b, dy) => tf.neg(tf.div(tf.mul(dy, a), tf.square(b))),
  },
  [tf.SquaredDifference]: {
    a: (a, b, dy) => tf.mul(dy, tf.mul(tf.sub(a, b), 2)),
    b: (a, b, dy) => tf.mul(dy, tf.mul(tf.sub(b, a), 2)),
  },
  [tf.Maximum]: {
    a: (a, b, dy) => tf.mul(dy, mask(tf.greaterEqual(a, b))),
    b: (a, b, dy) => tf.mul(dy, mask(tf.less(a, b))),
  },
  [tf.Minimum]: {
    a: (a, b, dy) => tf.mul(dy, mask(tf.lessEqual(a, b))),
    b: (a, b, dy) => tf.mul(dy, mask(tf.greater(a, b))),
  },
  [tf.Pow]: { a: (a, b, dy) => tf.mul(dy, tf.mul(b, tf.pow(a, tf.sub(b, 1)))), b: powGradB },
  [tf.Atan2]: {
    a: (a, b, dy) => tf.div(tf.mul(dy, b), tf.add(tf.square(a), tf.square(b))),
    b: (a, b, dy) => tf.neg(tf.div(tf.mul(dy, a), tf.add(tf.square(a), tf.square(b)))),
  },
  [tf.Mod]: { a: (_a, _b, dy) => dy, b: (a, b, dy) => tf.mul(dy, tf.neg(tf.floor(tf.div(a, b)))) },
};

// ---------------------------------------------------------------------------------------------------------
// Everything else.

/** Forwards the attributes every Conv2D-family kernel shares, plus `extra`. */
function convKernelAttrs(attrs: Attrs, extra: Attrs): Attrs {
  const { strides, pad, dataFormat, dimRoundingMode } = attrs;
  return { strides, pad, dataFormat, ...(dimRoundingMode == null ? {} : { dimRoundingMode }), ...extra };
}

function convAttrs(attrs: Attrs) {
  return attrs as unknown as {
    strides: [number, number] | number;
    pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    dilations?: [number, number] | number;
  };
}

function conv2D(x: tf.Tensor, filter: tf.Tensor, attrs: Attrs): tf.Tensor {
  return tf.engine().runKernel(tf.Conv2D, { x, filter }, convKernelAttrs(attrs, { dilations: 1 }));
}

function conv2DBackpropInput(inputShape: number[], dy: tf.Tensor, filter: tf.Tensor, attrs: Attrs): tf.Tensor {
  return tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter }, convKernelAttrs(attrs, { inputShape }));
}

function conv2DBackpropFilter(x: tf.Tensor, dy: tf.Tensor, filterShape: number[], attrs: Attrs): tf.Tensor {
  return tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, convKernelAttrs(attrs, { filterShape }));
}

function assertNoDilation(attrs: Attrs): void {
  const { dilations } = convAttrs(attrs);
  const d = dilations ?? 1;
  if (!(typeof d === 'number' ? d === 1 : d.every((v) => v === 1))) {
    throw new Error(`gradient of Conv2D with dilations ${String(d)} is not supported (dilation 1 only)`);
  }
}

function matMulGrads(a: tf.Tensor, b: tf.Tensor, dy: tf.Tensor, attrs: Attrs): Grads {
  const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
  // C = op(A)·op(B): dop(A) = dy·op(B)ᵀ, dop(B) = op(A)ᵀ·dy, then undo op on each side.
  const da = transposeA ? () => tf.matMul(b, dy, transposeB, true) : () => tf.matMul(dy, b, false, !transposeB);
  const db = transposeB ? () => tf.matMul(dy, a, true, transposeA) : () => tf.matMul(a, dy, !transposeA, false);
  return { a: () => reduceTo(da(), a.shape), b: () => reduceTo(db(), b.shape) };
}

function tileGrad(x: tf.Tensor, dy: tf.Tensor, reps: number[]): tf.Tensor {
  // dy has shape [r0·d0, r1·d1, …]; viewed as [r0, d0, r1, d1, …] the copies sit on the even axes.
  const split = x.shape.flatMap((d, i) => [reps[i], d]);
  const copyAxes = x.shape.map((_, i) => 2 * i);
  return tf.reshape(tf.sum(tf.reshape(dy, split), copyAxes), x.shape);
}

function gatherGrad(x: tf.Tensor, indices: tf.Tensor, dy: tf.Tensor, attrs: Attrs): tf.Tensor {
  const { axis, batchDims } = attrs as { axis: number; batchDims: number };
  if (batchDims !== 0) throw new Error(`gradient of gather with batchDims ${batchDims} is not supported`);
  const ax = tf.util.parseAxisParam(axis, x.shape)[0];
  const outer = x.shape.slice(0, ax);
  const inner = x.shape.slice(ax + 1);
  // dy: [outer…, indices.size, inner…] → move the gathered axis first, segment-sum, move it back.
  const values = tf.reshape(dy, [...outer, indices.size, ...inner]);
  const toFront = [outer.length, ...outer.map((_, i) => i), ...inner.map((_, i) => outer.length + 1 + i)];
  const summed = tf.unsortedSegmentSum(tf.transpose(values, toFront), tf.reshape(indices, [indices.size]), x.shape[ax]);
  return tf.transpose(summed, tf.backend_util.getUndoAxesPermutation(toFront));
}

/** Per output position of an NHWC avg pool: window size / number of window pixels inside the input. */
function avgPoolEdgeScale(xShape: number[], attrs: Attrs): tf.Tensor {
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.AvgPoolAttrs;
  const info = tf.backend_util.computePool2DInfo(
    xShape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const inside = (o: number, stride: number, before: number, size: number, extent: number) => {
    const start = o * stride - before;
    return Math.min(start + size, extent) - Math.max(start, 0);
  };
  const { outHeight, outWidth, filterHeight, filterWidth } = info;
  const scale = new Float32Array(outHeight * outWidth);
  for (let oh = 0; oh < outHeight; oh++) {
    const rows = inside(oh, info.strideHeight, info.padInfo.top, filterHeight, info.inHeight);
    for (let ow = 0; ow < outWidth; ow++) {
      const cols = inside(ow, info.strideWidth, info.padInfo.left, filterWidth, info.inWidth);
      scale[oh * outWidth + ow] = (filterHeight * filterWidth) / (rows * cols);
    }
  }
  return tf.tensor4d(scale, [1, outHeight, outWidth, 1]);
}

function batchNormGrads(saved: tf.Tensor[], dy: tf.Tensor, attrs: Attrs): Grads {
  const [x, mean, variance, scale] = saved;
  const eps = attrs.varianceEpsilon as number;
  const r = tf.rsqrt(tf.add(variance, eps));
  const centred = tf.sub(x, mean);
  const dyScaled = scale == null ? dy : tf.mul(dy, scale);
  return {
    x: () => reduceTo(tf.mul(dyScaled, r), x.shape),
    mean: () => reduceTo(tf.neg(tf.mul(dyScaled, r)), mean.shape),
    variance: () => reduceTo(tf.mul(tf.mul(dyScaled, centred), tf.mul(tf.pow(r, 3), -0.5)), variance.shape),
    scale: () => reduceTo(tf.mul(dy, tf.mul(centred, r)), scale.shape),
    offset: () => reduceTo(dy, mean.shape),
  };
}

const OTHER: GradConfig[] = [
  {
    kernelName: tf.AddN,
    saveAllInputs: true,
    gradFunc: (dy, saved) => Object.fromEntries(saved.map((_, i) => [i, () => tf.clone(dy as tf.Tensor)])),
  },
  {
    kernelName: tf.Prelu,
    inputsToSave: ['x', 'alpha'],
    gradFunc: (dy, [x, alpha]) => {
      const g = dy as tf.Tensor;
      const positive = tf.step(x);
      return {
        x: () => reduceTo(tf.mul(g, tf.add(positive, tf.mul(tf.sub(1, positive), alpha))), x.shape),
        alpha: () => reduceTo(tf.mul(g, tf.mul(x, tf.sub(1, positive))), alpha.shape),
      };
    },
  },
  {
    kernelName: tf.Select,
    inputsToSave: ['condition'],
    gradFunc: (dy, [condition]) => {
      const g = dy as tf.Tensor;
      const zero = tf.zerosLike(g);
      return {
        condition: zerosFor(condition),
        t: () => tf.where(condition, g, zero),
        e: () => tf.where(condition, zero, g),
      };
    },
  },
  {
    kernelName: tf.Softmax,
    inputsToSave: ['logits'],
    gradFunc: (dy, [logits], attrs) => {
      const dim = attrs.dim as number;
      const y = tf.softmax(logits, dim);
      const dyY = tf.mul(dy as tf.Tensor, y);
      return { logits: () => tf.sub(dyY, tf.mul(tf.sum(dyY, dim, true), y)) };
    },
  },
  {
    kernelName: tf.LogSoftmax,
    inputsToSave: ['logits'],
    gradFunc: (dy, [logits], attrs) => {
      const axis = attrs.axis as number;
      const g = dy as tf.Tensor;
      return { logits: () => tf.sub(g, tf.mul(tf.sum(g, axis, true), tf.softmax(logits, axis))) };
    },
  },
  // Reductions.
  {
    kernelName: tf.Sum,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => ({ x: () => expandBack(dy as tf.Tensor, x, attrs.axis as number[]) }),
  },
  {
    kernelName: tf.Mean,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const axes = tf.util.parseAxisParam(attrs.axis as number[], x.shape);
      const count = axes.reduce((n, a) => n * x.shape[a], 1);
      return { x: () => tf.div(expandBack(dy as tf.Tensor, x, axes), count) };
    },
  },
  ...[tf.Max, tf.Min].map(
    (kernelName): GradConfig => ({
      kernelName,
      inputsToSave: ['x'],
      gradFunc: (dy, [x], attrs) => {
        const axes = tf.util.parseAxisParam((attrs.reductionIndices ?? attrs.axis) as number[], x.shape);
        const extreme = kernelName === tf.Max ? tf.max(x, axes, true) : tf.min(x, axes, true);
        const hit = mask(tf.equal(x, extreme));
        return { x: () => tf.mul(expandBack(dy as tf.Tensor, x, axes), hit) };
      },
    }),
  ),
  {
    kernelName: tf.Cumsum,
    gradFunc: (dy, _saved, attrs) => {
      const { axis, exclusive, reverse } = attrs as { axis: number; exclusive: boolean; reverse: boolean };
      return { x: () => tf.cumsum(dy as tf.Tensor, axis, exclusive, !reverse) };
    },
  },
  // Shapes and copies.
  {
    kernelName: tf.Reshape,
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({ x: () => tf.reshape(dy as tf.Tensor, x.shape) }),
  },
  {
    kernelName: tf.ExpandDims,
    inputsToSave: ['input'],
    gradFunc: (dy, [input]) => ({ input: () => tf.reshape(dy as tf.Tensor, input.shape) }),
  },
  {
    kernelName: tf.BroadcastTo,
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({ x: () => reduceTo(dy as tf.Tensor, x.shape) }),
  },
  {
    kernelName: tf.Transpose,
    gradFunc: (dy, _saved, attrs) => ({
      x: () => tf.transpose(dy as tf.Tensor, tf.backend_util.getUndoAxesPermutation(attrs.perm as number[])),
    }),
  },
  {
    kernelName: tf.Tile,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => ({ x: () => tileGrad(x, dy as tf.Tensor, attrs.reps as number[]) }),
  },
  {
    kernelName: tf.Concat,
    saveAllInputs: true,
    gradFunc: (dy, saved, attrs) => {
      const axis = tf.util.parseAxisParam(attrs.axis as number, saved[0].shape)[0];
      const parts = tf.split(dy as tf.Tensor, saved.map((t) => t.shape[axis]), axis);
      return Object.fromEntries(parts.map((p, i) => [i, () => p]));
    },
  },
  {
    kernelName: tf.Pack,
    saveAllInputs: true,
    gradFunc: (dy, _saved, attrs) =>
      Object.fromEntries(tf.unstack(dy as tf.Tensor, attrs.axis as number).map((p, i) => [i, () => p])),
  },
  {
    kernelName: tf.Unpack,
    gradFunc: (dy, _saved, attrs) => ({ value: () => tf.stack(dy as tf.Tensor[], attrs.axis as number) }),
  },
  {
    kernelName: tf.SplitV,
    gradFunc: (dy, _saved, attrs) => ({ x: () => tf.concat(dy as tf.Tensor[], attrs.axis as number) }),
  },
  {
    kernelName: tf.Slice,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const [begin, size] = tf.slice_util.parseSliceParams(x, attrs.begin as number[], attrs.size as number[]);
      const paddings = x.shape.map((d, i): [number, number] => [begin[i], d - begin[i] - size[i]]);
      return { x: () => tf.pad(dy as tf.Tensor, paddings) };
    },
  },
  {
    kernelName: tf.PadV2,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const begin = (attrs.paddings as [number, number][]).map((p) => p[0]);
      return { x: () => tf.slice(dy as tf.Tensor, begin, x.shape) };
    },
  },
  {
    kernelName: tf.Reverse,
    gradFunc: (dy, _saved, attrs) => ({ x: () => tf.reverse(dy as tf.Tensor, attrs.dims as number[]) }),
  },
  {
    kernelName: tf.GatherV2,
    inputsToSave: ['x', 'indices'],
    gradFunc: (dy, [x, indices], attrs) => ({
      x: () => gatherGrad(x, indices, dy as tf.Tensor, attrs),
      indices: zerosFor(indices),
    }),
  },
  {
    kernelName: tf.UnsortedSegmentSum,
    inputsToSave: ['segmentIds'],
    gradFunc: (dy, [segmentIds]) => {
      const g = dy as tf.Tensor;
      // Rows with a negative segment id were dropped, so they get zero.
      const kept = mask(tf.greaterEqual(segmentIds, 0));
      const gathered = tf.gather(g, tf.maximum(segmentIds, 0));
      const keptShape = [...kept.shape, ...Array(gathered.rank - kept.rank).fill(1)];
      return { x: () => tf.mul(gathered, tf.reshape(kept, keptShape)), segmentIds: zerosFor(segmentIds) };
    },
  },
  // Linear algebra and convolution.
  {
    kernelName: tf.BatchMatMul,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b], attrs) => matMulGrads(a, b, dy as tf.Tensor, attrs),
  },
  {
    kernelName: tf.Conv2D,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, [x, filter], attrs) => {
      assertNoDilation(attrs);
      const g = dy as tf.Tensor;
      return {
        x: () => conv2DBackpropInput(x.shape, g, filter, attrs),
        filter: () => conv2DBackpropFilter(x, g, filter.shape, attrs),
      };
    },
  },
  {
    // Forward kernel of conv2dTranspose. Its output dx is linear in dy and in the filter.
    kernelName: tf.Conv2DBackpropInput,
    inputsToSave: ['dy', 'filter'],
    gradFunc: (ddx, [dy, filter], attrs) => ({
      dy: () => conv2D(ddx as tf.Tensor, filter, attrs),
      filter: () => conv2DBackpropFilter(ddx as tf.Tensor, dy, filter.shape, attrs),
    }),
  },
  {
    // dW = Σ x ⊗ dy is bilinear: against an upstream G shaped like the filter, x gets the transposed
    // convolution of dy with G and dy gets the convolution of x with G.
    kernelName: tf.Conv2DBackpropFilter,
    inputsToSave: ['x', 'dy'],
    gradFunc: (g, [x, dy], attrs) => ({
      x: () => conv2DBackpropInput(x.shape, dy, g as tf.Tensor, attrs),
      dy: () => conv2D(x, g as tf.Tensor, attrs),
    }),
  },
  {
    kernelName: tf.FusedBatchNorm,
    inputsToSave: ['x', 'mean', 'variance', 'scale'],
    gradFunc: (dy, saved, attrs) => batchNormGrads(saved, dy as tf.Tensor, attrs),
  },
  // Pooling and resizing go through their backend *Grad kernels (first order only).
  {
    kernelName: tf.MaxPool,
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: (dy, [x, y], attrs) => ({
      x: () => tf.engine().runKernel(tf.MaxPoolGrad, { dy: dy as tf.Tensor, input: x, output: y }, attrs),
    }),
  },
  {
    kernelName: tf.AvgPool,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const { filterSize, strides, pad } = attrs;
      // The forward pass averages over the window's pixels inside the input; the backends' AvgPoolGrad
      // divides by the full window size, so dy is rescaled by (window size / pixels inside) first.
      const g = tf.mul(dy as tf.Tensor, avgPoolEdgeScale(x.shape, attrs));
      return { x: () => tf.engine().runKernel(tf.AvgPoolGrad, { dy: g, input: x }, { filterSize, strides, pad }) };
    },
  },
  ...[
    [tf.ResizeNearestNeighbor, tf.ResizeNearestNeighborGrad],
    [tf.ResizeBilinear, tf.ResizeBilinearGrad],
  ].map(
    ([kernelName, gradKernel]): GradConfig => ({
      kernelName,
      inputsToSave: ['images'],
      gradFunc: (dy, [images], attrs) => ({
        images: () => tf.engine().runKernel(gradKernel, { images, dy: dy as tf.Tensor }, attrs),
      }),
    }),
  ),
];

function allConfigs(): GradConfig[] {
  const unary = Object.entries(UNARY).map(
    ([kernelName, d]): GradConfig => ({
      kernelName,
      inputsToSave: ['x'],
      gradFunc: (dy, [x], attrs) => ({ x: () => d(x, dy as tf.Tensor, attrs) }),
    }),
  );
  const zero = Object.entries(ZERO_GRADIENT).map(
    ([kernelName, names]): GradConfig => ({
      kernelName,
      inputsToSave: names,
      gradFunc: (_dy, saved) => Object.fromEntries(names.map((n, i) => [n, zerosFor(saved[i])])),
    }),
  );
  const binary = Object.entries(BINARY).map(
    ([kernelName, d]): GradConfig => ({
      kernelName,
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, [a, b]) => ({
        a: () => reduceTo(d.a(a, b, dy as tf.Tensor), a.shape),
        b: () => reduceTo(d.b(a, b, dy as tf.Tensor), b.shape),
      }),
    }),
  );
  return [...unary, ...zero, ...binary, ...OTHER];
}

/** Kernel names this module gives a gradient to. */
export const GRADIENT_KERNELS: readonly string[] = allConfigs().map((c) => c.kernelName);

let installed = false;

/** Registers the gradients above, replacing any registered before. Idempotent; backend-independent. */
export function installGradientFixes(): void {
  if (installed) return;
  for (const config of allConfigs()) {
    if (tf.getGradient(config.kernelName) != null) tf.unregisterGradient(config.kernelName);
    tf.registerGradient(config);
  }
  installed = true;
}
