/**
 * The paper's generator: a GAN trained with the Wasserstein loss and gradient penalty (WGAN-GP, Gulrajani et
 * al. 2017), as Shin et al. §4 use it. Critic loss: E[D(x̃)] − E[D(x)] + λ·E[(‖∇_x̂ D(x̂)‖₂ − 1)²] with x̂ drawn
 * uniformly on lines between real and generated samples and the norm taken per sample over all of its
 * pixels (kuc2477's re-implementation took it over channels only); generator loss −E[D(G(z))].
 * `criticSteps` critic updates per generator update; Adam lr 1e-4, β = (0.5, 0.9) in the presets.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng, type RngSnapshot } from '../engine/random.ts';
import { Adam, type AdamSettings, type AdamState } from '../nn/adam.ts';
import type { Activation } from '../nn/dense.ts';
import { Mlp } from '../nn/mlp.ts';
import { readWeights, writeWeights, type WeightSet } from '../nn/weights.ts';
import { drawSamples, type Generator, type SampleDraw } from './generator.ts';

export interface WganGpSettings {
  readonly inputSize: number;
  /** Generator hidden sizes (latent → hidden → input); the critic mirrors them (input → hidden reversed → 1). */
  readonly hidden: readonly number[];
  readonly latent: number;
  readonly criticSteps: number;
  /** λ, the gradient penalty's weight. */
  readonly penalty: number;
  readonly adam: AdamSettings;
  /** The critic's hidden activation (LeakyReLU by default; softplus makes its second derivative smooth). */
  readonly criticActivation?: Activation;
  /** Samples as the generator's outputs (default) or drawn to 0/1 from them. */
  readonly draw?: SampleDraw;
}

export class WganGp implements Generator {
  readonly kind = 'wgan-gp' as const;
  readonly critic: Mlp;
  private readonly generator: Mlp;
  private readonly criticOptimizer: Adam;
  private readonly generatorOptimizer: Adam;
  private calls = 0;

  constructor(
    readonly settings: WganGpSettings,
    private rng: Rng,
  ) {
    const { inputSize, hidden, latent } = settings;
    this.generator = new Mlp([latent, ...hidden, inputSize], 'relu', 'sigmoid', rng);
    this.critic = new Mlp([inputSize, ...[...hidden].reverse(), 1], settings.criticActivation ?? 'leakyrelu', 'linear', rng);
    this.criticOptimizer = new Adam(this.critic.variables(), settings.adam);
    this.generatorOptimizer = new Adam(this.generator.variables(), settings.adam);
  }

  private noise(n: number): tf.Tensor2D {
    return tf.randomNormal([n, this.settings.latent], 0, 1, 'float32', this.rng.seed());
  }

  /** λ·E[(‖∇_x̂ D(x̂)‖₂ − 1)²], the norm per sample over all its inputs. */
  gradientPenalty(real: tf.Tensor2D, fake: tf.Tensor2D): tf.Scalar {
    const n = real.shape[0];
    const eps = tf.randomUniform([n, 1], 0, 1, 'float32', this.rng.seed());
    const between = tf.add(tf.mul(eps, real), tf.mul(tf.sub(1, eps), fake)) as tf.Tensor2D;
    const slope = tf.grad((x: tf.Tensor) => tf.sum(this.critic.apply(x as tf.Tensor2D)))(between);
    const norms = tf.sqrt(tf.add(tf.sum(tf.square(slope), 1), 1e-12));
    return tf.mul(this.settings.penalty, tf.mean(tf.square(tf.sub(norms, 1)))) as tf.Scalar;
  }

  /** The critic's loss on real inputs weighted per sample (the mixture of real and replayed data). */
  criticLoss(real: tf.Tensor2D, weights: tf.Tensor1D, fake: tf.Tensor2D): tf.Scalar {
    const onReal = tf.sum(tf.mul(weights, tf.reshape(this.critic.apply(real), [-1])));
    const onFake = tf.mean(this.critic.apply(fake));
    return tf.add(tf.sub(onFake, onReal), this.gradientPenalty(real, fake)) as tf.Scalar;
  }

  trainStep(real: tf.Tensor2D, replayed: tf.Tensor2D | null, r: number): tf.Scalar {
    return tf.tidy(() => {
      const n = real.shape[0];
      const m = replayed?.shape[0] ?? 0;
      const data = replayed ? tf.concat([real, replayed]) : real;
      const weights = replayed
        ? tf.concat([tf.fill([n], r / n), tf.fill([m], (1 - r) / m)])
        : tf.fill([n], 1 / n);
      const fake = this.generator.apply(this.noise(n + m));
      const loss = this.criticOptimizer.minimize(() => this.criticLoss(data, weights as tf.Tensor1D, fake));
      this.calls += 1;
      if (this.calls % this.settings.criticSteps === 0) {
        this.generatorOptimizer
          .minimize(() => tf.neg(tf.mean(this.critic.apply(this.generator.apply(this.noise(n + m))))) as tf.Scalar)
          .dispose();
      }
      return loss;
    });
  }

  sample(n: number): tf.Tensor2D {
    return tf.tidy(() => drawSamples(this.generator.apply(this.noise(n)), this.settings.draw ?? 'mean', this.rng));
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

  private variables(): tf.Variable[] {
    return [...this.generator.variables(), ...this.critic.variables()];
  }

  weights(): WeightSet {
    return readWeights(this.variables());
  }

  setWeights(weights: WeightSet): void {
    writeWeights(this.variables(), weights, 'wgan-gp');
  }

  optimizerState(): AdamState[] {
    return [this.criticOptimizer.state(), this.generatorOptimizer.state()];
  }

  restoreOptimizer(state: AdamState[]): void {
    this.criticOptimizer.restore(state[0]);
    this.generatorOptimizer.restore(state[1]);
  }

  dispose(): void {
    for (const v of this.variables()) v.dispose();
    this.criticOptimizer.dispose();
    this.generatorOptimizer.dispose();
  }
}
