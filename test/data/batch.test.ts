import { describe, expect, it } from 'vitest';
import { EpochSampler, fillBatch } from '../../core/data/batch.ts';
import { makeDataset } from '../../core/data/dataset.ts';
import { Rng } from '../../core/engine/random.ts';

// Four 2×2×1 images with distinct bytes and labels.
const data = makeDataset(Uint8Array.from([0, 255, 51, 102, 1, 2, 3, 4, 10, 20, 30, 40, 200, 100, 50, 25]), Uint8Array.from([7, 1, 3, 9]), [2, 2, 1]);

describe('fillBatch', () => {
  it('turns the chosen images into floats in [0, 1] and their labels into Int32', () => {
    const batch = fillBatch(data, [2, 0]);
    expect(batch.size).toBe(2);
    expect(batch.x).toBeInstanceOf(Float32Array);
    expect(batch.y).toBeInstanceOf(Int32Array);
    expect(Array.from(batch.x)).toEqual([10, 20, 30, 40, 0, 255, 51, 102].map((v) => Math.fround(v / 255)));
    expect(Array.from(batch.y)).toEqual([3, 7]);
  });

  it('reuses the buffers of a batch of the same size', () => {
    const first = fillBatch(data, [0, 1]);
    const second = fillBatch(data, [3, 3], first);
    expect(second.x).toBe(first.x);
    expect(Array.from(second.y)).toEqual([9, 9]);
    expect(second.x[0]).toBeCloseTo(200 / 255, 6);
    expect(() => fillBatch(data, [0], first)).toThrow('fillBatch: reusing a batch of 2 for 1 indices');
    expect(() => fillBatch(data, [4])).toThrow('fillBatch: index 4 out of range 0..3');
  });
});

describe('EpochSampler', () => {
  it('draws every index exactly once per epoch, reshuffled each epoch', () => {
    const sampler = new EpochSampler(12, 4, new Rng(3));
    const epochs = [0, 1, 2].map(() => [sampler.nextBatch(), sampler.nextBatch(), sampler.nextBatch()].flatMap((b) => Array.from(b)));
    for (const order of epochs) expect([...order].sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
    expect(epochs[0]).not.toEqual(epochs[1]);
    expect(epochs[1]).not.toEqual(epochs[2]);
    expect(sampler.epoch).toBe(2);
  });

  it('repeats for a seed and differs for another', () => {
    const take = (seed: number) => {
      const sampler = new EpochSampler(100, 16, new Rng(seed));
      return Array.from({ length: 10 }, () => Array.from(sampler.nextBatch()));
    };
    expect(take(5)).toEqual(take(5));
    expect(take(5)).not.toEqual(take(6));
  });

  it('fills batches across epoch boundaries, also when the dataset is smaller than a batch', () => {
    const sampler = new EpochSampler(3, 8, new Rng(1));
    const batch = sampler.nextBatch();
    expect(batch.length).toBe(8);
    const counts = [0, 0, 0];
    for (const i of batch) counts[i]++;
    // 8 draws over epochs of 3: each index appears twice or three times.
    expect(counts.every((c) => c === 2 || c === 3)).toBe(true);
    let seen = 0;
    for (const b of sampler) {
      expect(b.length).toBe(8);
      if (++seen === 3) break;
    }
    expect(sampler.epoch).toBe(10); // 32 draws = 10 full epochs + 2
    expect(() => new EpochSampler(0, 4, new Rng(1))).toThrow(/positive integer/);
  });
});
