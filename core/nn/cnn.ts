/**
 * A small convolutional classifier: strided 5×5 conv layers (each halving the image), then a dense hidden layer
 * and the output layer. Takes flat rows of pixels like the MLP, so solvers are interchangeable.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ImageShape } from '../data/types.ts';
import type { Rng } from '../engine/random.ts';
import { Conv2d } from './conv.ts';
import { Mlp } from './mlp.ts';

export class Cnn {
  private readonly convs: Conv2d[];
  private readonly head: Mlp;

  constructor(
    private readonly shape: ImageShape,
    channels: readonly number[],
    dense: number,
    outputs: number,
    rng: Rng,
  ) {
    const [h, w, c] = shape;
    this.convs = channels.map((out, i) => new Conv2d(i === 0 ? c : channels[i - 1], out, 5, 2, rng));
    const shrink = 2 ** channels.length;
    const flat = Math.ceil(h / shrink) * Math.ceil(w / shrink) * channels[channels.length - 1];
    this.head = new Mlp([flat, dense, outputs], 'relu', 'linear', rng);
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    const image = tf.reshape(x, [x.shape[0], ...this.shape]) as tf.Tensor4D;
    const features = this.convs.reduce((h, conv) => conv.apply(h), image);
    return this.head.apply(tf.reshape(features, [x.shape[0], -1]) as tf.Tensor2D);
  }

  variables(): tf.Variable[] {
    return [...this.convs.flatMap((c) => c.variables()), ...this.head.variables()];
  }
}
