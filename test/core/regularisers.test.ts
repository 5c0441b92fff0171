/**
 * The regularisers against hand computations on a tiny network (784-3-4) and real MNIST digits: EWC's diagonal
 * Fisher from single-sample gradients of the predicted class's log-probability, its penalty (zero at the anchor,
 * growing with the square of the distance), online EWC's decayed running Fisher, and SI's path integral over a
 * known trajectory. State saved and restored gives the same penalty, before any task as after.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { fillBatch } from '../../core/data/batch.ts';
import { select } from '../../core/data/dataset.ts';
import { loadMnist } from '../../core/data/mnist.ts';
import type { Dataset } from '../../core/data/types.ts';
import { useBackend } from '../../core/engine/backend.ts';
import { Rng } from '../../core/engine/random.ts';
import { Ewc } from '../../core/regularisers/ewc.ts';
import { Si } from '../../core/regularisers/si.ts';
import { createSolver } from '../../core/solvers/create.ts';
import type { Solver } from '../../core/solvers/solver.ts';

const adam = { lr: 1e-3, beta1: 0.9, beta2: 0.999 };
const UNITS = [0, 1];
let zerosAndOnes: Dataset;
let twosAndThrees: Dataset;

const tinySolver = (seed: number): Solver => createSolver({ kind: 'mlp', hidden: [3], adam }, [28, 28, 1], 4, new Rng(seed));
const arrays = (solver: Solver): Float32Array[] => solver.variables().map((v) => new Float32Array(v.dataSync()));
const sum = (xs: Float32Array[]): number => xs.reduce((s, a) => s + a.reduce((t, v) => t + v, 0), 0);

/** Gradients of log softmax(z over UNITS)[ŷ], ŷ the argmax, for the 784-3-4 MLP, worked out by hand. */
function handGradients(weights: Float32Array[], x: Float32Array): Float32Array[] {
  const [w1, b1, w2, b2] = weights; // w1 [784, 3], b1 [3], w2 [3, 4], b2 [4]
  const H = 3;
  const O = 4;
  const pre = Array.from({ length: H }, (_, k) => b1[k] + x.reduce((s, xi, i) => s + xi * w1[i * H + k], 0));
  const h = pre.map((v) => Math.max(v, 0));
  const z = UNITS.map((u) => b2[u] + h.reduce((s, hk, k) => s + hk * w2[k * O + u], 0));
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const p = e.map((v) => v / e.reduce((a, b) => a + b, 0));
  const predicted = z.indexOf(m);
  const gz = UNITS.map((_, j) => (j === predicted ? 1 : 0) - p[j]); // d log p_ŷ / d z_u
  const gw2 = new Float32Array(H * O);
  const gb2 = new Float32Array(O);
  UNITS.forEach((u, j) => {
    gb2[u] = gz[j];
    for (let k = 0; k < H; k++) gw2[k * O + u] = h[k] * gz[j];
  });
  const gpre = h.map((_, k) => (pre[k] > 0 ? UNITS.reduce((s, u, j) => s + w2[k * O + u] * gz[j], 0) : 0));
  const gw1 = new Float32Array(784 * H);
  for (let i = 0; i < 784; i++) for (let k = 0; k < H; k++) gw1[i * H + k] = x[i] * gpre[k];
  return [gw1, Float32Array.from(gpre), gw2, gb2];
}

/** The Fisher EWC should compute: the mean of squared gradients over the samples its Rng draws (at most as
 * many as the data has). */
function handFisher(solver: Solver, data: Dataset, count: number, rng: Rng): Float32Array[] {
  const samples = Math.min(count, data.n);
  const weights = arrays(solver);
  const total = weights.map((w) => new Float32Array(w.length));
  for (let s = 0; s < samples; s++) {
    const x = fillBatch(data, [rng.int(data.n)]).x;
    handGradients(weights, x).forEach((g, j) => g.forEach((v, i) => (total[j][i] += (v * v) / samples)));
  }
  return total;
}

function expectClose(actual: Float32Array[], expected: Float32Array[], digits: number): void {
  expect(actual.map((a) => a.length)).toEqual(expected.map((a) => a.length));
  actual.forEach((a, j) => a.forEach((v, i) => expect(v).toBeCloseTo(expected[j][i], digits)));
}

/** Moves every weight by `delta`. */
function shift(solver: Solver, delta: number): void {
  for (const v of solver.variables()) tf.tidy(() => v.assign(tf.add(v, delta)));
}

describe('regularisers on a tiny network (cpu)', () => {
  beforeAll(async () => {
    await useBackend('cpu');
    const mnist = loadMnist();
    const pick = (digits: number[]): Dataset => {
      const found: number[] = [];
      for (let i = 0; found.length < 6; i++) if (digits.includes(mnist.train.y[i])) found.push(i);
      return select(mnist.train, found);
    };
    zerosAndOnes = pick([0, 1]);
    twosAndThrees = pick([2, 3]);
  });

  it("EWC's Fisher is the mean squared gradient of the predicted class's log-probability, by hand", () => {
    const solver = tinySolver(1);
    const ewc = new Ewc(solver, 10, 8, null, new Rng(7));
    const expected = handFisher(solver, zerosAndOnes, 8, new Rng(7));
    ewc.endTask(solver, zerosAndOnes, UNITS);
    const [state] = [ewc.state()];
    expect(state).toHaveLength(8); // one anchor: 4 Fisher arrays, then 4 weight arrays
    expect(sum(expected)).toBeGreaterThan(1e-4);
    expectClose(state.slice(0, 4), expected, 5);
    expectClose(state.slice(4), arrays(solver), 6);
    ewc.dispose();
    solver.dispose();
  });

  it("EWC's penalty is zero at the anchor and λ/2 · Σ F δ² a distance δ away", () => {
    const solver = tinySolver(2);
    const lambda = 10;
    const ewc = new Ewc(solver, lambda, 8, null, new Rng(8));
    expect(ewc.penalty()).toBeNull(); // nothing to protect before the first task ends
    const fisher = handFisher(solver, zerosAndOnes, 8, new Rng(8));
    ewc.endTask(solver, zerosAndOnes, UNITS);
    const penalty = (): number => tf.tidy(() => ewc.penalty()!.dataSync()[0]);
    expect(penalty()).toBe(0);
    shift(solver, 0.01);
    expect(penalty()).toBeCloseTo((lambda / 2) * 0.01 ** 2 * sum(fisher), 6);
    const near = penalty();
    shift(solver, 0.01);
    expect(penalty()).toBeCloseTo(4 * near, 6);
    ewc.dispose();
    solver.dispose();
  });

  it('online EWC keeps one anchor whose Fisher is γ · F_old + F_new; EWC keeps one anchor per task', () => {
    const gamma = 0.5;
    const solver = tinySolver(3);
    const online = new Ewc(solver, 10, 6, gamma, new Rng(9));
    const offline = new Ewc(solver, 10, 6, null, new Rng(9));
    const hand = new Rng(9);
    const first = handFisher(solver, zerosAndOnes, 6, hand);
    online.endTask(solver, zerosAndOnes, UNITS);
    offline.endTask(solver, zerosAndOnes, UNITS);
    shift(solver, 0.05);
    const second = handFisher(solver, twosAndThrees, 6, hand);
    online.endTask(solver, twosAndThrees, UNITS);
    offline.endTask(solver, twosAndThrees, UNITS);
    const state = online.state();
    expect(state).toHaveLength(8);
    expectClose(state.slice(0, 4), first.map((f, j) => f.map((v, i) => gamma * v + second[j][i])), 5);
    expectClose(state.slice(4), arrays(solver), 6); // anchored at the latest weights
    expect(offline.state()).toHaveLength(16);
    for (const r of [online, offline]) r.dispose();
    solver.dispose();
  });

  it("SI's importance is the path integral −Σ g·Δθ over (Δθ_task)² + ξ, on a known trajectory", () => {
    const solver = tinySolver(4);
    const c = 2;
    const xi = 0.1;
    const si = new Si(solver, c, xi);
    const start = arrays(solver);
    // Three steps: gradient g_k, then the weights move by d_k (chosen, not computed by an optimiser).
    const steps = [
      { g: 0.5, d: -0.02 },
      { g: -1.5, d: 0.01 },
      { g: 2, d: -0.03 },
    ];
    for (const { g, d } of steps) {
      const grads = solver.variables().map((v) => tf.fill(v.shape, g));
      si.beforeStep(grads);
      for (const t of grads) t.dispose();
      shift(solver, d);
      si.afterStep();
    }
    const omega = -steps.reduce((s, { g, d }) => s + g * d, 0);
    const moved = steps.reduce((s, { d }) => s + d, 0);
    const expectedImportance = omega / (moved * moved + xi);
    expect(si.penalty()).toBeNull();
    si.endTask();
    const state = si.state();
    const importance = state.slice(0, 4);
    importance.forEach((a) => a.forEach((v) => expect(v).toBeCloseTo(expectedImportance, 5)));
    expectClose(state.slice(4, 8), arrays(solver), 6); // anchored where the task ended
    expect(state.slice(8, 12).every((a) => a.every((v) => v === 0))).toBe(true); // ω starts again
    expect(start[0][0]).not.toBeCloseTo(arrays(solver)[0][0], 3);
    // Penalty: zero at the anchor, c · Σ Ω δ² a distance δ away.
    const penalty = (): number => tf.tidy(() => si.penalty()!.dataSync()[0]);
    expect(penalty()).toBe(0);
    shift(solver, 0.01);
    const count = importance.reduce((n, a) => n + a.length, 0);
    expect(penalty()).toBeCloseTo(c * expectedImportance * 0.01 ** 2 * count, 5);
    si.dispose();
    solver.dispose();
  });

  it('SI restored from its state has the penalty it had: none before any task, the same after one', () => {
    const solver = tinySolver(5);
    const fresh = new Si(solver, 1, 0.1);
    const restoredFresh = new Si(solver, 1, 0.1);
    restoredFresh.restore(fresh.state());
    expect(restoredFresh.penalty()).toBeNull();
    const grads = solver.variables().map((v) => tf.fill(v.shape, 1));
    fresh.beforeStep(grads);
    for (const t of grads) t.dispose();
    shift(solver, -0.01);
    fresh.afterStep();
    fresh.endTask();
    shift(solver, 0.02);
    const restored = new Si(solver, 1, 0.1);
    restored.restore(fresh.state());
    const value = (si: Si): number => tf.tidy(() => si.penalty()!.dataSync()[0]);
    expect(value(restored)).toBeGreaterThan(0);
    expect(value(restored)).toBeCloseTo(value(fresh), 8);
    for (const si of [fresh, restoredFresh, restored]) si.dispose();
    solver.dispose();
  });
});
