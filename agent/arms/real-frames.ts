/**
 * Exact replay (ER): s' from a bounded buffer of real frames of the past games (an equal share of
 * `er.capacity` per game, ../replay.ts), y' = Q_(k−1)(s') — a perfect generator with a finite memory.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CheckpointArray } from '../../core/checkpoint.ts';
import type { Rng } from '../../core/engine/random.ts';
import { OBSERVATION_SIZE } from '../../env/layout.ts';
import { ObservationMemory } from '../replay.ts';
import { taughtByPrevious, type ConsolidatedGame, type ReplayedBatch, type ReplaySource, type ReplayStep } from './source.ts';

export class RealFrames implements ReplaySource {
  readonly memory: ObservationMemory;

  constructor(capacity: number) {
    this.memory = new ObservationMemory(capacity);
  }

  sample(n: number, step: ReplayStep, rng: Rng): ReplayedBatch | null {
    if (step.previous === null) return null;
    return taughtByPrevious(tf.tensor2d(this.memory.sample(n, rng).x, [n, OBSERVATION_SIZE]), step.previous);
  }

  afterTask(game: ConsolidatedGame, rng: Rng): void {
    this.memory.add(game.observations, null, rng);
  }

  arrays(): Record<string, CheckpointArray[]> {
    return this.memory.arrays();
  }

  restore(arrays: Record<string, CheckpointArray[]>): void {
    this.memory.restore(arrays, 'er');
  }
}
