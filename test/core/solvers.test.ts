/** Both solvers learn real MNIST on wasm; the CNN needs the engine's conv filter gradient to train at all. */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunConfig } from '../../core/config.ts';
import { EpochSampler, fillBatch } from '../../core/data/batch.ts';
import { loadMnist, MNIST_SHAPE } from '../../core/data/mnist.ts';
import { useBackend } from '../../core/engine/backend.ts';
import { Rng } from '../../core/engine/random.ts';
import { accuracy } from '../../core/evaluate.ts';
import { solverObjective } from '../../core/scholar.ts';
import { createSolver } from '../../core/solvers/create.ts';

const adam = { lr: 1e-3, beta1: 0.9, beta2: 0.999 };
const DIGITS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

function trainAndTest(spec: RunConfig['solver'], steps: number): { accuracy: number; tensorsGrew: boolean } {
  const mnist = loadMnist();
  const rng = new Rng(3);
  const solver = createSolver(spec, MNIST_SHAPE, 10, rng.fork('solver'));
  const sampler = new EpochSampler(mnist.train.n, 64, rng.fork('batches'));
  let afterFirst = 0;
  for (let i = 0; i < steps; i++) {
    const b = fillBatch(mnist.train, sampler.nextBatch());
    tf.tidy(() => {
      const current = { x: tf.tensor2d(b.x, [b.size, 784]), labels: tf.tensor1d(b.y, 'int32'), units: DIGITS };
      solver.optimizer.minimize(() => solverObjective(solver, current, null, 1)).dispose();
    });
    if (i === 0) afterFirst = tf.memory().numTensors;
  }
  const tensorsGrew = tf.memory().numTensors !== afterFirst;
  const result = accuracy(solver, mnist.test, undefined, 1000);
  solver.dispose();
  return { accuracy: result, tensorsGrew };
}

describe('solvers on wasm', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('the MLP learns MNIST', () => {
    const r = trainAndTest({ kind: 'mlp', hidden: [400, 400], adam }, 150);
    expect(r.accuracy).toBeGreaterThan(0.88);
    expect(r.tensorsGrew).toBe(false);
  });

  it('the CNN learns MNIST', () => {
    const r = trainAndTest({ kind: 'cnn', channels: [16, 32], dense: 128, adam }, 150);
    expect(r.accuracy).toBeGreaterThan(0.88);
    expect(r.tensorsGrew).toBe(false);
  });
});
