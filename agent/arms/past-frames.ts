/**
 * Offline, the upper bound: s' from every real frame of every past game, y' = that game's own learner's
 * (normalised) Q-values, stored with the frames — joint training on everything seen, no teacher chain.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CheckpointArray } from '../../core/checkpoint.ts';
import type { Rng } from '../../core/engine/random.ts';
import { OBSERVATION_SIZE } from '../../env/layout.ts';
import { learnerTargets } from '../consolidate.ts';
import { ACTION_COUNT } from '../network.ts';
import { ObservationMemory } from '../replay.ts';
import type { ConsolidatedGame, ReplayedBatch, ReplaySource, ReplayStep } from './source.ts';

export class PastFrames implements ReplaySource {
  readonly memory = new ObservationMemory(null);

  sample(n: number, step: ReplayStep, rng: Rng): ReplayedBatch | null {
    if (step.previous === null) return null;
    const { x, targets } = this.memory.sample(n, rng);
    return { x: tf.tensor2d(x, [n, OBSERVATION_SIZE]), targets: tf.tensor2d(targets as Float32Array, [n, ACTION_COUNT]) };
  }

  afterTask(game: ConsolidatedGame, rng: Rng): void {
    this.memory.add(game.observations, learnerTargets(game.learner, game.observations, game.scale), rng);
  }

  arrays(): Record<string, CheckpointArray[]> {
    return this.memory.arrays();
  }

  restore(arrays: Record<string, CheckpointArray[]>): void {
    this.memory.restore(arrays, 'offline');
  }
}
