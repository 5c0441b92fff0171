/** `dgr bench rl` times the agent's own steps under the reference's names, and leaves no tensors behind. */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { benchRl, RL_BENCHMARKS } from '../../agent/bench.ts';
import { useBackend } from '../../core/engine/backend.ts';

describe('RL benchmarks (wasm)', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it("time each of the reference's steps and the whole loop, and free everything they made", async () => {
    const before = tf.memory().numTensors;
    const results = await benchRl({ backend: 'wasm', repeats: 1, stepsPerRepeat: 1, loopFrames: 320 });
    expect(results.map((r) => r.name)).toEqual([...RL_BENCHMARKS]);
    for (const r of results) {
      expect(r.msPerStep).toBeGreaterThan(0);
      expect(r.stepsPerSecond).toBeCloseTo(1000 / r.msPerStep, 9);
    }
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);
});

describe('dgr bench rl --only', () => {
  it('offers exactly the benchmarks the agent times', async () => {
    const { RL_BENCH_NAMES } = await import('../../cli/commands/bench-rl.ts');
    expect([...RL_BENCH_NAMES]).toEqual([...RL_BENCHMARKS]);
  });
});
