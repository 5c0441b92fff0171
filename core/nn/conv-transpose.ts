/**
 * A transposed 2-D convolution (NHWC, 'same' padding): the convolutional VAE's way back up to the image, the
 * mirror of Conv2d. Initialised like PyTorch's nn.ConvTranspose2d (uniform in ±1/√fan_in with
 * fan_in = outChannels · k · k, the size of the weight's second axis times the kernel's area).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../engine/random.ts';
import { uniformWeightAndBias } from './weights.ts';

export class ConvTranspose2d {
  /** tf.conv2dTranspose's layout: [k, k, outChannels, inChannels]. */
  readonly filter: tf.Variable<tf.Rank.R4>;
  readonly bias: tf.Variable<tf.Rank.R1>;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: number,
    readonly stride: number,
    private readonly activation: 'relu' | 'linear',
    rng: Rng,
  ) {
    const shape = [kernelSize, kernelSize, outChannels, inChannels];
    const { weight, bias } = uniformWeightAndBias<tf.Rank.R4>(shape, outChannels * kernelSize * kernelSize, outChannels, rng);
    this.filter = weight;
    this.bias = bias;
  }

  /** act(convT(x) + b), up to `size` (the height and width the mirrored Conv2d took in). */
  apply(x: tf.Tensor4D, size: readonly [number, number]): tf.Tensor4D {
    const shape: [number, number, number, number] = [x.shape[0], size[0], size[1], this.outChannels];
    const y = tf.add(tf.conv2dTranspose(x, this.filter, shape, this.stride, 'same'), this.bias) as tf.Tensor4D;
    return this.activation === 'relu' ? tf.relu(y) : y;
  }

  variables(): tf.Variable[] {
    return [this.filter, this.bias];
  }
}
