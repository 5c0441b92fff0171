/**
 * What the VAEs (./vae.ts, ./grid-vae.ts) share beyond their networks: one Adam over all their variables, the
 * r-weighted training step on per-input losses, and the weight and optimiser bookkeeping of a Generator.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng, type RngSnapshot } from '../engine/random.ts';
import type { Adam, AdamState } from '../nn/adam.ts';
import { readWeights, writeWeights, type WeightSet } from '../nn/weights.ts';

export abstract class VariationalGenerator {
  protected abstract readonly optimizer: Adam;

  protected constructor(protected rng: Rng) {}

  abstract readonly kind: string;
  abstract variables(): tf.Variable[];
  /** Negative ELBO of each input, [n]. */
  abstract losses(x: tf.Tensor2D): tf.Tensor1D;

  /**
   * r · mean loss(real) + (1 − r) · mean loss(replayed) (Generator.trainStep), both batches in one pass: one large
   * matrix product per layer is cheaper than two half-size ones.
   */
  trainStep(real: tf.Tensor2D, replayed: tf.Tensor2D | null, r: number): tf.Scalar {
    if (replayed === null) return this.optimizer.minimize(() => tf.mean(this.losses(real)) as tf.Scalar);
    const n = real.shape[0];
    const m = replayed.shape[0];
    const [weights, both] = tf.tidy(() => [tf.concat([tf.fill([n], r / n), tf.fill([m], (1 - r) / m)]), tf.concat([real, replayed])]);
    const loss = this.optimizer.minimize(() => tf.sum(tf.mul(weights, this.losses(both))) as tf.Scalar);
    weights.dispose();
    both.dispose();
    return loss;
  }

  reseed(rng: Rng): void {
    this.rng = rng;
  }

  noiseStreams(): RngSnapshot[] {
    return [this.rng.snapshot()];
  }

  resumeNoise([stream]: readonly RngSnapshot[]): void {
    this.rng = Rng.fromSnapshot(stream);
  }

  weights(): WeightSet {
    return readWeights(this.variables());
  }

  setWeights(weights: WeightSet): void {
    writeWeights(this.variables(), weights, this.kind);
  }

  optimizerState(): AdamState[] {
    return [this.optimizer.state()];
  }

  restoreOptimizer(state: AdamState[]): void {
    this.optimizer.restore(state[0]);
  }

  dispose(): void {
    for (const v of this.variables()) v.dispose();
    this.optimizer.dispose();
  }
}
