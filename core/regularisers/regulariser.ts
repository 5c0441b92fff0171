/**
 * Parameter regularisers (EWC, online EWC, SI): instead of replaying data they add a penalty to the solver's
 * objective that anchors the weights important to past tasks.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Inputs } from '../data/types.ts';
import type { Rng } from '../engine/random.ts';
import type { Solver } from '../solvers/solver.ts';

export interface Regulariser {
  /** The penalty to add to the objective, or null while there is nothing to protect. */
  penalty(): tf.Scalar | null;
  /** Sees each step's gradients before the update (SI's path integral). */
  beforeStep?(grads: readonly tf.Tensor[]): void;
  /** After the update (SI). */
  afterStep?(): void;
  /** When a task ends: consolidate what it learned. `units` are the outputs that task answered with; `rng`, when
   *  given, draws what the regulariser measures (EWC's Fisher inputs) instead of its own stream. */
  endTask(solver: Solver, data: Inputs, units: readonly number[], rng?: Rng): void;
  /** The anchors and importances, for checkpoints. */
  state(): Float32Array[];
  restore(state: Float32Array[]): void;
  dispose(): void;
}
