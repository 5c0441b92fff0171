/**
 * Gradients registered by core/engine/gradients.ts, checked against finite differences on cpu and on wasm.
 *
 * The second-order tests differentiate the WGAN-GP penalty P = mean_i (‖∂D/∂x_i‖ − 1)² of a two-hidden-layer
 * critic D with respect to every weight. The reference is a float64 re-implementation of P in plain JS,
 * differentiated by central differences, so it shares no code with tfjs.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { GRADIENT_KERNELS } from '../../core/engine/gradients.ts';
import { BOTH, expectClose, randomArray, runOn } from './helpers.ts';

// ------------------------------------------------------------------------------------------------------
// The critic in float64: activations as (forward, vector-Jacobian product) on one row.

type RowAct = { f: (z: number[]) => number[]; vjp: (z: number[], dh: number[]) => number[] };

function elementwise(f: (z: number) => number, df: (z: number) => number): RowAct {
  return { f: (z) => z.map(f), vjp: (z, dh) => z.map((v, i) => df(v) * dh[i]) };
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const SELU_A = 1.6732632423543772;
const SELU_S = 1.0507009873554805;

function softmaxRow(z: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

const ACTIVATIONS: Record<string, { tf: (z: tf.Tensor) => tf.Tensor; ref: RowAct }> = {
  relu: { tf: tf.relu, ref: elementwise((z) => Math.max(z, 0), (z) => (z > 0 ? 1 : 0)) },
  leakyRelu: {
    tf: (z) => tf.leakyRelu(z, 0.2),
    ref: elementwise((z) => (z > 0 ? z : 0.2 * z), (z) => (z > 0 ? 1 : 0.2)),
  },
  relu6: {
    tf: (z) => tf.relu6(tf.mul(z, 4)),
    ref: elementwise((z) => Math.min(Math.max(4 * z, 0), 6), (z) => (4 * z > 0 && 4 * z < 6 ? 4 : 0)),
  },
  elu: { tf: tf.elu, ref: elementwise((z) => (z > 0 ? z : Math.expm1(z)), (z) => (z > 0 ? 1 : Math.exp(z))) },
  selu: {
    tf: tf.selu,
    ref: elementwise(
      (z) => SELU_S * (z > 0 ? z : SELU_A * Math.expm1(z)),
      (z) => SELU_S * (z > 0 ? 1 : SELU_A * Math.exp(z)),
    ),
  },
  sigmoid: { tf: tf.sigmoid, ref: elementwise(sigmoid, (z) => sigmoid(z) * (1 - sigmoid(z))) },
  tanh: { tf: tf.tanh, ref: elementwise(Math.tanh, (z) => 1 - Math.tanh(z) ** 2) },
  softplus: { tf: tf.softplus, ref: elementwise((z) => Math.log1p(Math.exp(z)), sigmoid) },
  exp: { tf: tf.exp, ref: elementwise(Math.exp, Math.exp) },
  'log(1 + z²)': {
    tf: (z) => tf.log(tf.add(tf.square(z), 1)),
    ref: elementwise((z) => Math.log(1 + z * z), (z) => (2 * z) / (1 + z * z)),
  },
  'sqrt(1 + z²)': {
    tf: (z) => tf.sqrt(tf.add(tf.square(z), 1)),
    ref: elementwise((z) => Math.sqrt(1 + z * z), (z) => z / Math.sqrt(1 + z * z)),
  },
  'step(z)·z + 0.5z': {
    tf: (z) => tf.add(tf.mul(tf.step(z), z), tf.mul(z, 0.5)),
    ref: elementwise((z) => (z > 0 ? z : 0) + 0.5 * z, (z) => (z > 0 ? 1.5 : 0.5)),
  },
  softmax: {
    tf: (z) => tf.softmax(z),
    ref: {
      f: softmaxRow,
      vjp: (z, dh) => {
        const h = softmaxRow(z);
        const dot = h.reduce((a, v, i) => a + v * dh[i], 0);
        return h.map((v, i) => v * (dh[i] - dot));
      },
    },
  },
  'z − logSumExp(z)': {
    tf: (z) => tf.sub(z, tf.logSumExp(z, 1, true)),
    ref: {
      f: (z) => {
        const m = Math.max(...z);
        const lse = m + Math.log(z.reduce((a, v) => a + Math.exp(v - m), 0));
        return z.map((v) => v - lse);
      },
      vjp: (z, dh) => {
        const h = softmaxRow(z);
        const s = dh.reduce((a, b) => a + b, 0);
        return dh.map((v, i) => v - h[i] * s);
      },
    },
  },
};

const N = 6;
// ReLU critics can have an all-zero input gradient for a sample, where d‖g‖/dg is 0/0; an ε inside the square
// root (as WGAN-GP implementations use) keeps the penalty differentiable there.
const NORM_EPS = 1e-8;
const D0 = 3;
const D1 = 5;
const D2 = 4;
const SHAPES = { w1: [D0, D1], b1: [D1], w2: [D1, D2], b2: [D2], w3: [D2, 1] } as const;
type Params = Record<keyof typeof SHAPES, Float64Array>;
const NAMES = Object.keys(SHAPES) as (keyof typeof SHAPES)[];

function initialParams(): Params {
  const std = { w1: 0.8, b1: 0.3, w2: 0.6, b2: 0.3, w3: 0.9 };
  return Object.fromEntries(
    NAMES.map((k, i) => [k, Float64Array.from(randomArray(100 + i, tf.util.sizeFromShape([...SHAPES[k]]), std[k]))]),
  ) as Params;
}
const X = Float64Array.from(randomArray(99, N * D0));

function dense(rows: number[][], w: Float64Array, b: Float64Array | null, nIn: number, nOut: number): number[][] {
  return rows.map((r) =>
    Array.from({ length: nOut }, (_, j) => r.reduce((s, v, i) => s + v * w[i * nOut + j], b ? b[j] : 0)),
  );
}

/** ∂(Σ rows)/∂input through a dense layer: dIn = dOut · Wᵀ. */
function denseBack(d: number[][], w: Float64Array, nIn: number, nOut: number): number[][] {
  return d.map((r) => Array.from({ length: nIn }, (_, i) => r.reduce((s, v, j) => s + v * w[i * nOut + j], 0)));
}

function penaltyRef(p: Params, act: RowAct): number {
  const x = Array.from({ length: N }, (_, i) => Array.from(X.subarray(i * D0, (i + 1) * D0)));
  const z1 = dense(x, p.w1, p.b1, D0, D1);
  const h1 = z1.map(act.f);
  const z2 = dense(h1, p.w2, p.b2, D1, D2);
  const dh2 = z2.map(() => Array.from(p.w3));
  const dz2 = z2.map((z, i) => act.vjp(z, dh2[i]));
  const dh1 = denseBack(dz2, p.w2, D1, D2);
  const dz1 = z1.map((z, i) => act.vjp(z, dh1[i]));
  const g = denseBack(dz1, p.w1, D0, D1);
  return g.reduce((s, r) => s + (Math.sqrt(r.reduce((a, v) => a + v * v, 0) + NORM_EPS) - 1) ** 2, 0) / N;
}

function penaltyGradRef(p: Params, act: RowAct): number[] {
  const eps = 1e-6;
  const out: number[] = [];
  for (const k of NAMES) {
    for (let i = 0; i < p[k].length; i++) {
      const keep = p[k][i];
      p[k][i] = keep + eps;
      const up = penaltyRef(p, act);
      p[k][i] = keep - eps;
      const down = penaltyRef(p, act);
      p[k][i] = keep;
      out.push((up - down) / (2 * eps));
    }
  }
  return out;
}

/** The same penalty in tfjs: an inner tf.grad for ∂D/∂x, differentiated again by the outer tf.grads. */
function penaltyGradTf(p: Params, act: (z: tf.Tensor) => tf.Tensor): tf.Tensor[] {
  const x = tf.tensor2d(Float32Array.from(X), [N, D0]);
  const params = NAMES.map((k) => tf.tensor(Float32Array.from(p[k]), [...SHAPES[k]]));
  const penalty = (w1: tf.Tensor, b1: tf.Tensor, w2: tf.Tensor, b2: tf.Tensor, w3: tf.Tensor) => {
    const critic = (xx: tf.Tensor) => {
      const h1 = act(tf.add(tf.matMul(xx as tf.Tensor2D, w1 as tf.Tensor2D), b1));
      const h2 = act(tf.add(tf.matMul(h1 as tf.Tensor2D, w2 as tf.Tensor2D), b2));
      return tf.sum(tf.matMul(h2 as tf.Tensor2D, w3 as tf.Tensor2D));
    };
    const g = tf.grad(critic)(x);
    return tf.mean(tf.square(tf.sub(tf.sqrt(tf.add(tf.sum(tf.square(g), 1), NORM_EPS)), 1))) as tf.Scalar;
  };
  return tf.grads(penalty)(params);
}

describe('second-order gradients (WGAN-GP penalty w.r.t. every weight) against float64 finite differences', () => {
  for (const [name, act] of Object.entries(ACTIVATIONS)) {
    const p = initialParams();
    const reference = penaltyGradRef(p, act.ref);
    for (const backend of BOTH) {
      it(`${name} on ${backend}`, async () => {
        const grads = await runOn(backend, () => penaltyGradTf(p, act.tf));
        const flat = grads.flatMap((g) => Array.from(g));
        // Every weight, the biases included, reaches the penalty: none may come back all-zero.
        let offset = 0;
        for (const k of NAMES) {
          const part = flat.slice(offset, offset + p[k].length);
          const refPart = reference.slice(offset, offset + p[k].length);
          if (refPart.some((v) => Math.abs(v) > 1e-6)) expect(part.some((v) => v !== 0), `${k} got no gradient`).toBe(true);
          offset += p[k].length;
        }
        expectClose(flat, reference, 2e-3, 1e-5);
      });
    }
  }
});

// ------------------------------------------------------------------------------------------------------
// First order: each gradient against central differences of the same tfjs function (float32, so a loose
// tolerance; a wrong formula is off by far more).

type Case = { name: string; shape: number[]; positive?: boolean; f: (x: tf.Tensor) => tf.Tensor };
const r = (seed: number, shape: number[]) => tf.tensor(randomArray(seed, tf.util.sizeFromShape(shape)), shape);
const FIRST_ORDER: Case[] = [
  { name: 'abs, neg, square', shape: [3, 4], f: (x) => tf.add(tf.abs(tf.add(x, 0.05)), tf.square(tf.neg(x))) },
  { name: 'div, log, sqrt, rsqrt, reciprocal', shape: [3, 4], positive: true, f: (x) => tf.addN([tf.div(r(1, [4]), x), tf.log(x), tf.sqrt(x), tf.rsqrt(x), tf.reciprocal(tf.add(x, 1))]) },
  { name: 'log1p, expm1, erf, sin, cos', shape: [3, 4], positive: true, f: (x) => tf.addN([tf.log1p(x), tf.expm1(x), tf.erf(x), tf.sin(x), tf.cos(x)]) },
  { name: 'pow (both sides), atan2', shape: [3, 4], positive: true, f: (x) => tf.add(tf.pow(x, tf.add(tf.mul(x, 0.3), 1)), tf.atan2(x, tf.add(x, 1))) },
  { name: 'maximum, minimum, clipByValue', shape: [3, 4], f: (x) => tf.addN([tf.maximum(x, r(2, [3, 4])), tf.minimum(x, 0.1), tf.clipByValue(x, -0.5, 0.7)]) },
  { name: 'squaredDifference, sub, mul broadcasting', shape: [3, 1], f: (x) => tf.mul(tf.squaredDifference(x, r(3, [1, 4])), tf.sub(r(4, [4]), x)) },
  { name: 'sum, mean, max, min over axes', shape: [3, 4], f: (x) => tf.addN([tf.sum(x, 1), tf.mean(x, 1), tf.max(x, 1), tf.min(x, 1)]) },
  { name: 'reshape, transpose, tile, expandDims', shape: [2, 3], f: (x) => tf.mul(tf.tile(tf.transpose(tf.expandDims(tf.reshape(x, [3, 2]), 0), [0, 2, 1]), [2, 1, 2]), r(5, [2, 2, 6])) },
  { name: 'concat, stack, unstack, split', shape: [2, 3], f: (x) => { const [a, b] = tf.split(x, [1, 2], 1); return tf.mul(tf.concat([tf.stack(tf.unstack(b, 1), 1), a], 1), r(6, [2, 3])); } },
  { name: 'slice, pad, reverse, cumsum', shape: [3, 4], f: (x) => tf.mul(tf.pad(tf.reverse(tf.cumsum(tf.slice(x, [1, 0], [2, 3]), 1), 0), [[1, 0], [0, 1]]), r(7, [3, 4])) },
  { name: 'gather, oneHot mask, where', shape: [4, 3], f: (x) => tf.where(tf.greater(r(8, [3, 3]), 0), tf.gather(x, tf.tensor1d([3, 0, 3], 'int32')), tf.mul(tf.gather(x, tf.tensor1d([1, 1, 2], 'int32')), 2)) },
  { name: 'softmax, logSoftmax, sigmoid, tanh, softplus', shape: [3, 4], f: (x) => tf.addN([tf.softmax(x), tf.logSoftmax(x), tf.sigmoid(x), tf.tanh(x), tf.softplus(x)]) },
  { name: 'prelu, selu, elu, relu6, leakyRelu', shape: [3, 4], f: (x) => tf.addN([tf.prelu(x, r(9, [4])), tf.selu(x), tf.elu(x), tf.relu6(tf.mul(x, 4)), tf.leakyRelu(x, 0.1)]) },
  { name: 'batchMatMul with flags and broadcast batch', shape: [2, 3, 4], f: (x) => tf.concat([tf.reshape(tf.matMul(x, r(10, [1, 5, 4]), false, true), [-1]), tf.reshape(tf.matMul(r(11, [3, 5]), x, true, false), [-1]), tf.reshape(tf.matMul(x, r(12, [2, 3, 2]), true, false), [-1])]) },
  { name: 'batchNorm (moments, scale, offset)', shape: [4, 3], f: (x) => { const m = tf.moments(x, 0); return tf.batchNorm(x, m.mean, m.variance, r(12, [3]), r(13, [3]), 1e-3); } },
  { name: 'conv2d (stride 2)', shape: [2, 7, 7, 2], f: (x) => tf.mul(tf.conv2d(x as tf.Tensor4D, r(14, [3, 3, 2, 3]) as tf.Tensor4D, 2, 'same'), r(15, [2, 4, 4, 3])) },
  { name: 'conv2dTranspose (stride 2)', shape: [2, 3, 3, 3], f: (x) => tf.mul(tf.conv2dTranspose(x as tf.Tensor4D, r(16, [4, 4, 2, 3]) as tf.Tensor4D, [2, 6, 6, 2], 2, 'same'), r(17, [2, 6, 6, 2])) },
  { name: 'avgPool same', shape: [1, 4, 4, 2], f: (x) => tf.mul(tf.avgPool(x as tf.Tensor4D, 2, 1, 'same'), r(18, [1, 4, 4, 2])) },
  { name: 'avgPool valid', shape: [1, 4, 4, 2], f: (x) => tf.mul(tf.avgPool(x as tf.Tensor4D, 2, 2, 'valid'), r(18, [1, 2, 2, 2])) },
  { name: 'maxPool', shape: [1, 4, 4, 2], f: (x) => tf.mul(tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid'), r(19, [1, 2, 2, 2])) },
  { name: 'resizeBilinear, resizeNearestNeighbor', shape: [1, 3, 3, 1], f: (x) => tf.mul(tf.add(tf.image.resizeBilinear(x as tf.Tensor4D, [5, 5]), tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [5, 5])), r(17, [1, 5, 5, 1])) },
];

describe('first-order gradients against float32 finite differences', () => {
  for (const c of FIRST_ORDER) {
    for (const backend of BOTH) {
      it(`${c.name} on ${backend}`, async () => {
        const raw = randomArray(200, tf.util.sizeFromShape(c.shape));
        const x0 = c.positive ? raw.map((v) => 0.5 + Math.abs(v)) : raw;
        const loss = (x: tf.Tensor) => tf.sum(tf.mul(c.f(x), 1));
        const [analytic] = await runOn(backend, () => tf.grad(loss)(tf.tensor(x0, c.shape)));
        const eps = 1e-2;
        const numeric = await runOn(backend, () =>
          tf.stack(
            Array.from(x0, (_, i) => {
              const up = Float32Array.from(x0);
              const down = Float32Array.from(x0);
              up[i] += eps;
              down[i] -= eps;
              return tf.div(tf.sub(loss(tf.tensor(up, c.shape)), loss(tf.tensor(down, c.shape))), 2 * eps);
            }),
          ),
        );
        expectClose(analytic, numeric[0], 2e-2, 2e-3);
      });
    }
  }

  it('covers the kernels registered (a spot check that the table is the one installed)', () => {
    for (const k of [tf.Exp, tf.Tanh, tf.Sigmoid, tf.Elu, tf.Greater, tf.Step, tf.Conv2DBackpropFilter, tf.RealDiv]) {
      expect(GRADIENT_KERNELS).toContain(k);
      expect(tf.getGradient(k)).toBeTruthy();
    }
  });

  it('rejects the gradient of a dilated conv2d with a clear message on both backends', async () => {
    for (const backend of BOTH) {
      await expect(
        runOn(backend, () =>
          tf.grad((w: tf.Tensor) => tf.sum(tf.conv2d(r(18, [1, 7, 7, 1]) as tf.Tensor4D, w as tf.Tensor4D, 1, 'same', 'NHWC', 2)))(
            r(19, [3, 3, 1, 1]),
          ),
        ),
      ).rejects.toThrow(/dilations 2/);
    }
  });
});
