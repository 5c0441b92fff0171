/**
 * Variational autoencoder generator (Kingma & Welling), the cheaper generator van de Ven & Tolias use for DGR:
 * encoder and decoder MLPs mirroring the solver, a Gaussian latent (default 100), Bernoulli likelihood.
 *
 * With `channels` the encoder first runs strided 5×5 convolutions (as the CNN solver does) and the decoder ends
 * in the mirrored transposed convolutions: an MLP VAE's samples of textured colour images are blurred blobs that
 * teach a solver little (the domain pairs), and the paper's code (kuc2477) gives its generator convolutions.
 */
import * as tf from '@tensorflow/tfjs-core';
import { bceWithLogits } from '../nn/bce.ts';
import type { Rng } from '../engine/random.ts';
import { Adam, type AdamSettings } from '../nn/adam.ts';
import type { ImageShape } from '../data/types.ts';
import { Conv2d } from '../nn/conv.ts';
import { ConvTranspose2d } from '../nn/conv-transpose.ts';
import { Mlp } from '../nn/mlp.ts';
import { GaussianCode } from './gaussian-code.ts';
import { VariationalGenerator } from './variational.ts';
import { drawSamples, type Generator, type SampleDraw } from './generator.ts';

export interface VaeSettings {
  readonly inputSize: number;
  /** Encoder hidden sizes; the decoder mirrors them. */
  readonly hidden: readonly number[];
  readonly latent: number;
  readonly adam: AdamSettings;
  /** Convolutional layers before the encoder's dense ones (channel counts), mirrored after the decoder. */
  readonly image?: { readonly shape: ImageShape; readonly channels: readonly number[] };
  /** Samples as means (default) or drawn to 0/1. */
  readonly draw?: SampleDraw;
  /** Weight of the KL term (β-VAE, Higgins et al. 2017; default 1, the ELBO). Below 1 the code carries more of each
   *  input, so reconstructions and samples sharpen, at the price of a prior that fits the codes less closely. */
  readonly beta?: number;
}

export class Vae extends VariationalGenerator implements Generator {
  readonly kind = 'vae' as const;
  private readonly encoder: Mlp;
  private readonly code: GaussianCode;
  private readonly decoder: Mlp;
  private readonly convs: Conv2d[] = [];
  private readonly deconvs: ConvTranspose2d[] = [];
  /** Height and width entering each conv layer, then leaving the last: [[h, w], [⌈h/2⌉, ⌈w/2⌉], ...]. */
  private readonly sizes: [number, number][] = [];
  protected readonly optimizer: Adam;

  constructor(
    readonly settings: VaeSettings,
    rng: Rng,
  ) {
    super(rng);
    const { inputSize, hidden, latent, image } = settings;
    const top = hidden[hidden.length - 1];
    let flat = inputSize;
    if (image) {
      const [h, w, c] = image.shape;
      const { channels } = image;
      this.sizes = [[h, w]];
      channels.forEach((out, i) => {
        this.convs.push(new Conv2d(i === 0 ? c : channels[i - 1], out, 5, 2, rng));
        const [ph, pw] = this.sizes[i];
        this.sizes.push([Math.ceil(ph / 2), Math.ceil(pw / 2)]);
      });
      const [lh, lw] = this.sizes[channels.length];
      flat = lh * lw * channels[channels.length - 1];
      // Mirrored: the last transposed conv gives back the image's channels, as logits.
      for (let i = channels.length - 1; i >= 0; i--) {
        this.deconvs.push(new ConvTranspose2d(channels[i], i === 0 ? c : channels[i - 1], 4, 2, i === 0 ? 'linear' : 'relu', rng));
      }
    }
    this.encoder = new Mlp([flat, ...hidden], 'relu', 'relu', rng);
    this.code = new GaussianCode(top, latent, rng);
    // The decoder ends in logits: the Bernoulli loss is computed from them stably, samples pass a sigmoid.
    this.decoder = new Mlp([latent, ...[...hidden].reverse(), flat], 'relu', image ? 'relu' : 'linear', rng);
    this.optimizer = new Adam(this.variables(), settings.adam);
  }

  variables(): tf.Variable[] {
    return [
      ...this.convs.flatMap((c) => c.variables()),
      ...this.encoder.variables(),
      ...this.code.variables(),
      ...this.decoder.variables(),
      ...this.deconvs.flatMap((d) => d.variables()),
    ];
  }

  private encode(x: tf.Tensor2D): tf.Tensor2D {
    if (!this.settings.image) return this.encoder.apply(x);
    const n = x.shape[0];
    const image = tf.reshape(x, [n, ...this.settings.image.shape]) as tf.Tensor4D;
    const features = this.convs.reduce((h, conv) => conv.apply(h), image);
    return this.encoder.apply(tf.reshape(features, [n, -1]) as tf.Tensor2D);
  }

  /** Logits of the pixels, [n, inputSize]. */
  private decode(z: tf.Tensor2D): tf.Tensor2D {
    const h = this.decoder.apply(z);
    if (!this.settings.image) return h;
    const n = z.shape[0];
    const { channels } = this.settings.image;
    const [lh, lw] = this.sizes[channels.length];
    let y = tf.reshape(h, [n, lh, lw, channels[channels.length - 1]]) as tf.Tensor4D;
    this.deconvs.forEach((deconv, k) => {
      y = deconv.apply(y, this.sizes[channels.length - 1 - k]);
    });
    return tf.reshape(y, [n, -1]) as tf.Tensor2D;
  }

  /**
   * Negative ELBO of each input, per pixel: Bernoulli reconstruction (binary cross-entropy summed over pixels)
   * plus KL(q(z|x) ‖ N(0, I)) summed over latents (times β), divided by the input size so the scale does not depend on
   * the image size. Shape [n].
   */
  losses(x: tf.Tensor2D): tf.Tensor1D {
    const { z, kl } = this.code.sample(this.encode(x), this.rng);
    const logits = this.decode(z);
    const bce = tf.sum(bceWithLogits(logits, x), 1);
    const { beta = 1 } = this.settings;
    return tf.div(tf.add(bce, beta === 1 ? kl : tf.mul(kl, beta)), this.settings.inputSize) as tf.Tensor1D;
  }

  sample(n: number): tf.Tensor2D {
    return tf.tidy(() => {
      const z = tf.randomNormal([n, this.settings.latent], 0, 1, 'float32', this.rng.seed()) as tf.Tensor2D;
      return drawSamples(tf.sigmoid(this.decode(z)), this.settings.draw ?? 'mean', this.rng);
    });
  }
}
