/**
 * The paper's importance mix, r on the new task's loss and 1 − r on the replayed loss, wherever it is computed:
 * the solver's objective (core/scholar.ts), a mix of value-vector losses, and each generator's mixture of real
 * and replayed inputs. Every check uses r ≠ ½ and two terms of different sizes, so r and 1 − r swapped fails.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../core/engine/backend.ts';
import { Rng } from '../../core/engine/random.ts';
import { Vae } from '../../core/generators/vae.ts';
import { WganGp } from '../../core/generators/wgan-gp.ts';
import { mixByImportance, solverObjective, valueLoss } from '../../core/scholar.ts';
import { createSolver } from '../../core/solvers/create.ts';

const R = 0.8;
const adam = { lr: 1e-3, beta1: 0.9, beta2: 0.999 };
const value = (t: tf.Scalar): number => t.dataSync()[0];

describe('the importance mix r · L_current + (1 − r) · L_replay', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it("in the solver's objective, with r on the new task's labels", () => {
    const rng = new Rng(3);
    const solver = createSolver({ kind: 'mlp', hidden: [8], adam }, [2, 3, 1], 4, rng.fork('solver'));
    tf.tidy(() => {
      const x = tf.tensor2d(rng.fillUniform(new Float32Array(5 * 6)), [5, 6]);
      const xr = tf.tensor2d(rng.fillUniform(new Float32Array(5 * 6)), [5, 6]);
      const current = { x, labels: tf.tensor1d([0, 1, 0, 1, 1], 'int32'), units: [0, 1] };
      // Replayed inputs taught labels far from what the solver answers: a loss unlike the current one.
      const replay = { x: xr, targets: { kind: 'labels' as const, labels: tf.tensor1d([3, 3, 2, 3, 2], 'int32'), units: [0, 1, 2, 3] } };
      const onCurrent = value(solverObjective(solver, current, null, R));
      const onReplay = value(solverObjective(solver, null, replay, R));
      expect(Math.abs(onCurrent - onReplay)).toBeGreaterThan(0.05);
      expect(value(solverObjective(solver, current, replay, R))).toBeCloseTo(R * onCurrent + (1 - R) * onReplay, 5);
      // A penalty is added on top, unweighted.
      expect(value(solverObjective(solver, current, replay, R, () => tf.scalar(2)))).toBeCloseTo(R * onCurrent + (1 - R) * onReplay + 2, 5);
    });
    solver.dispose();
  });

  it('over value vectors: MSE and Huber losses, computed here by hand, mixed by r', () => {
    const predicted = [
      [0.5, -1, 3],
      [2, 0, 0.25],
    ];
    const target = [
      [0, -1, 0.5],
      [1.5, 2, 0],
    ];
    const diffs = predicted.flatMap((row, i) => row.map((p, j) => p - target[i][j]));
    const mse = diffs.reduce((s, d) => s + d * d, 0) / diffs.length;
    const huber = diffs.reduce((s, d) => s + (Math.abs(d) <= 1 ? 0.5 * d * d : Math.abs(d) - 0.5), 0) / diffs.length;
    tf.tidy(() => {
      const [p, t] = [tf.tensor2d(predicted), tf.tensor2d(target)];
      expect(value(valueLoss(p, t, 'mse'))).toBeCloseTo(mse, 6);
      expect(value(valueLoss(p, t, 'huber'))).toBeCloseTo(huber, 6);
      const mixed = mixByImportance(R, valueLoss(p, t, 'mse'), valueLoss(p, t, 'huber'));
      expect(value(mixed)).toBeCloseTo(R * mse + (1 - R) * huber, 6);
      // One term alone has weight 1, whatever r is.
      expect(value(mixByImportance(R, null, valueLoss(p, t, 'huber')))).toBeCloseTo(huber, 6);
      expect(value(mixByImportance(R, valueLoss(p, t, 'mse'), null))).toBeCloseTo(mse, 6);
    });
    expect(() => mixByImportance(R, null, null)).toThrow(/no loss term/);
  });

  it('over value vectors as policies: cross-entropy at temperature T on both sides, times T², computed here by hand', () => {
    const predicted = [
      [0.02, -0.01, 0.03],
      [0.5, 0.49, -1],
    ];
    const target = [
      [0.01, 0.04, 0],
      [2, 1, 1.5],
    ];
    const softmax = (row: number[], t: number): number[] => {
      const m = Math.max(...row);
      const e = row.map((v) => Math.exp((v - m) / t));
      const z = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / z);
    };
    for (const temperature of [1, 0.01]) {
      const perRow = predicted.map((row, i) => {
        const teacher = softmax(target[i], temperature);
        const student = softmax(row, temperature);
        return -teacher.reduce((s, p, j) => s + p * Math.log(student[j]), 0);
      });
      const expected = (temperature * temperature * perRow.reduce((a, b) => a + b, 0)) / perRow.length;
      tf.tidy(() => {
        expect(value(valueLoss(tf.tensor2d(predicted), tf.tensor2d(target), { kind: 'policy', temperature }))).toBeCloseTo(expected, 6);
      });
    }
  });

  it("in the VAE's mixture: r on the real inputs' mean loss, 1 − r on the replayed ones'", () => {
    const vae = new Vae({ inputSize: 6, hidden: [5], latent: 2, adam }, new Rng(4));
    tf.tidy(() => {
      const real = tf.zeros([4, 6]) as tf.Tensor2D;
      const replayed = tf.ones([3, 6]) as tf.Tensor2D;
      // The same noise for the per-input losses and for the step: both draw one seed from a fresh Rng(9).
      vae.reseed(new Rng(9));
      const losses = vae.losses(tf.concat([real, replayed])).arraySync();
      const onReal = losses.slice(0, 4).reduce((a, b) => a + b, 0) / 4;
      const onReplayed = losses.slice(4).reduce((a, b) => a + b, 0) / 3;
      expect(Math.abs(onReal - onReplayed)).toBeGreaterThan(0.01);
      vae.reseed(new Rng(9));
      expect(value(vae.trainStep(real, replayed, R))).toBeCloseTo(R * onReal + (1 - R) * onReplayed, 5);
    });
    vae.dispose();
  });

  it("β weighs the VAE's KL term and nothing else: the loss moves linearly with β", () => {
    const x = tf.tensor2d([[1, 0, 1, 0, 0, 1], [0, 1, 1, 0, 1, 0]]);
    const loss = (beta: number): number => {
      const vae = new Vae({ inputSize: 6, hidden: [5], latent: 2, adam, beta }, new Rng(4));
      vae.reseed(new Rng(9));
      const mean = tf.tidy(() => tf.mean(vae.losses(x)).dataSync()[0]);
      vae.dispose();
      return mean;
    };
    const [one, half, quarter] = [loss(1), loss(0.5), loss(0.25)];
    // KL > 0 for an untrained encoder, so less weight on it lowers the loss: by KL/2 from 1 to ½, KL/4 from ½ to ¼.
    expect(one - half).toBeGreaterThan(1e-4);
    expect(one - half).toBeCloseTo(2 * (half - quarter), 5);
    x.dispose();
  });

  it("in WGAN-GP's critic: r on the real inputs' mean score, 1 − r on the replayed ones'", () => {
    const gan = new WganGp({ inputSize: 6, hidden: [5], latent: 2, criticSteps: 100, penalty: 10, adam }, new Rng(5));
    const start = { weights: gan.weights(), optimizer: gan.optimizerState() };
    /** The critic loss of one step from the same weights and noise: −Σ w·D(data) + terms that do not depend on r. */
    const stepLoss = (r: number): number => {
      gan.setWeights(start.weights);
      gan.restoreOptimizer(start.optimizer);
      gan.reseed(new Rng(10));
      return tf.tidy(() => value(gan.trainStep(tf.zeros([4, 6]) as tf.Tensor2D, tf.ones([4, 6]) as tf.Tensor2D, r)));
    };
    // The critic's mean score on each batch, from criticLoss with the weight on one batch or on none (the
    // gradient penalty and the fake term are the same in both, drawn from the same seeds).
    const meanScore = (x: tf.Tensor2D): number =>
      tf.tidy(() => {
        const fake = tf.fill([4, 6], 0.5) as tf.Tensor2D;
        const loss = (w: number): number => {
          gan.reseed(new Rng(11));
          return value(gan.criticLoss(x, tf.fill([4], w) as tf.Tensor1D, fake));
        };
        return loss(0) - loss(1 / 4);
      });
    gan.setWeights(start.weights);
    const onReal = meanScore(tf.zeros([4, 6]) as tf.Tensor2D);
    const onReplayed = meanScore(tf.ones([4, 6]) as tf.Tensor2D);
    expect(Math.abs(onReal - onReplayed)).toBeGreaterThan(1e-3);
    // L(r) − L(r') = −(r − r') · (D̄(real) − D̄(replayed)).
    expect(stepLoss(R) - stepLoss(1 - R)).toBeCloseTo(-(R - (1 - R)) * (onReal - onReplayed), 4);
    gan.dispose();
  });
});
