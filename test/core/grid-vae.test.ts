/**
 * The grid VAE draws valid 0/1 grids by construction (a one-object channel holds exactly one cell, an
 * at-most-one channel one or none, a one-per-row channel at most one a row, an empty channel none), learns real
 * frames of a game, and leaves no tensors behind.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../core/engine/backend.ts';
import { Rng } from '../../core/engine/random.ts';
import { createGenerator, type GeneratorSpec } from '../../core/generators/create.ts';
import { GridVae, type Occupancy } from '../../core/generators/grid-vae.ts';
import { categoricalLogLikelihood } from '../../core/nn/categorical.ts';
import { playFrames } from '../../env/frames.ts';
import { CHANNEL_COUNT, GRID, OBSERVATION_SIZE } from '../../env/layout.ts';
import { hasOccupancy } from '../../env/occupancy.ts';
import { EpsilonPolicy } from '../../env/policies/epsilon.ts';
import { ScriptedPolicy } from '../../env/policies/scripted.ts';

const SHAPE = [GRID, GRID, CHANNEL_COUNT] as const;
const adam = { lr: 1e-3, beta1: 0.9, beta2: 0.999 };
/** Every occupancy alone on some channel, and mixtures of them. */
const OCCUPANCY: Occupancy[][] = [['one'], ['at-most-one'], ['one-per-row'], ['many'], ['none'], ['one', 'none'], ['at-most-one', 'one-per-row', 'many']];
const spec = (occupancy: Occupancy[][] = OCCUPANCY, size = { channels: [8], hidden: 32, latent: 4 }): GeneratorSpec => ({ kind: 'grid-vae', occupancy, ...size, beta: 0.1, adam });

/** Freeway frames as its script plays with 30 % random actions, as floats [n, 700]. */
function freewayBatch(n: number, seed: number): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from(playFrames('freeway/steady', new EpsilonPolicy(new ScriptedPolicy('freeway'), 0.3), n, seed)), [n, OBSERVATION_SIZE]);
}

describe('grid VAE (wasm)', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('samples 0/1 grids of the shape, each channel with the occupancy its decoder gives it', () => {
    const generator = createGenerator(spec(), SHAPE, new Rng(1));
    const drawn = generator.sample(300);
    expect(drawn.shape).toEqual([300, OBSERVATION_SIZE]);
    const cells = Uint8Array.from(drawn.dataSync());
    expect(Array.from(drawn.dataSync()).every((v) => v === 0 || v === 1)).toBe(true);
    drawn.dispose();
    const holds = (k: number, c: number, o: Occupancy): boolean => hasOccupancy(o, cells, k * OBSERVATION_SIZE, c);
    let emptyOrOne = 0;
    let manyCells = 0;
    for (let k = 0; k < 300; k++) {
      expect(holds(k, 0, 'one')).toBe(true);
      expect(holds(k, 1, 'at-most-one')).toBe(true);
      expect(holds(k, 2, 'one-per-row')).toBe(true);
      expect(holds(k, 4, 'none')).toBe(true);
      expect(holds(k, 5, 'one') || holds(k, 5, 'none')).toBe(true);
      if (holds(k, 5, 'none')) emptyOrOne++;
      if (!holds(k, 3, 'one-per-row')) manyCells++;
    }
    // The untrained gates pick both components of a mixture, and Bernoulli cells fall several to a row.
    expect(emptyOrOne).toBeGreaterThan(0);
    expect(emptyOrOne).toBeLessThan(300);
    expect(manyCells).toBeGreaterThan(0);
    generator.dispose();
  });

  it('draws the same samples from the same seed', () => {
    const draw = (): number[] => {
      const generator = createGenerator(spec(), SHAPE, new Rng(4));
      const drawn = generator.sample(20);
      const values = Array.from(drawn.dataSync());
      drawn.dispose();
      generator.dispose();
      return values;
    };
    expect(draw()).toEqual(draw());
  });

  it("learns Freeway's frames: the loss on held-out frames falls", () => {
    const occupancy: Occupancy[][] = [['one'], ['none'], ['one-per-row'], ['none'], ['none'], ['one-per-row'], ['none']];
    const generator = createGenerator(spec(occupancy, { channels: [16], hidden: 64, latent: 8 }), SHAPE, new Rng(2)) as GridVae;
    const train = freewayBatch(800, 1);
    const held = freewayBatch(200, 99);
    const heldLoss = (): number => tf.tidy(() => tf.mean(generator.losses(held)).dataSync()[0]);
    const before = heldLoss();
    const rng = new Rng(3);
    for (let it = 0; it < 150; it++) {
      const rows = tf.tensor1d(Int32Array.from({ length: 32 }, () => rng.int(800)), 'int32');
      tf.tidy(() => generator.trainStep(tf.gather(train, rows), null, 1)).dispose();
      rows.dispose();
    }
    const after = heldLoss();
    expect(Number.isFinite(before)).toBe(true);
    expect(after).toBeLessThan(before * 0.85);
    train.dispose();
    held.dispose();
    generator.dispose();
  });

  it('leaves no tensors behind: training (with replay) and sampling', () => {
    const generator = createGenerator(spec(), SHAPE, new Rng(5));
    const real = freewayBatch(16, 3);
    const step = (): void => {
      const replayed = generator.sample(16);
      generator.trainStep(real, replayed, 0.5).dispose();
      replayed.dispose();
    };
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    real.dispose();
    generator.dispose();
  });

  it('refuses an occupancy that does not fit the grid, naming what was wrong', () => {
    expect(() => createGenerator(spec([['one']]), SHAPE, new Rng(1))).toThrow(/occupancy gives 1 channels, the grid has 7/);
    expect(() => createGenerator(spec(OCCUPANCY.map(() => ['one', 'one'] as Occupancy[])), SHAPE, new Rng(1))).toThrow(/distinct/);
  });
});

describe('categorical log-likelihood', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('is Σ t·log softmax(l) with the gradient t − (Σ t)·softmax(l), against a hand computation', () => {
    const logits = [1, 2, 0.5];
    const z = Math.log(logits.reduce((s, l) => s + Math.exp(l), 0));
    const softmax = logits.map((l) => Math.exp(l - z));
    const l = tf.tensor2d([logits, logits]);
    const t = tf.tensor2d([[0, 1, 0], [0, 0, 0]]);
    const value = categoricalLogLikelihood(l, t);
    const expected = [2 - z, 0];
    Array.from(value.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    const grad = tf.grad((x: tf.Tensor) => tf.sum(categoricalLogLikelihood(x, t)))(l);
    const g = Array.from(grad.dataSync());
    [0, 1, 0].forEach((ti, k) => expect(g[k]).toBeCloseTo(ti - softmax[k], 5));
    [3, 4, 5].forEach((k) => expect(g[k]).toBeCloseTo(0, 6));
    tf.dispose([l, t, value, grad]);
  });
});
