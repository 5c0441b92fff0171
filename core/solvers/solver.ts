/**
 * The solver S of the scholar <G, S>: a classifier network and its optimiser. It knows how to compute logits
 * and to take one optimiser step on a loss; which loss is the scholar's business (core/scholar.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { Adam, type AdamSettings } from '../nn/adam.ts';

export interface Network {
  apply(x: tf.Tensor2D): tf.Tensor2D;
  /** Every weight: what is saved, copied into a frozen teacher and measured by a regulariser. */
  variables(): tf.Variable[];
  /** The weights its optimiser trains, when not all of them (layers kept frozen, as hidden replay's). */
  trainable?(): tf.Variable[];
}

export class Solver {
  readonly optimizer: Adam;

  constructor(
    readonly network: Network,
    readonly outputs: number,
    adam: AdamSettings,
  ) {
    this.optimizer = new Adam(this.trainable(), adam);
  }

  /** The weights its optimiser trains, in the order of the gradients it hands a regulariser (core/nn/adam.ts). */
  trainable(): tf.Variable[] {
    return this.network.trainable?.() ?? this.network.variables();
  }

  logits(x: tf.Tensor2D): tf.Tensor2D {
    return this.network.apply(x);
  }

  variables(): tf.Variable[] {
    return this.network.variables();
  }

  /** Class predictions restricted to `units` (task-IL heads), in chunks to bound memory. */
  predict(x: tf.Tensor2D, units?: readonly number[]): Int32Array {
    return tf.tidy(() => {
      let logits = this.logits(x);
      if (units) logits = tf.gather(logits, tf.tensor1d(units as number[], 'int32'), 1);
      const arg = tf.argMax(logits, 1);
      const picked = units ? tf.gather(tf.tensor1d(units as number[], 'int32'), arg) : arg;
      return picked.dataSync() as Int32Array;
    });
  }

  dispose(): void {
    for (const v of this.variables()) v.dispose();
    this.optimizer.dispose();
  }
}
