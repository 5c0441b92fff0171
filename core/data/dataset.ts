/**
 * Small pure helpers over Dataset: construction with a size check, seeded subsets, label histograms.
 */
import type { Rng } from '../engine/random.ts';
import type { Dataset, ImageShape } from './types.ts';

export function pixelsPerImage(shape: ImageShape): number {
  return shape[0] * shape[1] * shape[2];
}

/** A Dataset whose byte counts are checked against n and shape (a mismatch is a bug, so it throws). */
export function makeDataset(x: Uint8Array, y: Uint8Array, shape: ImageShape): Dataset {
  const n = y.length;
  const size = pixelsPerImage(shape);
  if (x.length !== n * size) {
    throw new Error(`dataset: ${x.length} image bytes do not hold ${n} images of ${shape.join('×')} (${n * size} bytes)`);
  }
  return { x, y, n, shape };
}

/** The images at `indices`, in that order (copies). */
export function select(dataset: Dataset, indices: ArrayLike<number>): Dataset {
  const size = pixelsPerImage(dataset.shape);
  const x = new Uint8Array(indices.length * size);
  const y = new Uint8Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (!(i >= 0 && i < dataset.n)) throw new Error(`dataset: index ${i} out of range 0..${dataset.n - 1}`);
    x.set(dataset.x.subarray(i * size, (i + 1) * size), k * size);
    y[k] = dataset.y[i];
  }
  return makeDataset(x, y, dataset.shape);
}

/**
 * n images drawn without replacement by `rng`, kept in their original order. Returns the dataset itself when
 * n >= dataset.n (nothing to drop).
 */
export function subset(dataset: Dataset, n: number, rng: Rng): Dataset {
  if (!Number.isInteger(n) || n < 1) throw new Error(`subset: n must be a positive integer, got ${n}`);
  if (n >= dataset.n) return dataset;
  const picked = rng.permutation(dataset.n).subarray(0, n).sort();
  return select(dataset, picked);
}

/** How many samples carry each label 0..outputs-1. */
export function labelHistogram(dataset: Dataset, outputs: number): number[] {
  const counts = new Array<number>(outputs).fill(0);
  for (let i = 0; i < dataset.n; i++) {
    const label = dataset.y[i];
    if (label >= outputs) throw new Error(`label ${label} at index ${i} is outside 0..${outputs - 1}`);
    counts[label]++;
  }
  return counts;
}

/** Per-split sample limits for quick presets and tests; undefined keeps every sample. */
export interface Limit {
  readonly train?: number;
  readonly test?: number;
}

/** Applies a Limit to a train/test pair, drawing each subset from its own fork of `rng`. */
export function limitSplits(
  splits: { readonly train: Dataset; readonly test: Dataset },
  limit: Limit | undefined,
  rng: Rng,
): { train: Dataset; test: Dataset } {
  const trainRng = rng.fork('limit train');
  const testRng = rng.fork('limit test');
  return {
    train: limit?.train === undefined ? splits.train : subset(splits.train, limit.train, trainRng),
    test: limit?.test === undefined ? splits.test : subset(splits.test, limit.test, testRng),
  };
}
