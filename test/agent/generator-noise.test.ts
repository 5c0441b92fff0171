/**
 * A generator's noise streams where they stand (Generator.noiseStreams) are what a consolidation checkpointed in
 * its middle keeps of its dreams: resumed from them, every kind draws the samples it would have drawn had it gone
 * on, and a set of one generator per task resumes each of its generators. An Rng's snapshot keeps the second
 * normal of a Box-Muller pair, which its state alone leaves out.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { agentPreset } from '../../agent/presets.ts';
import { OBSERVATION_SHAPE } from '../../agent/scholar.ts';
import { useBackend } from '../../core/engine/backend.ts';
import { Rng } from '../../core/engine/random.ts';
import { generatorSpec } from '../../core/experiments/presets.ts';
import { createGenerator, type GeneratorSpec } from '../../core/generators/create.ts';
import type { Generator } from '../../core/generators/generator.ts';
import { PerTaskGenerators } from '../../core/generators/per-task.ts';

const draw = (g: Generator, n: number): number[] => {
  const t = g.sample(n);
  const values = Array.from(t.dataSync());
  t.dispose();
  return values;
};

const grid = agentPreset('full').generator.model;
const vae = agentPreset('quick').generator.model;
const wgan: GeneratorSpec = { ...generatorSpec('wgan-gp'), hidden: [16], latent: 8, draw: 'bernoulli' } as GeneratorSpec;
const kinds: [string, () => Generator][] = [
  ['the grid VAE', () => createGenerator(grid, OBSERVATION_SHAPE, new Rng(1))],
  ['the observation VAE', () => createGenerator(vae, OBSERVATION_SHAPE, new Rng(2))],
  ['a WGAN-GP', () => createGenerator(wgan, OBSERVATION_SHAPE, new Rng(3))],
  ['one VAE per task', () => new PerTaskGenerators([4, 5].map((seed) => createGenerator(vae, OBSERVATION_SHAPE, new Rng(seed))))],
];

describe('a generator resumed from its noise streams', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it.each(kinds)('%s draws what it would have drawn going on', (_, make) => {
    const before = tf.memory().numTensors;
    const g = make();
    if (g instanceof PerTaskGenerators) {
      // Both generators sample once each has learnt its task.
      for (const t of [0, 1]) {
        g.beginTask(t);
        tf.tidy(() => {
          g.trainStep(tf.zeros([2, 700]), null, 1).dispose();
        });
      }
    }
    g.reseed(new Rng(11));
    draw(g, 4);
    const streams = g.noiseStreams();
    const goingOn = draw(g, 6);
    g.reseed(new Rng(99));
    expect(draw(g, 6)).not.toEqual(goingOn);
    g.resumeNoise(streams);
    expect(draw(g, 6)).toEqual(goingOn);
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('an Rng snapshot goes on with the normal it held', () => {
    const rng = new Rng(5);
    rng.normal();
    const snapshot = rng.snapshot();
    expect(snapshot.spareNormal).not.toBeNull();
    const goingOn = [rng.normal(), rng.normal(), rng.uniform()];
    const resumed = Rng.fromSnapshot(snapshot);
    expect([resumed.normal(), resumed.normal(), resumed.uniform()]).toEqual(goingOn);
    expect(Rng.fromState(snapshot.state).normal()).not.toBe(goingOn[0]);
  });
});
