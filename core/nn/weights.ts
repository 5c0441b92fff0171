/**
 * Moving a network's weights between networks, threads and files. Weights travel as plain Float32Arrays in the
 * order of `variables()`, so a copy in another worker or a checkpoint needs no knowledge of the layer types.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../engine/random.ts';

export interface WeightSet {
  readonly shapes: number[][];
  readonly values: Float32Array[];
}

export function readWeights(variables: readonly tf.Variable[]): WeightSet {
  return {
    shapes: variables.map((v) => [...v.shape]),
    values: variables.map((v) => v.dataSync() as Float32Array).map((a) => new Float32Array(a)),
  };
}

export function writeWeights(variables: readonly tf.Variable[], weights: WeightSet, owner: string): void {
  if (weights.values.length !== variables.length) {
    throw new Error(`${owner}: expected ${variables.length} weight tensors, got ${weights.values.length}`);
  }
  variables.forEach((v, i) => {
    const shape = weights.shapes[i];
    if (shape.length !== v.shape.length || shape.some((d, j) => d !== v.shape[j])) {
      throw new Error(`${owner}: weight ${i} (${v.name}) has shape [${v.shape}], got [${shape}]`);
    }
    tf.tidy(() => v.assign(tf.tensor(weights.values[i], v.shape)));
  });
}

/**
 * A variable holding `make()`'s value. tf.variable shares the initial tensor's data but leaves the tensor itself
 * alive; building it inside tidy releases that tensor, so disposing the variable frees everything.
 */
export function variableOf(make: () => tf.Tensor, trainable: boolean): tf.Variable {
  return tf.tidy(() => tf.variable(make(), trainable));
}

/**
 * A trainable weight and bias initialised as PyTorch initialises nn.Linear and nn.Conv2d: uniform in
 * ±1/√fan_in, so runs start where the reference implementations start.
 */
export function uniformWeightAndBias<R extends tf.Rank>(
  shape: number[],
  fanIn: number,
  outputs: number,
  rng: Rng,
): { weight: tf.Variable<R>; bias: tf.Variable<tf.Rank.R1> } {
  const bound = 1 / Math.sqrt(fanIn);
  const w = rng.fillUniform(new Float32Array(shape.reduce((a, b) => a * b, 1)), -bound, bound);
  const b = rng.fillUniform(new Float32Array(outputs), -bound, bound);
  // tfjs names variables uniquely itself; a scholar and its frozen copy hold layers of the same role.
  return {
    weight: variableOf(() => tf.tensor(w, shape), true) as tf.Variable<R>,
    bias: variableOf(() => tf.tensor1d(b), true) as tf.Variable<tf.Rank.R1>,
  };
}

export function disposeVariables(variables: readonly tf.Variable[]): void {
  for (const v of variables) v.dispose();
}
