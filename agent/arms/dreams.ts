/**
 * Generative replay (GR): s' ~ G_(k−1), the previous generator's dreams drawn to 0/1 cells and filtered as the run
 * keeps them (generator.keep, ../valid-dreams.ts); y' = Q_(k−1)(s'). The generator itself belongs to the scholar
 * and is trained by the loop each game (core's generator training); this source only reads its dreams.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../core/engine/random.ts';
import { taughtByPrevious, type ReplayedBatch, type ReplaySource, type ReplayStep } from './source.ts';

export class Dreams implements ReplaySource {
  sample(n: number, step: ReplayStep, _rng: Rng): ReplayedBatch | null {
    const { previous, dreams } = step;
    if (previous === null || dreams === null) return null;
    return taughtByPrevious(tf.tidy(() => dreams.sample(n)), previous);
  }

  afterTask(): void {}

  arrays(): Record<string, never> {
    return {};
  }

  restore(): void {}
}
