/**
 * Generators produce digits: trained on real MNIST 3s and 7s, their samples are classified as 3 or 7 by a
 * solver trained on all ten digits far above the 20 % that chance (or a blank generator) would give.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { EpochSampler, fillBatch } from '../../core/data/batch.ts';
import { select } from '../../core/data/dataset.ts';
import { loadMnist } from '../../core/data/mnist.ts';
import type { Dataset } from '../../core/data/types.ts';
import { useBackend } from '../../core/engine/backend.ts';
import { Rng } from '../../core/engine/random.ts';
import { accuracy } from '../../core/evaluate.ts';
import { generatorSpec, type GeneratorChoice } from '../../core/experiments/presets.ts';
import { createGenerator } from '../../core/generators/create.ts';
import { trainGeneratorOnTask } from '../../core/generators/train.ts';
import { auditReplay } from '../../core/replay/audit.ts';
import { solverObjective } from '../../core/scholar.ts';
import { createSolver } from '../../core/solvers/create.ts';
import { MNIST_SHAPE } from '../../core/data/mnist.ts';
import type { Solver } from '../../core/solvers/solver.ts';

const DIGITS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
let judge: Solver;
let threesAndSevens: Dataset;

/** Share of each digit among the judge's labels of 400 samples (the same audit a run makes of its scholars). */
async function classify(kind: GeneratorChoice, iterations: number, batchSize: number): Promise<number[]> {
  const rng = new Rng(11);
  const generator = createGenerator(generatorSpec(kind), MNIST_SHAPE, rng.fork('generator'));
  await trainGeneratorOnTask(generator, null, threesAndSevens, { iterations, batchSize, r: 1, reportEvery: iterations }, rng.fork('batches'));
  const audit = auditReplay(generator, judge, DIGITS, 400, rng.fork('audit'));
  generator.dispose();
  expect(audit.samples).toBe(400);
  expect(audit.labelShare.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  return audit.labelShare;
}

describe('generator samples (wasm)', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    const mnist = loadMnist();
    const rng = new Rng(5);
    judge = createSolver({ kind: 'mlp', hidden: [400, 400], adam: { lr: 1e-3, beta1: 0.9, beta2: 0.999 } }, MNIST_SHAPE, 10, rng.fork('judge'));
    const sampler = new EpochSampler(mnist.train.n, 128, rng.fork('batches'));
    for (let i = 0; i < 300; i++) {
      const b = fillBatch(mnist.train, sampler.nextBatch());
      tf.tidy(() => {
        const current = { x: tf.tensor2d(b.x, [b.size, 784]), labels: tf.tensor1d(b.y, 'int32'), units: DIGITS };
        judge.optimizer.minimize(() => solverObjective(judge, current, null, 1)).dispose();
      });
    }
    expect(accuracy(judge, mnist.test, undefined, 2000)).toBeGreaterThan(0.93);
    const picked: number[] = [];
    for (let i = 0; i < mnist.train.n && picked.length < 3000; i++) if (mnist.train.y[i] === 3 || mnist.train.y[i] === 7) picked.push(i);
    threesAndSevens = select(mnist.train, picked);
  });

  it('VAE samples are 3s and 7s, both of them', async () => {
    const share = await classify('vae', 300, 64);
    expect(share[3] + share[7]).toBeGreaterThan(0.8);
    expect(Math.min(share[3], share[7])).toBeGreaterThan(0.1);
  });

  // The slowest generator to train here (200 iterations took 105 s with three other jobs on the 2 cores).
  it('convolutional VAE samples are 3s and 7s, both of them', { timeout: 300_000 }, async () => {
    const share = await classify('conv-vae', 150, 64);
    expect(share[3] + share[7]).toBeGreaterThan(0.8);
    expect(Math.min(share[3], share[7])).toBeGreaterThan(0.1);
  });

  it('an audit among some units labels every sample with one of them, with its probability among them', async () => {
    const rng = new Rng(12);
    const generator = createGenerator(generatorSpec('vae'), MNIST_SHAPE, rng.fork('generator'));
    await trainGeneratorOnTask(generator, null, threesAndSevens, { iterations: 100, batchSize: 64, r: 1, reportEvery: 100 }, rng.fork('batches'));
    const audit = auditReplay(generator, judge, [3, 7], 300, rng.fork('audit'));
    const again = auditReplay(generator, judge, [3, 7], 300, rng.fork('audit'));
    generator.dispose();
    expect(audit.units).toEqual([3, 7]);
    expect(audit.labelShare.filter((_, u) => u !== 3 && u !== 7).every((share) => share === 0)).toBe(true);
    expect(audit.labelShare[3] + audit.labelShare[7]).toBeCloseTo(1, 6);
    // Among two classes the label's probability is at least one half.
    expect(audit.confidence).toBeGreaterThanOrEqual(0.5);
    expect(audit.confidence).toBeLessThanOrEqual(1);
    expect(again).toEqual(audit);
  });

  it('WGAN-GP samples are 3s and 7s', async () => {
    const share = await classify('wgan-gp', 600, 32);
    expect(share[3] + share[7]).toBeGreaterThan(0.7);
  });
});
