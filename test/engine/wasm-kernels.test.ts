import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../core/engine/backend.ts';
import { expectSameOnBoth, randomArray } from './helpers.ts';
import { CONV_CASES } from './conv-cases.ts';

/** These are the pure wasm path's kernels (OpenBLAS off); test/engine/openblas.test.ts covers OpenBLAS's. */
const PURE = { native: false };
const expectSameOnPure = (f: () => tf.Tensor | tf.Tensor[], rtol?: number, atol?: number) => expectSameOnBoth(f, rtol, atol, PURE);

const t = (seed: number, shape: number[], std = 1) => tf.tensor(randomArray(seed, tf.util.sizeFromShape(shape), std), shape);

describe('BatchMatMul on wasm (transpose flags handled by an explicit transpose)', () => {
  const flags = [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const;

  for (const [ta, tb] of flags) {
    it(`2-D, transposeA=${ta} transposeB=${tb}, matches cpu`, async () => {
      await expectSameOnPure(() => {
        const a = t(1, ta ? [37, 19] : [19, 37]);
        const b = t(2, tb ? [23, 37] : [37, 23]);
        return tf.matMul(a, b, ta, tb);
      });
    });

    it(`3-D batched and broadcast, transposeA=${ta} transposeB=${tb}, matches cpu`, async () => {
      await expectSameOnPure(() => {
        const a = t(3, ta ? [4, 11, 6] : [4, 6, 11]);
        const b = t(4, tb ? [4, 5, 11] : [4, 11, 5]);
        const b1 = t(5, tb ? [1, 5, 11] : [1, 11, 5]);
        return [tf.matMul(a, b, ta, tb), tf.matMul(a, b1, ta, tb)];
      });
    });
  }

  // Batch 2 also covers a bug of the stock wasm kernel, which adds the bias wrongly to batched products.
  for (const batch of [1, 2]) {
    it(`fused matMul (batch ${batch}) with bias and each activation, under every flag combination, matches cpu`, async () => {
      for (const [ta, tb] of flags) {
        for (const activation of ['linear', 'relu', 'relu6', 'leakyrelu', 'prelu', 'sigmoid', 'elu'] as const) {
          await expectSameOnPure(() => {
            const a = t(6, ta ? [batch, 13, 8] : [batch, 8, 13]);
            const b = t(7, tb ? [batch, 9, 13] : [batch, 13, 9]);
            const bias = t(8, [9]);
            const preluActivationWeights = activation === 'prelu' ? t(9, [9], 0.3) : undefined;
            return tf.fused.matMul({
              a,
              b,
              transposeA: ta,
              transposeB: tb,
              bias,
              activation,
              preluActivationWeights,
              leakyreluAlpha: 0.1,
            });
          });
        }
      }
    });
  }

  it('fused matMul without bias on a batch, and with a rank-2 operand, matches cpu', async () => {
    await expectSameOnPure(() => [
      tf.fused.matMul({ a: t(40, [3, 5, 7]), b: t(41, [3, 6, 7]), transposeB: true, activation: 'relu' }),
      tf.fused.matMul({ a: t(42, [12, 7]), b: t(43, [5, 7]), transposeB: true, bias: t(44, [5]), activation: 'elu' }),
    ]);
  });

  it('dense-layer gradients (x, W, b of a 2-layer MLP with softmax cross-entropy) match cpu', async () => {
    await expectSameOnPure(() => {
      const x = t(9, [16, 30]);
      const w1 = t(10, [30, 20], 0.3);
      const b1 = t(11, [20], 0.1);
      const w2 = t(12, [20, 5], 0.3);
      const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0], 'int32'), 5);
      const loss = (xx: tf.Tensor, a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
        tf.losses.softmaxCrossEntropy(labels, tf.matMul(tf.relu(tf.add(tf.matMul(xx, a), b)), c)) as tf.Scalar;
      return tf.grads(loss)([x, w1, b1, w2]);
    });
  });

  it('leaves no tensor and no wasm buffer behind across repeated calls', async () => {
    await useBackend('wasm', PURE);
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const a = t(13, [8, 12]);
    const b = t(14, [8, 12]);
    const x = t(15, [2, 9, 9, 3]);
    const dy = t(16, [2, 5, 5, 4]);
    const round = () =>
      tf.tidy(() => {
        tf.matMul(a, b, true, false).dataSync();
        tf.matMul(a, b, false, true).dataSync();
        tf.fused.matMul({ a: tf.expandDims(a), b: tf.expandDims(b), transposeB: true, bias: t(17, [8]) }).dataSync();
        const attrs = { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 4] };
        (tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, attrs) as tf.Tensor).dataSync();
        tf.grad((xx: tf.Tensor) => tf.sum(tf.maxPool(xx as tf.Tensor4D, 2, 2, 'same')))(x).dataSync();
        const bpi = { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: [2, 9, 9, 3] };
        (tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter: t(18, [3, 3, 3, 4]) }, bpi) as tf.Tensor).dataSync();
        tf.unsortedSegmentSum(a, tf.tensor1d([0, 2, 2, 1, 0, 1, 3, 3], 'int32'), 4).dataSync();
      });
    round();
    const tensors = tf.memory().numTensors;
    const buffers = backend.numDataIds();
    for (let i = 0; i < 5; i++) round();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backend.numDataIds()).toBe(buffers);
    tf.dispose([a, b, x, dy]);
  });
});

describe('Identity on wasm shares its input buffer', () => {
  it('a clone reads the same values without a copy, outlives its source, and frees the buffer with the last of them', async () => {
    await useBackend('wasm', PURE);
    const backend = tf.backend() as unknown as { numDataIds(): number; getMemoryOffset(id: object): number };
    const buffers = backend.numDataIds();
    const x = t(30, [5, 7]);
    const values = Float32Array.from(x.dataSync());
    const copy = tf.clone(x);
    expect(backend.getMemoryOffset(copy.dataId)).toBe(backend.getMemoryOffset(x.dataId));
    expect(backend.numDataIds()).toBe(buffers + 1);
    x.dispose();
    expect(Array.from(copy.dataSync())).toEqual(Array.from(values));
    expect(backend.numDataIds()).toBe(buffers + 1);
    copy.dispose();
    expect(backend.numDataIds()).toBe(buffers);
  });

  it('gradients that save tensors for the backward pass (clones) still match cpu', async () => {
    await expectSameOnPure(() => {
      const x = t(31, [6, 9]);
      const f = (w: tf.Tensor, b: tf.Tensor) => tf.sum(tf.sigmoid(tf.add(tf.matMul(tf.relu(x), w), b)));
      return tf.grads(f)([t(32, [9, 4], 0.5), t(33, [4], 0.1)]);
    });
  });
});

describe('Conv2DBackpropFilter and Conv2DBackpropInput on wasm', () => {
  const cases = CONV_CASES;

  for (const c of cases) {
    it(`Conv2DBackpropFilter, ${c.name}: matches cpu`, async () => {
      await expectSameOnPure(() => {
        const x = t(20, c.x);
        const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad, c.dimRoundingMode);
        const dy = t(21, info.outShape);
        const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: c.dimRoundingMode, filterShape: c.filter };
        return tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
      });
    });
  }

  for (const c of cases) {
    it(`Conv2DBackpropInput, ${c.name}: matches cpu`, async () => {
      await expectSameOnPure(() => {
        const filter = t(22, c.filter);
        const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad, c.dimRoundingMode);
        const dy = t(23, info.outShape);
        const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: c.dimRoundingMode, inputShape: c.x };
        return tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
      });
    });
  }

  it('a conv layer (conv2d + bias + relu, stride 2) trains: gradients of x, W and b match cpu', async () => {
    await expectSameOnPure(() => {
      const x = t(22, [4, 12, 12, 3]);
      const w = t(23, [5, 5, 3, 8], 0.2);
      const b = t(24, [8], 0.1);
      const r = t(25, [4, 6, 6, 8]);
      const f = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
        tf.sum(tf.mul(tf.relu(tf.add(tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, 2, 'same'), bb)), r));
      return tf.grads(f)([x, w, b]);
    });
  });

  it('a DCGAN-like generator (conv2dTranspose, leaky ReLU, tanh) and critic: all gradients match cpu', async () => {
    await expectSameOnPure(() => {
      const z = t(26, [3, 4, 4, 6]);
      const g1 = t(27, [4, 4, 5, 6], 0.2); // conv2dTranspose filter: [h, w, out, in]
      const g2 = t(28, [4, 4, 1, 5], 0.2);
      const c1 = t(29, [4, 4, 1, 4], 0.2);
      const c2 = t(30, [4, 4, 4, 1], 0.2);
      const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => {
        const h = tf.leakyRelu(tf.conv2dTranspose(z as tf.Tensor4D, a as tf.Tensor4D, [3, 8, 8, 5], 2, 'same'), 0.2);
        const img = tf.tanh(tf.conv2dTranspose(h, b as tf.Tensor4D, [3, 16, 16, 1], 2, 'same'));
        const k = tf.leakyRelu(tf.conv2d(img, c as tf.Tensor4D, 2, 'same'), 0.2);
        return tf.mean(tf.softplus(tf.conv2d(k, d as tf.Tensor4D, 2, 'same')));
      };
      return tf.grads(f)([g1, g2, c1, c2]);
    });
  });
});

describe('MaxPoolGrad on wasm', () => {
  const cases = [
    { x: [1, 4, 4, 2], size: 2, stride: 2, pad: 'valid' },
    { x: [2, 6, 6, 3], size: 2, stride: 2, pad: 'valid' },
    { x: [2, 7, 7, 2], size: 3, stride: 2, pad: 'same' },
    { x: [1, 5, 6, 4], size: 3, stride: 1, pad: 'same' },
  ] as const;
  for (const c of cases) {
    it(`routes every window's gradient like cpu: ${c.x.join('x')}, ${c.size}x${c.size} stride ${c.stride} ${c.pad}`, async () => {
      await expectSameOnPure(() => {
        const x = t(50, [...c.x]);
        const f = (xx: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(xx as tf.Tensor4D, c.size, c.stride, c.pad), 1.5));
        return tf.grad(f)(x);
      });
    });
  }
});

describe('UnsortedSegmentSum on wasm', () => {
  it('matches cpu, dropping negative and out-of-range ids', async () => {
    await expectSameOnPure(() =>
      tf.unsortedSegmentSum(t(31, [6, 3, 2]), tf.tensor1d([2, 0, -1, 2, 5, 1], 'int32'), 4),
    );
  });

  it("makes tf.gather differentiable (a Q(s, a) lookup's gradient matches cpu)", async () => {
    await expectSameOnPure(() => {
      const q = t(32, [5, 4]);
      const idx = tf.tensor1d([1, 3, 1, 0, 2], 'int32');
      const f = (x: tf.Tensor) => tf.sum(tf.square(tf.gather(tf.reshape(x, [20]), tf.add(tf.mul(tf.range(0, 5, 1, 'int32'), tf.scalar(4, 'int32')), idx))));
      const g = (x: tf.Tensor) => tf.sum(tf.mul(tf.gather(x, tf.tensor1d([2, 2, 0], 'int32'), 1), t(33, [5, 3])));
      return [tf.grad(f)(q), tf.grad(g)(q)];
    });
  });
});
