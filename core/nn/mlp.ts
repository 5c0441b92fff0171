/** A stack of Dense layers: the solver of the paper's MNIST experiments and the halves of the VAE. */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../engine/random.ts';
import { Dense, type Activation } from './dense.ts';

export class Mlp {
  readonly layers: Dense[];

  /** sizes = [inputs, hidden..., outputs]; hidden layers use `hidden`, the last layer `output`. */
  constructor(sizes: readonly number[], hidden: Activation, output: Activation, rng: Rng) {
    if (sizes.length < 2) throw new Error(`an MLP needs at least 2 sizes, got [${sizes.join(', ')}]`);
    this.layers = sizes.slice(1).map(
      (size, i) => new Dense(sizes[i], size, i === sizes.length - 2 ? output : hidden, rng),
    );
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    return this.layers.reduce((h, layer) => layer.apply(h), x);
  }

  variables(): tf.Variable[] {
    return this.layers.flatMap((layer) => layer.variables());
  }
}
