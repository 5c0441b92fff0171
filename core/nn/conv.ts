/**
 * A 2-D convolution layer (NHWC, 'same' padding) on tf.Variables, initialised like PyTorch's nn.Conv2d
 * (uniform in ±1/√fan_in). Trains on every backend: wasm's missing filter gradient is supplied by
 * core/engine/wasm-kernels.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../engine/random.ts';
import { variableOf } from './weights.ts';

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
    const fanIn = inChannels * kernelSize * kernelSize;
    const bound = 1 / Math.sqrt(fanIn);
    const w = rng.fillUniform(new Float32Array(fanIn * outChannels), -bound, bound);
    const b = rng.fillUniform(new Float32Array(outChannels), -bound, bound);
    this.filter = variableOf(() => tf.tensor4d(w, [kernelSize, kernelSize, inChannels, outChannels]), true) as tf.Variable<tf.Rank.R4>;
    this.bias = variableOf(() => tf.tensor1d(b), true) as tf.Variable<tf.Rank.R1>;
  }

  /** relu(conv(x) + b). */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.relu(tf.add(tf.conv2d(x, this.filter, this.stride, 'same'), this.bias)) as tf.Tensor4D;
  }

  variables(): tf.Variable[] {
    return [this.filter, this.bias];
  }
}
