/**
 * The generator G of the scholar <G, S>: any model that learns a distribution of inputs and samples from it.
 * Inputs are flat rows of pixels in [0, 1].
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng, RngSnapshot } from '../engine/random.ts';
import type { AdamState } from '../nn/adam.ts';
import type { WeightSet } from '../nn/weights.ts';

export interface Generator {
  readonly kind: GeneratorKind;
  /**
   * One training step on a batch of real inputs of the new task and, from the second task on, a batch replayed
   * by the previous generator; the two terms are weighted r : (1 − r), the importance of the new task
   * (paper §3: G_i learns the mixture of real and replayed inputs). Returns the loss as a kept scalar.
   */
  trainStep(real: tf.Tensor2D, replayed: tf.Tensor2D | null, r: number): tf.Scalar;
  /** n samples, shape [n, inputSize], values in [0, 1]. */
  sample(n: number): tf.Tensor2D;
  /** Replaces the stream its noise is drawn from (done at each task start, so runs resume exactly). */
  reseed(rng: Rng): void;
  /** Where its noise streams stand, one per stream it draws from: a lesson checkpointed in its middle goes on
   *  drawing what an uninterrupted one draws (agent/run.ts). */
  noiseStreams(): RngSnapshot[];
  /** Goes on from streams as noiseStreams() gave them. */
  resumeNoise(streams: readonly RngSnapshot[]): void;
  weights(): WeightSet;
  setWeights(weights: WeightSet): void;
  optimizerState(): AdamState[];
  restoreOptimizer(state: AdamState[]): void;
  dispose(): void;
}

/**
 * How samples leave the generator: as the model's means in [0, 1] (pixels), or drawn to 0/1 from them as
 * Bernoulli probabilities (a game's observation grid: a network that acts on it never sees fractional cells).
 */
export type SampleDraw = 'mean' | 'bernoulli';

/** Applies a SampleDraw to a generator's means; the Bernoulli draws come from `rng`. */
export function drawSamples(means: tf.Tensor2D, draw: SampleDraw, rng: Rng): tf.Tensor2D {
  if (draw === 'mean') return means;
  return tf.tidy(() => tf.cast(tf.less(tf.randomUniform(means.shape, 0, 1, 'float32', rng.seed()), means), 'float32') as tf.Tensor2D);
}

export const GENERATOR_KINDS = ['vae', 'grid-vae', 'wgan-gp'] as const;
export type GeneratorKind = (typeof GENERATOR_KINDS)[number];
