/**
 * The Gaussian code of a VAE (Kingma & Welling 2014): q(z|x) = N(μ(h), diag(exp(log σ²(h)))) from an encoder's
 * features h, drawn by reparameterisation so gradients reach the encoder, with its KL divergence to N(0, I).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../engine/random.ts';
import { Dense } from '../nn/dense.ts';

export class GaussianCode {
  private readonly mean: Dense;
  private readonly logVar: Dense;

  constructor(features: number, latent: number, rng: Rng) {
    this.mean = new Dense(features, latent, 'linear', rng);
    this.logVar = new Dense(features, latent, 'linear', rng);
  }

  /** z = μ + ε·σ with ε ~ N(0, I) from `rng`, and KL(q(z|x) ‖ N(0, I)) summed over latents, shape [n]. */
  sample(features: tf.Tensor2D, rng: Rng): { z: tf.Tensor2D; kl: tf.Tensor1D } {
    const mu = this.mean.apply(features);
    const logVar = this.logVar.apply(features);
    const eps = tf.randomNormal(mu.shape, 0, 1, 'float32', rng.seed());
    const z = tf.add(mu, tf.mul(eps, tf.exp(tf.mul(logVar, 0.5)))) as tf.Tensor2D;
    const kl = tf.mul(-0.5, tf.sum(tf.sub(tf.sub(tf.add(1, logVar), tf.square(mu)), tf.exp(logVar)), 1)) as tf.Tensor1D;
    return { z, kl };
  }

  variables(): tf.Variable[] {
    return [...this.mean.variables(), ...this.logVar.variables()];
  }
}
