/**
 * A fully connected layer y = act(x·W + b) on tf.Variables. Weights are initialised from the run's Rng with
 * PyTorch's default for nn.Linear (uniform in ±1/√fan_in) so runs match the reference implementations.
 */
import * as tf from '@tensorflow/tfjs-core';
import { uniformWeightAndBias } from './weights.ts';
import type { Rng } from '../engine/random.ts';

/** The activations the fused matMul kernel applies in place. */
type FusedActivation = 'linear' | 'relu' | 'sigmoid' | 'leakyrelu' | 'elu';
/** Softplus is smooth everywhere, which gradient checks of second-order terms (WGAN-GP's penalty) need. */
export type Activation = FusedActivation | 'softplus';

export class Dense {
  readonly kernel: tf.Variable<tf.Rank.R2>;
  readonly bias: tf.Variable<tf.Rank.R1>;

  constructor(
    readonly inputs: number,
    readonly outputs: number,
    readonly activation: Activation,
    rng: Rng,
  ) {
    const { weight, bias } = uniformWeightAndBias<tf.Rank.R2>([inputs, outputs], inputs, outputs, rng);
    this.kernel = weight;
    this.bias = bias;
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    if (this.activation === 'softplus') return tf.softplus(tf.add(tf.matMul(x, this.kernel), this.bias)) as tf.Tensor2D;
    // Fused matMul+bias+activation is one kernel call on wasm and on tensorflow; LeakyReLU's slope is 0.2.
    return tf.fused.matMul({
      a: x,
      b: this.kernel,
      bias: this.bias,
      activation: this.activation,
      leakyreluAlpha: 0.2,
    }) as tf.Tensor2D;
  }

  variables(): tf.Variable[] {
    return [this.kernel, this.bias];
  }
}
