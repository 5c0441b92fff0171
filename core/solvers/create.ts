/** Builds the solver a run config names. */
import type { RunConfig } from '../config.ts';
import type { Rng } from '../engine/random.ts';
import { Mlp } from '../nn/mlp.ts';
import { Solver } from './solver.ts';

export function createSolver(spec: RunConfig['solver'], inputSize: number, outputs: number, rng: Rng): Solver {
  const network = new Mlp([inputSize, ...spec.hidden, outputs], 'relu', 'linear', rng);
  return new Solver(network, outputs, spec.adam);
}
