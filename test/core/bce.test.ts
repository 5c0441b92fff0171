/** bceWithLogits (core/nn/bce.ts) against the loss written out as ops, and its hand-given gradient against tfjs's. */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { describe, it } from 'vitest';
import { bceWithLogits } from '../../core/nn/bce.ts';
import { expectClose, randomArray, runOn } from '../engine/helpers.ts';

const written = (l: tf.Tensor, x: tf.Tensor) => tf.add(tf.sub(tf.relu(l), tf.mul(l, x)), tf.log1p(tf.exp(tf.neg(tf.abs(l)))));

describe('binary cross-entropy with logits', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`equals max(l, 0) − l·x + log(1 + e^−|l|) with the same gradients, large logits included (${backend})`, async () => {
      // Logits up to ±40 (where a naive log(1 + e^l) overflows), targets both binary and fractional.
      const logits = Float32Array.from(randomArray(1, 300, 8), (v, i) => (i % 50 === 0 ? 40 * Math.sign(v) : v));
      const targets = Float32Array.from(randomArray(2, 300), (v, i) => (i % 3 === 0 ? 0.3 : v > 0 ? 1 : 0));
      const run = (loss: (l: tf.Tensor, x: tf.Tensor) => tf.Tensor) => () => {
        const l = tf.tensor2d(logits, [20, 15]);
        const x = tf.tensor2d(targets, [20, 15]);
        const weights = tf.tensor2d(randomArray(3, 300), [20, 15]);
        const [gl, gx] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(weights, loss(a, b))))([l, x]);
        return [loss(l, x), gl, gx];
      };
      const ours = await runOn(backend, run((l, x) => bceWithLogits(l as tf.Tensor2D, x as tf.Tensor2D)));
      const reference = await runOn(backend, run(written));
      ours.forEach((o, i) => expectClose(o, reference[i], 1e-5, 1e-5));
    });
  }
});
