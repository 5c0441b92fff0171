/**
 * Consolidation teaches Q_k the previous network's values on dreamt observations (the (1 − r) term), and does
 * not when r = 1; the generator of observations draws 0/1 grids of the layout's shape.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dreams } from '../../agent/arms/dreams.ts';
import { consolidationLesson, consolidationStreams, valueDistance } from '../../agent/consolidate.ts';
import { trainSolver } from '../../core/continual.ts';
import { createQSolver } from '../../agent/network.ts';
import { agentPreset } from '../../agent/presets.ts';
import { OBSERVATION_SHAPE } from '../../agent/scholar.ts';
import { useBackend } from '../../core/engine/backend.ts';
import { Rng } from '../../core/engine/random.ts';
import { createGenerator } from '../../core/generators/create.ts';
import { trainGeneratorOnTask } from '../../core/generators/train.ts';
import type { Generator } from '../../core/generators/generator.ts';
import { ENEMY, OBSERVATION_SIZE } from '../../env/layout.ts';
import { isGameFrame, satisfiesInvariants } from '../../env/games/index.ts';
import { ValidDreams } from '../../agent/valid-dreams.ts';
import { playedFrames } from './helpers.ts';

const preset = agentPreset('quick');
const network = preset.scholar.network;
const adam = preset.scholar.adam;

let generator: Generator;
const breakout = playedFrames('breakout', 600, 5, 5);
const freeway = playedFrames('freeway', 600, 5, 5);

describe('the generator of observations', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    generator = createGenerator(preset.generator.model, OBSERVATION_SHAPE, new Rng(3));
    const data = { x: breakout, y: new Uint8Array(600), n: 600, shape: OBSERVATION_SHAPE, scale: 1 };
    await trainGeneratorOnTask(generator, null, data, { iterations: 150, batchSize: 32, r: 1, reportEvery: 50 }, new Rng(4));
  }, 120_000);

  it('samples 0/1 grids of the layout shape', () => {
    const x = generator.sample(64);
    expect(x.shape).toEqual([64, OBSERVATION_SIZE]);
    const values = Array.from(x.dataSync());
    x.dispose();
    expect(values.every((v) => v === 0 || v === 1)).toBe(true);
    // Not all empty nor all full: it learnt something of the frames' sparsity.
    const density = values.reduce((s, v) => s + v, 0) / values.length;
    expect(density).toBeGreaterThan(0.005);
    expect(density).toBeLessThan(0.3);
  });

  it('trains on real cells as 0/1 (Dataset.scale 1), not as bytes divided by 255', () => {
    const x = generator.sample(256);
    const density = Array.from(x.dataSync()).reduce((s, v) => s + v, 0) / x.size;
    x.dispose();
    const real = breakout.reduce((s, v) => s + v, 0) / breakout.length;
    expect(Math.abs(density - real)).toBeLessThan(0.5 * real);
  });
});

/** The share of x's rows that `rule` holds for as frames of `game`. */
function shareOf(x: tf.Tensor2D, rule: typeof satisfiesInvariants, game: 'breakout' | 'freeway'): number {
  const cells = Uint8Array.from(x.dataSync());
  let kept = 0;
  for (let k = 0; k < x.shape[0]; k++) if (rule(game, cells, k * OBSERVATION_SIZE)) kept += 1;
  return kept / x.shape[0];
}

/**
 * A stand-in generator that "dreams" real frames, nine of Breakout to one of Freeway (a VAE's uneven validity,
 * made exact); `alter` may change a sample in place, given its index among all samples drawn.
 */
function realFrames(alter: (drawn: number, sample: Float32Array) => void = () => {}): Generator {
  let drawn = 0;
  return {
    kind: 'vae' as const,
    sample(n: number): tf.Tensor2D {
      const x = new Float32Array(n * OBSERVATION_SIZE);
      for (let k = 0; k < n; k++, drawn++) {
        const frames = drawn % 10 === 9 ? freeway : breakout;
        const row = (drawn * 7) % 600;
        x.set(frames.subarray(row * OBSERVATION_SIZE, (row + 1) * OBSERVATION_SIZE), k * OBSERVATION_SIZE);
        alter(drawn, x.subarray(k * OBSERVATION_SIZE, (k + 1) * OBSERVATION_SIZE));
      }
      return tf.tensor2d(x, [n, OBSERVATION_SIZE]);
    },
  } as unknown as Generator;
}

describe('valid dreams (generator.keep valid)', () => {
  const validShare = (x: tf.Tensor2D, game: 'breakout' | 'freeway'): number => shareOf(x, satisfiesInvariants, game);

  it('replays only samples a seen game could show, where the raw generator also dreams invalid ones', () => {
    generator.reseed(new Rng(21));
    const raw = generator.sample(400);
    const rawShare = validShare(raw, 'breakout');
    raw.dispose();
    expect(rawShare).toBeLessThan(1);
    expect(rawShare).toBeGreaterThan(0.01);
    generator.reseed(new Rng(21));
    const kept = new ValidDreams(generator, ['breakout']).sample(400);
    expect(kept.shape).toEqual([400, OBSERVATION_SIZE]);
    expect(validShare(kept, 'breakout')).toBe(1);
    kept.dispose();
  });

  it('gives each game seen an equal share of the batch, however lopsided the valid dreams are', () => {
    const x = new ValidDreams(realFrames(), ['breakout', 'freeway']).sample(64);
    expect(validShare(x, 'breakout')).toBe(0.5);
    expect(validShare(x, 'freeway')).toBe(0.5);
    x.dispose();
  });

  it('replays exact frames from a pool drawn once, an equal share per game, the same for the same seed', () => {
    // Every other Freeway frame loses a car: it still obeys Freeway's invariants, but Freeway always draws eight cars.
    const mixed = (): Generator =>
      realFrames((drawn, sample) => {
        if (drawn % 20 !== 19) return;
        const car = [...Array(100).keys()].find((cell) => sample[cell * 7 + ENEMY] === 1) as number;
        sample[car * 7 + ENEMY] = 0;
      });
    const exactShare = (x: tf.Tensor2D, game: 'breakout' | 'freeway'): number => shareOf(x, isGameFrame, game);
    const batches = (seed: number): { x: tf.Tensor2D[]; stats: ReturnType<ValidDreams['poolStats']> } => {
      const dreams = new ValidDreams(mixed(), ['breakout', 'freeway'], { perGame: 100, rng: new Rng(seed) });
      expect(dreams.poolStats()).toBeNull();
      const x = [dreams.sample(64), dreams.sample(64)];
      return { x, stats: dreams.poolStats() };
    };
    const first = batches(40);
    // One round of draws fills both games' pools: 10 % are Freeway frames, half of them exact.
    expect(first.stats).toEqual({ draws: 4096, kept: [100, 100] });
    for (const x of first.x) {
      expect(exactShare(x, 'breakout')).toBe(0.5);
      expect(exactShare(x, 'freeway')).toBe(0.5);
    }
    const again = batches(40);
    expect(Array.from(again.x[1].dataSync())).toEqual(Array.from(first.x[1].dataSync()));
    const other = batches(41);
    expect(Array.from(other.x[0].dataSync())).not.toEqual(Array.from(first.x[0].dataSync()));
    for (const x of [...first.x, ...again.x, ...other.x]) x.dispose();
  });

  it('tops a batch up with rejected samples when no game could show any of them, and leaks no tensors', () => {
    const before = tf.memory().numTensors;
    // An untrained VAE's cells are coin flips: hundreds of set cells, never a frame of any game.
    const untrained = createGenerator(preset.generator.model, OBSERVATION_SHAPE, new Rng(30));
    const y = new ValidDreams(untrained, ['breakout']).sample(32);
    expect(y.shape).toEqual([32, OBSERVATION_SIZE]);
    expect(validShare(y, 'breakout')).toBe(0);
    y.dispose();
    untrained.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('consolidation', () => {
  async function consolidated(r: number): Promise<{ before: number; after: number; toLearner: [number, number] }> {
    const previous = createQSolver(network, adam, new Rng(10));
    const learner = createQSolver(network, adam, new Rng(11));
    const scholar = createQSolver(network, adam, new Rng(12));
    generator.reseed(new Rng(20));
    const probe = generator.sample(256);
    const current = tf.tensor2d(Float32Array.from(freeway.subarray(0, 256 * OBSERVATION_SIZE)), [256, OBSERVATION_SIZE]);
    const before = valueDistance(scholar, previous, probe);
    const learnerBefore = valueDistance(scholar, learner, current);
    const lesson = consolidationLesson(
      scholar,
      learner,
      freeway,
      { source: new Dreams(), previous, dreams: generator },
      { iterations: 150, batchSize: 32, r, loss: 'mse', scale: 1, reportEvery: 25 },
      consolidationStreams(new Rng(30)),
    );
    await trainSolver(scholar, null, lesson);
    const after = valueDistance(scholar, previous, probe);
    const toLearner: [number, number] = [learnerBefore, valueDistance(scholar, learner, current)];
    for (const s of [previous, learner, scholar]) s.dispose();
    probe.dispose();
    current.dispose();
    return { before, after, toLearner };
  }

  it('lowers the MSE to Q_(k−1) on generated observations', async () => {
    const { before, after, toLearner } = await consolidated(0.5);
    expect(after).toBeLessThan(0.5 * before);
    expect(toLearner[1]).toBeLessThan(toLearner[0]);
  }, 120_000);

  it('with r = 1 learns only the new game and leaves Q_(k−1) untaught', async () => {
    const { before, after, toLearner } = await consolidated(1);
    expect(after).toBeGreaterThan(0.5 * before);
    expect(toLearner[1]).toBeLessThan(0.5 * toLearner[0]);
  }, 120_000);

  it('weights the two terms r : (1 − r): a small r teaches Q_(k−1) more than a large one', async () => {
    const low = await consolidated(0.2);
    const high = await consolidated(0.8);
    expect(low.after).toBeLessThan(high.after);
    expect(high.toLearner[1]).toBeLessThan(low.toLearner[1]);
  }, 240_000);
});
