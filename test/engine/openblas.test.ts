/**
 * The OpenBLAS matrix products (core/engine/openblas-kernels.ts) against the cpu backend: odd sizes, batches
 * and broadcast batches, every transpose combination, the fused bias and each fused activation; the im2col
 * convolutions and their gradients over strides, paddings and dilations; first- and second-order gradients
 * (WGAN-GP's penalty), a worker thread, and the pure wasm path with native turned off.
 *
 * Skipped, and named as skipped, only where the addon is not built (no OpenBLAS at install); with
 * DGR_REQUIRE_NATIVE=1 (CI, which installs libopenblas-dev) a missing addon fails instead.
 */
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useBackend, describeBackend } from '../../core/engine/backend.ts';
import { loadOpenBlas, type OpenBlas } from '../../core/engine/openblas.ts';
import { matMulPath } from '../../core/engine/wasm-kernels.ts';
import { Adam } from '../../core/nn/adam.ts';
import { expectClose, randomArray, runOn } from './helpers.ts';
import { CONV_CASES, type ConvCase } from './conv-cases.ts';

const found = loadOpenBlas();
const addon: OpenBlas | null = 'addon' in found ? found.addon : null;
const why = 'missing' in found ? `OpenBLAS addon not built: ${found.missing}` : '';
const title = (name: string) => (addon === null ? `${name} (skipped: ${why})` : name);
if (addon === null) process.stderr.write(`test/engine/openblas.test.ts: the OpenBLAS tests are skipped (${why})\n`);

it.runIf(process.env.DGR_REQUIRE_NATIVE === '1')('the OpenBLAS addon is built (DGR_REQUIRE_NATIVE=1)', () => {
  expect(addon, why).not.toBeNull();
});

const t = (seed: number, shape: number[], std = 1) => tf.tensor(randomArray(seed, tf.util.sizeFromShape(shape), std), shape);
const FLAGS = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;
const ACTIVATIONS = ['linear', 'relu', 'relu6', 'leakyrelu', 'prelu', 'sigmoid', 'elu'] as const;

/** [m, k] or its transpose [k, m] (the stored layout when the flag is set), with leading batch axes. */
const operand = (seed: number, batch: number[], rows: number, cols: number, transposed: boolean) =>
  t(seed, [...batch, ...(transposed ? [cols, rows] : [rows, cols])]);

/**
 * Runs `f` on cpu and on wasm with OpenBLAS, checks the outputs agree and that OpenBLAS computed them (its
 * `method`: matMul or conv).
 */
async function expectNativeMatchesCpu(
  f: () => tf.Tensor | tf.Tensor[],
  rtol = 1e-4,
  atol = 1e-5,
  method: 'matMul' | 'conv' | 'sumRows' | 'adamStep' = 'matMul',
): Promise<void> {
  const cpu = await runOn('cpu', f);
  const calls = vi.spyOn(addon!, method);
  const native = await runOn('wasm', f, { native: true });
  expect(matMulPath()).toBe('openblas');
  expect(calls).toHaveBeenCalled();
  calls.mockRestore();
  expect(native.length).toBe(cpu.length);
  cpu.forEach((c, i) => expectClose(native[i], c, rtol, atol));
}

afterEach(() => vi.restoreAllMocks());

describe.skipIf(addon === null)(title('OpenBLAS BatchMatMul on wasm matches cpu'), () => {
  for (const [ta, tb] of FLAGS) {
    it(`odd 2-D sizes, transposeA=${ta} transposeB=${tb}`, async () => {
      await expectNativeMatchesCpu(() => [
        tf.matMul(operand(1, [], 19, 37, ta), operand(2, [], 37, 23, tb), ta, tb),
        tf.matMul(operand(3, [], 1, 37, ta), operand(4, [], 37, 1, tb), ta, tb),
        tf.matMul(operand(5, [], 1, 1, ta), operand(6, [], 1, 1, tb), ta, tb),
        // Large enough for OpenBLAS's blocked (and, with threads, split) path.
        tf.matMul(operand(7, [], 130, 301, ta), operand(8, [], 301, 257, tb), ta, tb),
      ]);
    });

    it(`batches, broadcast batches and rank 4, transposeA=${ta} transposeB=${tb}`, async () => {
      await expectNativeMatchesCpu(() => [
        tf.matMul(operand(10, [4], 6, 11, ta), operand(11, [4], 11, 5, tb), ta, tb),
        tf.matMul(operand(12, [4], 6, 11, ta), operand(13, [1], 11, 5, tb), ta, tb),
        tf.matMul(operand(14, [1], 6, 11, ta), operand(15, [3], 11, 5, tb), ta, tb),
        tf.matMul(operand(16, [3], 6, 11, ta), operand(17, [], 11, 5, tb), ta, tb),
        tf.matMul(operand(18, [2, 3], 5, 7, ta), operand(19, [2, 3], 7, 4, tb), ta, tb),
      ]);
    });
  }

  it('a zero inner size gives zeros, an empty output is empty', async () => {
    await expectNativeMatchesCpu(() => [tf.matMul(tf.ones([3, 0]), tf.ones([0, 4])), tf.add(tf.matMul(t(20, [3, 5]), t(21, [5, 4])), 0)]);
    await useBackend('wasm', { native: true });
    expect(tf.tidy(() => tf.matMul(tf.ones([0, 5]), tf.ones([5, 4])).shape)).toEqual([0, 4]);
  });
});

describe.skipIf(addon === null)(title('OpenBLAS _FusedMatMul on wasm matches cpu'), () => {
  for (const batch of [[], [1], [2]]) {
    it(`bias [n] and each activation under every flag combination, batch [${batch}]`, async () => {
      for (const [ta, tb] of FLAGS) {
        for (const activation of ACTIVATIONS) {
          await expectNativeMatchesCpu(() =>
            tf.fused.matMul({
              a: operand(30, batch, 13, 8, ta),
              b: operand(31, batch, 8, 9, tb),
              transposeA: ta,
              transposeB: tb,
              bias: t(32, [9]),
              activation,
              preluActivationWeights: activation === 'prelu' ? t(33, [9], 0.3) : undefined,
              leakyreluAlpha: 0.1,
            }),
          );
        }
      }
    });
  }

  it('bias [1, n], a scalar bias, a scalar PReLU weight, no bias, and the defaults', async () => {
    await expectNativeMatchesCpu(() => [
      tf.fused.matMul({ a: t(40, [7, 5]), b: t(41, [5, 6]), bias: t(42, [1, 6]), activation: 'elu' }),
      tf.fused.matMul({ a: t(43, [7, 5]), b: t(44, [5, 6]), bias: t(45, [1]), activation: 'relu' }),
      tf.fused.matMul({ a: t(46, [7, 5]), b: t(47, [5, 6]), activation: 'prelu', preluActivationWeights: t(48, [1], 0.3) }),
      tf.fused.matMul({ a: t(49, [3, 7, 5]), b: t(50, [3, 6, 5]), transposeB: true, activation: 'sigmoid' }),
      tf.fused.matMul({ a: t(51, [7, 5]), b: t(52, [5, 6]), activation: 'leakyrelu' }),
    ]);
  });

  it('batches that broadcast other than from 1 go to the pure kernels, with the same answer as cpu', async () => {
    await expectNativeMatchesCpu(() => [
      tf.matMul(t(60, [2, 1, 7, 5]), t(61, [1, 3, 5, 6])),
      // And a plain product beside it, so OpenBLAS is seen computing in this case too.
      tf.matMul(t(62, [7, 5]), t(63, [5, 6])),
    ]);
  });
});

describe.skipIf(addon === null)(title('OpenBLAS convolutions (im2col) on wasm match cpu'), () => {
  // More samples than one chunk of patches holds (16 MB), so the filter gradient accumulates over chunks.
  const cases: ConvCase[] = [...CONV_CASES, { name: 'many samples, chunked', x: [300, 16, 16, 8], filter: [5, 5, 8, 4], strides: 1, pad: 'same' }];
  const attrsOf = (c: ConvCase) => ({ strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: c.dimRoundingMode });
  const outShape = (c: ConvCase) => tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad, c.dimRoundingMode).outShape;

  for (const c of cases) {
    it(`Conv2D, Conv2DBackpropFilter and Conv2DBackpropInput, ${c.name}`, async () => {
      await expectNativeMatchesCpu(
        () => {
          const attrs = attrsOf(c) as unknown as tf.NamedAttrMap;
          return [
            tf.engine().runKernel(tf.Conv2D, { x: t(110, c.x), filter: t(111, c.filter) }, { ...attrs, dilations: 1 }) as tf.Tensor,
            tf.engine().runKernel(tf.Conv2DBackpropFilter, { x: t(112, c.x), dy: t(113, outShape(c)) }, { ...attrs, filterShape: c.filter }) as tf.Tensor,
            tf.engine().runKernel(tf.Conv2DBackpropInput, { dy: t(114, outShape(c)), filter: t(115, c.filter) }, { ...attrs, inputShape: c.x }) as tf.Tensor,
          ];
        },
        1e-4,
        1e-5,
        'conv',
      );
    });
  }

  for (const activation of ['linear', 'relu', 'leakyrelu', 'sigmoid', 'prelu'] as const) {
    it(`FusedConv2D with a bias per channel, ${activation}, and its gradients (stride 2, 'same')`, async () => {
      await expectNativeMatchesCpu(() => {
        const x = t(110, [3, 9, 7, 5]);
        const prelu = activation === 'prelu' ? t(114, [6], 0.2) : undefined;
        const layer = (filter: tf.Tensor, bias: tf.Tensor) =>
          tf.fused.conv2d({ x: x as tf.Tensor4D, filter: filter as tf.Tensor4D, strides: 2, pad: 'same', bias, activation, preluActivationWeights: prelu, leakyreluAlpha: 0.1 });
        const [filter, bias] = [t(111, [3, 3, 5, 6], 0.3), t(112, [6], 0.2)];
        const grads = activation === 'prelu' ? [] : tf.grads((f: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(layer(f, b))))([filter, bias]);
        return [layer(filter, bias), ...grads];
      }, 1e-4, 1e-5, 'conv');
    });
  }

  it('FusedConv2D with a scalar bias and none', async () => {
    await expectNativeMatchesCpu(() => {
      const x = t(115, [2, 6, 6, 3]) as tf.Tensor4D;
      const filter = t(116, [3, 3, 3, 4], 0.3) as tf.Tensor4D;
      return [tf.fused.conv2d({ x, filter, strides: 1, pad: 'valid', bias: tf.scalar(0.3), activation: 'relu' }), tf.fused.conv2d({ x, filter, strides: 1, pad: 'same' })];
    }, 1e-4, 1e-5, 'conv');
  });

  it('Conv2D with dilations', async () => {
    await expectNativeMatchesCpu(
      () => [
        tf.conv2d(t(116, [2, 11, 9, 3]) as tf.Tensor4D, t(117, [3, 3, 3, 4]) as tf.Tensor4D, 1, 'same', 'NHWC', 2),
        tf.conv2d(t(118, [2, 11, 9, 3]) as tf.Tensor4D, t(119, [3, 2, 3, 4]) as tf.Tensor4D, 1, 'valid', 'NHWC', [2, 3]),
      ],
      1e-4,
      1e-5,
      'conv',
    );
  });

  it('a DCGAN-like generator (conv2dTranspose) and critic: all gradients', async () => {
    await expectNativeMatchesCpu(
      () => {
        const z = t(120, [3, 4, 4, 6]);
        const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => {
          const h = tf.leakyRelu(tf.conv2dTranspose(z as tf.Tensor4D, a as tf.Tensor4D, [3, 8, 8, 5], 2, 'same'), 0.2);
          const img = tf.tanh(tf.conv2dTranspose(h, b as tf.Tensor4D, [3, 16, 16, 1], 2, 'same'));
          const k = tf.leakyRelu(tf.conv2d(img, c as tf.Tensor4D, 2, 'same'), 0.2);
          return tf.mean(tf.softplus(tf.conv2d(k, d as tf.Tensor4D, 2, 'same')));
        };
        return tf.grads(f)([t(121, [4, 4, 5, 6], 0.2), t(122, [4, 4, 1, 5], 0.2), t(123, [4, 4, 1, 4], 0.2), t(124, [4, 4, 4, 1], 0.2)]);
      },
      1e-4,
      1e-5,
      'conv',
    );
  });

  it('second order: the gradient penalty of a conv critic', async () => {
    await expectNativeMatchesCpu(
      () => {
        const x = t(125, [3, 8, 8, 2]);
        const penalty = (w1: tf.Tensor, w2: tf.Tensor) => {
          const critic = (xx: tf.Tensor) =>
            tf.sum(tf.conv2d(tf.softplus(tf.conv2d(xx as tf.Tensor4D, w1 as tf.Tensor4D, 2, 'same')), w2 as tf.Tensor4D, 2, 'valid'));
          const g = tf.reshape(tf.grad(critic)(x), [3, -1]);
          return tf.mean(tf.square(tf.sub(tf.sqrt(tf.add(tf.sum(tf.square(g), 1), 1e-8)), 1))) as tf.Scalar;
        };
        return tf.grads(penalty)([t(126, [3, 3, 2, 4], 0.4), t(127, [4, 4, 4, 1], 0.4)]);
      },
      1e-3,
      1e-5,
      'conv',
    );
  });
});

describe.skipIf(addon === null)(title('gradients through the OpenBLAS products match cpu'), () => {
  it('first order: x, weights and biases of a fused 3-layer MLP with softmax cross-entropy', async () => {
    await expectNativeMatchesCpu(() => {
      const x = t(70, [17, 31]);
      const labels = tf.oneHot(tf.tensor1d(Array.from({ length: 17 }, (_, i) => i % 5), 'int32'), 5);
      const loss = (xx: tf.Tensor, w1: tf.Tensor, b1: tf.Tensor, w2: tf.Tensor, b2: tf.Tensor, w3: tf.Tensor) => {
        const h1 = tf.fused.matMul({ a: xx as tf.Tensor2D, b: w1 as tf.Tensor2D, bias: b1, activation: 'relu' });
        const h2 = tf.fused.matMul({ a: h1, b: w2 as tf.Tensor2D, bias: b2, activation: 'sigmoid' });
        return tf.losses.softmaxCrossEntropy(labels, tf.matMul(h2, w3 as tf.Tensor2D)) as tf.Scalar;
      };
      return tf.grads(loss)([x, t(71, [31, 21], 0.3), t(72, [21], 0.1), t(73, [21, 11], 0.3), t(74, [11], 0.1), t(75, [11, 5], 0.3)]);
    });
  });

  // WGAN-GP's penalty mean_i (‖∂D/∂x_i‖ − 1)² differentiated w.r.t. the critic's weights: the inner gradient's
  // products (transposed ones among them) are differentiated again.
  for (const activation of ['leakyrelu', 'elu', 'sigmoid', 'relu'] as const) {
    it(`second order: the gradient penalty of a fused ${activation} critic`, async () => {
      await expectNativeMatchesCpu(() => {
        const x = t(80, [9, 7]);
        const params = [t(81, [7, 13], 0.5), t(82, [13], 0.3), t(83, [13, 6], 0.5), t(84, [6], 0.3), t(85, [6, 1], 0.7)];
        const penalty = (w1: tf.Tensor, b1: tf.Tensor, w2: tf.Tensor, b2: tf.Tensor, w3: tf.Tensor) => {
          const critic = (xx: tf.Tensor) => {
            const h1 = tf.fused.matMul({ a: xx as tf.Tensor2D, b: w1 as tf.Tensor2D, bias: b1, activation, leakyreluAlpha: 0.2 });
            const h2 = tf.fused.matMul({ a: h1, b: w2 as tf.Tensor2D, bias: b2, activation, leakyreluAlpha: 0.2 });
            return tf.sum(tf.matMul(h2, w3 as tf.Tensor2D));
          };
          const g = tf.grad(critic)(x);
          return tf.mean(tf.square(tf.sub(tf.sqrt(tf.add(tf.sum(tf.square(g), 1), 1e-8)), 1))) as tf.Scalar;
        };
        return tf.grads(penalty)(params);
      }, 1e-3, 1e-5);
    });
  }
});

describe.skipIf(addon === null)(title('the native bias gradient and Adam step on wasm match cpu'), () => {
  it('Sum over every axis but the last, with kept dims or not, and as a dense and a conv bias gradient', async () => {
    await expectNativeMatchesCpu(() => [tf.sum(t(90, [37, 13]), 0), tf.sum(t(91, [3, 5, 7, 11]), [2, 0, 1], true), tf.sum(t(92, [1, 9]), 0)], 1e-4, 1e-5, 'sumRows');
    await expectNativeMatchesCpu(() => {
      const x = t(93, [6, 5, 5, 3]);
      const loss = (filter: tf.Tensor, bias: tf.Tensor) => tf.sum(tf.square(tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, 1, 'same'), bias))));
      return tf.grads(loss)([t(94, [3, 3, 3, 4], 0.3), t(95, [4], 0.1)]);
    }, 1e-4, 1e-5, 'sumRows');
  });

  it('other reductions (the inner axis, every axis, int32) go to the pure kernel with the same answer', async () => {
    const calls = vi.spyOn(addon!, 'sumRows');
    const f = () => [tf.sum(t(96, [7, 9]), 1), tf.sum(t(97, [4, 5, 6])), tf.cast(tf.sum(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), 0), 'float32')];
    const cpu = await runOn('cpu', f);
    const native = await runOn('wasm', f, { native: true });
    cpu.forEach((c, i) => expectClose(native[i], c));
    expect(calls).not.toHaveBeenCalled();
  });

  it('Adam: five steps of a small network leave the same parameters and moments as tensor ops on cpu', async () => {
    await expectNativeMatchesCpu(() => {
      const params = [t(100, [11, 7], 0.5), t(101, [7], 0.1), t(102, [7, 3], 0.5)].map((p) => tf.variable(p));
      const adam = new Adam(params, { lr: 0.01, beta1: 0.9, beta2: 0.999 });
      const x = t(103, [13, 11]);
      for (let i = 0; i < 5; i++) {
        adam.minimize(() => tf.mean(tf.square(tf.matMul(tf.relu(tf.add(tf.matMul(x, params[0]), params[1])), params[2])))).dispose();
      }
      const moments = adam.state().moments.map((m) => tf.tensor(m));
      const out = [...params.map((p) => tf.clone(p)), ...moments];
      adam.dispose();
      params.forEach((p) => p.dispose());
      return out;
    }, 1e-4, 1e-6, 'adamStep');
  });
});

describe.skipIf(addon === null)(title('OpenBLAS in threads'), () => {
  it('loads and computes inside a worker thread', async () => {
    const aShape = [33, 17];
    const bShape = [29, 17];
    const a = randomArray(90, 33 * 17);
    const b = randomArray(91, 29 * 17);
    const [cpu] = await runOn('cpu', () => tf.matMul(tf.tensor(a, aShape), tf.tensor(b, bShape), false, true));
    const worker = new Worker(new URL('./openblas-worker.mjs', import.meta.url));
    try {
      const reply = await new Promise<{ path: string; values: Float32Array }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.postMessage({ a, aShape, b, bShape, transposeA: false, transposeB: true });
      });
      expect(reply.path).toBe('openblas');
      expectClose(reply.values, cpu);
    } finally {
      await worker.terminate();
    }
  });

  // OpenBLAS's results depend on its thread count, and a run's must not depend on where its generator trains.
  it.skipIf(process.env.OPENBLAS_NUM_THREADS !== undefined)('runs one BLAS thread, so the worker and the main thread compute the same bits', async () => {
    const a = randomArray(92, 128 * 300);
    const b = randomArray(93, 300 * 200);
    const [main] = await runOn('wasm', () => tf.matMul(tf.tensor(a, [128, 300]), tf.tensor(b, [300, 200])), { native: true });
    expect(addon!.threads()).toBe(1);
    const worker = new Worker(new URL('./openblas-worker.mjs', import.meta.url));
    try {
      const reply = await new Promise<{ path: string; values: Float32Array }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.postMessage({ a, aShape: [128, 300], b, bShape: [300, 200], transposeA: false, transposeB: false });
      });
      expect(reply.path).toBe('openblas');
      expect(Array.from(reply.values)).toEqual(Array.from(main));
    } finally {
      await worker.terminate();
    }
    expect(addon!.threads()).toBe(1);
  });
});

describe('with native turned off, the pure wasm products', () => {
  it('run and match cpu, under every flag combination, fused and batched', async () => {
    const f = () =>
      FLAGS.flatMap(([ta, tb]) => [
        tf.matMul(operand(100, [], 19, 37, ta), operand(101, [], 37, 23, tb), ta, tb),
        tf.fused.matMul({
          a: operand(102, [2], 13, 8, ta),
          b: operand(103, [2], 8, 9, tb),
          transposeA: ta,
          transposeB: tb,
          bias: t(104, [9]),
          activation: 'elu',
        }),
      ]);
    const cpu = await runOn('cpu', f);
    const calls = addon === null ? null : vi.spyOn(addon, 'matMul');
    const pure = await runOn('wasm', f, { native: false });
    expect(matMulPath()).toBe('wasm');
    expect(describeBackend()).toBe('wasm (OpenBLAS turned off)');
    if (calls !== null) expect(calls).not.toHaveBeenCalled();
    cpu.forEach((c, i) => expectClose(pure[i], c));
  });
});
