/**
 * Hidden replay (gr-hidden): generative replay one layer up. The scholar's convolution is the first game's
 * learner's, frozen (../hidden-features.ts); G learns the convolution's features of each game instead of its
 * frames; s' are G_(k−1)'s dreamt features, read by the layers above the convolution, y' = Q_(k−1)'s values on them
 * (van de Ven, Siegelmann & Tolias 2020; Daniels et al. 2022 for RL). No dream filter: features have no rules to
 * check a dream against.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../core/engine/random.ts';
import type { Solver } from '../../core/solvers/solver.ts';
import { adoptConvolution, FeatureCode } from '../hidden-features.ts';
import { qNetworkOf } from '../network.ts';
import type { GameStart, ReplayedBatch, ReplaySource, ReplayStep } from './source.ts';
import type { Inputs } from '../../core/data/types.ts';
import type { CheckpointArray } from '../../core/checkpoint.ts';

export class HiddenDreams implements ReplaySource {
  readonly code: FeatureCode;

  /** `channels`: the learner's convolution filters, which the scholar's convolution takes. */
  constructor(channels: number) {
    this.code = new FeatureCode(channels);
  }

  beforeTask(game: GameStart, scholar: Solver): void {
    if (game.k > 0) return;
    adoptConvolution(scholar, game.learner);
    this.code.fit(scholar, game.observations);
  }

  generatorInputs(observations: Uint8Array, scholar: Solver): Inputs {
    return this.code.inputs(scholar, observations);
  }

  sample(n: number, step: ReplayStep, _rng: Rng): ReplayedBatch | null {
    const { previous, dreams } = step;
    if (previous === null || dreams === null) return null;
    const x = tf.tidy(() => this.code.decode(dreams.sample(n)));
    return { x, targets: qNetworkOf(previous).head(x), features: true };
  }

  afterTask(): void {}

  arrays(): Record<string, CheckpointArray[]> {
    return this.code.arrays();
  }

  restore(arrays: Record<string, CheckpointArray[]>): void {
    this.code.restore(arrays);
  }
}
