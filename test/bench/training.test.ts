/** `dgr bench`'s training steps run the product's models, report what was asked for, and leave no tensors. */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { TRAINING_BENCHMARKS, type TrainingBenchmark } from '../../core/bench/names.ts';
import { benchTraining } from '../../core/bench/training.ts';
import { useBackend } from '../../core/engine/backend.ts';

describe('training benchmarks (wasm)', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('time each named step, in the listed order, and free every model and input afterwards', async () => {
    const only: TrainingBenchmark[] = ['mlp-step', 'replay-sample', 'permuted-solver-replay-step', 'permuted-generator-replay-step'];
    expect([...only].sort((a, b) => TRAINING_BENCHMARKS.indexOf(a) - TRAINING_BENCHMARKS.indexOf(b))).toEqual(only);
    const before = tf.memory().numTensors;
    const results = await benchTraining({ backend: 'wasm', repeats: 1, stepsPerRepeat: 1, only });
    expect(results.map((r) => r.name)).toEqual(only);
    for (const r of results) {
      expect(r.msPerStep).toBeGreaterThan(0);
      expect(r.stepsPerSecond).toBeCloseTo(1000 / r.msPerStep, 9);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
