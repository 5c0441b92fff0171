/**
 * Noise: s' uniformly random binary grids (each cell set with probability `density`), y' = Q_(k−1)(s') — the
 * generator-free baseline, a generator that has learnt nothing about the games.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../core/engine/random.ts';
import { OBSERVATION_SIZE } from '../../env/layout.ts';
import { taughtByPrevious, type ReplayedBatch, type ReplaySource, type ReplayStep } from './source.ts';

export class Noise implements ReplaySource {
  /** `density`: the probability of a 1 in a grid (config noise.density). */
  constructor(private readonly density: number) {}

  sample(n: number, step: ReplayStep, rng: Rng): ReplayedBatch | null {
    if (step.previous === null) return null;
    const cells = Float32Array.from({ length: n * OBSERVATION_SIZE }, () => (rng.uniform() < this.density ? 1 : 0));
    return taughtByPrevious(tf.tensor2d(cells, [n, OBSERVATION_SIZE]), step.previous);
  }

  afterTask(): void {}

  arrays(): Record<string, never> {
    return {};
  }

  restore(): void {}
}
