/**
 * A 2-D convolution layer (NHWC, 'same' padding) on tf.Variables, initialised like PyTorch's nn.Conv2d
 * (uniform in ±1/√fan_in). Trains on every backend: wasm's missing filter gradient is supplied by
 * core/engine/wasm-kernels.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../engine/random.ts';
import { uniformWeightAndBias } from './weights.ts';

export class Conv2d {
  readonly filter: tf.Variable<tf.Rank.R4>;
  readonly bias: tf.Variable<tf.Rank.R1>;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: number,
    readonly stride: number,
    rng: Rng,
  ) {
    const shape = [kernelSize, kernelSize, inChannels, outChannels];
    const { weight, bias } = uniformWeightAndBias<tf.Rank.R4>(shape, inChannels * kernelSize * kernelSize, outChannels, rng);
    this.filter = weight;
    this.bias = bias;
  }

  /** relu(conv(x) + b), as one fused kernel (its gradient is tfjs's: the same three terms). */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.fused.conv2d({ x, filter: this.filter, strides: this.stride, pad: 'same', bias: this.bias, activation: 'relu' });
  }

  variables(): tf.Variable[] {
    return [this.filter, this.bias];
  }
}
