/** Builds the solver a run config names. */
import type { RunConfig } from '../config.ts';
import type { ImageShape } from '../data/types.ts';
import type { Rng } from '../engine/random.ts';
import { Cnn } from '../nn/cnn.ts';
import { Mlp } from '../nn/mlp.ts';
import { Solver } from './solver.ts';

export function createSolver(spec: RunConfig['solver'], shape: ImageShape, outputs: number, rng: Rng): Solver {
  const inputSize = shape[0] * shape[1] * shape[2];
  const network =
    spec.kind === 'mlp'
      ? new Mlp([inputSize, ...spec.hidden, outputs], 'relu', 'linear', rng)
      : new Cnn(shape, spec.channels, spec.dense, outputs, rng);
  return new Solver(network, outputs, spec.adam);
}
