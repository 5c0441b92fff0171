/**
 * One generator per task (core/generators/per-task.ts) on real VAEs: task t's step trains task t's generator alone
 * and leaves the others' weights as they were; samples come in equal shares from the generators that have learnt a
 * task, in task order; its weights (with which have learnt) and optimiser states go to a copy and back whole; it
 * refuses a replayed batch and a task it has no generator for.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../core/engine/backend.ts';
import { Rng } from '../../core/engine/random.ts';
import { PerTaskGenerators } from '../../core/generators/per-task.ts';
import { Vae } from '../../core/generators/vae.ts';

const adam = { lr: 1e-2, beta1: 0.9, beta2: 0.999 };
const set = (seed: number): PerTaskGenerators => new PerTaskGenerators([0, 1, 2].map((t) => new Vae({ inputSize: 6, hidden: [5], latent: 2, adam, draw: 'bernoulli' }, new Rng(seed + t))));
const flat = (g: PerTaskGenerators): number[][] => g.weights().values.map((v) => Array.from(v));
/** The weight tensors of each task's generator, and the learnt flags last. */
const byTask = (g: PerTaskGenerators, sizes: number) => {
  const values = flat(g);
  return { tasks: [0, 1, 2].map((t) => values.slice(t * sizes, (t + 1) * sizes)), learnt: values[values.length - 1] };
};

describe('one generator per task', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it("trains only the task's generator, and samples equal shares from those that have learnt", () => {
    const g = set(1);
    const sizes = new Vae({ inputSize: 6, hidden: [5], latent: 2, adam }, new Rng(9)).weights().values.length;
    const before = byTask(g, sizes);
    expect(before.learnt).toEqual([0, 0, 0]);
    const real = tf.ones([8, 6]) as tf.Tensor2D;
    g.beginTask(1);
    for (let i = 0; i < 3; i++) g.trainStep(real, null, 0.5).dispose();
    const after = byTask(g, sizes);
    expect(after.tasks[0]).toEqual(before.tasks[0]);
    expect(after.tasks[2]).toEqual(before.tasks[2]);
    expect(after.tasks[1]).not.toEqual(before.tasks[1]);
    expect(after.learnt).toEqual([0, 1, 0]);

    g.beginTask(2);
    g.trainStep(real, null, 1).dispose();
    g.reseed(new Rng(3));
    const samples = g.sample(7);
    // Tasks 1 and 2 have learnt: 4 then 3 samples, 0/1 cells.
    expect(samples.shape).toEqual([7, 6]);
    expect(Array.from(samples.dataSync()).every((v) => v === 0 || v === 1)).toBe(true);
    samples.dispose();
    real.dispose();
    g.dispose();
  });

  it("draws each task's share from that task's generator", () => {
    // Generators that learnt all-ones (task 0) and all-zeros (task 1) inputs: their shares show in their rows.
    const g = new PerTaskGenerators([0, 1].map((t) => new Vae({ inputSize: 6, hidden: [8], latent: 2, adam: { ...adam, lr: 5e-2 } }, new Rng(20 + t))));
    const ones = tf.ones([16, 6]) as tf.Tensor2D;
    const zeros = tf.zeros([16, 6]) as tf.Tensor2D;
    g.beginTask(0);
    for (let i = 0; i < 150; i++) g.trainStep(ones, null, 1).dispose();
    g.beginTask(1);
    for (let i = 0; i < 150; i++) g.trainStep(zeros, null, 1).dispose();
    g.reseed(new Rng(5));
    const samples = g.sample(5);
    const rows = (samples.arraySync() as number[][]).map((row) => row.reduce((a, b) => a + b, 0) / row.length);
    expect(rows.slice(0, 3).every((m) => m > 0.8)).toBe(true);
    expect(rows.slice(3).every((m) => m < 0.2)).toBe(true);
    for (const t of [samples, ones, zeros]) t.dispose();
    g.dispose();
  });

  it('hands its weights, learnt flags and optimiser states to a copy whole', () => {
    const g = set(1);
    const real = tf.ones([8, 6]) as tf.Tensor2D;
    g.beginTask(0);
    g.trainStep(real, null, 1).dispose();
    const copy = set(50);
    copy.setWeights(g.weights());
    copy.restoreOptimizer(g.optimizerState());
    expect(flat(copy)).toEqual(flat(g));
    expect(copy.optimizerState().map((s) => [s.step, s.moments.map((m) => Array.from(m))])).toEqual(g.optimizerState().map((s) => [s.step, s.moments.map((m) => Array.from(m))]));
    // The copy samples from the generator that learnt (task 0), as the original does.
    g.reseed(new Rng(8));
    copy.reseed(new Rng(8));
    const [a, b] = [g.sample(4), copy.sample(4)];
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    for (const t of [a, b, real]) t.dispose();
    g.dispose();
    copy.dispose();
  });

  it('refuses a replayed batch, a task it has no generator for, and weights of another shape', () => {
    const g = set(1);
    const real = tf.ones([4, 6]) as tf.Tensor2D;
    expect(() => g.trainStep(real, real, 0.5)).toThrow(/learns its task alone/);
    expect(() => g.beginTask(3)).toThrow(/task 3 of 3/);
    const w = g.weights();
    expect(() => g.setWeights({ shapes: w.shapes.slice(1), values: w.values.slice(1) })).toThrow(/do not fit 3 generators/);
    // Refused whole: no generator took a part of them.
    expect(flat(g)).toEqual(w.values.map((v) => Array.from(v)));
    real.dispose();
    g.dispose();
  });
});
