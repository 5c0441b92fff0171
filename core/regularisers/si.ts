/**
 * Synaptic intelligence (Zenke et al. 2017). During a task, each weight's contribution to the drop in loss is
 * accumulated as ω += −g · Δθ; at the task's end its importance grows by Ω += ω / ((Δθ_task)² + ξ).
 * Penalty: c · Σ_j Ω_j (θ_j − θ*_j)², anchored at the weights of the last task's end. Over the weights the
 * optimiser trains (Solver.trainable): the step's gradients are theirs, and a frozen weight never moves.
 */
import * as tf from '@tensorflow/tfjs-core';
import { variableOf } from '../nn/weights.ts';
import type { Solver } from '../solvers/solver.ts';
import type { Regulariser } from './regulariser.ts';

export class Si implements Regulariser {
  private readonly omega: tf.Variable[];
  private readonly importance: tf.Variable[];
  private readonly anchor: tf.Variable[];
  private previousStep: tf.Tensor[] = [];
  private lastGrads: tf.Tensor[] = [];
  private tasks = 0;

  constructor(
    private readonly solver: Solver,
    private readonly c: number,
    private readonly epsilon: number,
  ) {
    const params = solver.trainable();
    this.omega = params.map((p) => variableOf(() => tf.zerosLike(p), false));
    this.importance = params.map((p) => variableOf(() => tf.zerosLike(p), false));
    this.anchor = params.map((p) => variableOf(() => tf.clone(p), false));
  }

  penalty(): tf.Scalar | null {
    if (this.tasks === 0) return null;
    const params = this.solver.trainable();
    const terms = params.map((p, j) => tf.sum(tf.mul(this.importance[j], tf.square(tf.sub(p, this.anchor[j])))));
    return tf.mul(this.c, tf.addN(terms)) as tf.Scalar;
  }

  beforeStep(grads: readonly tf.Tensor[]): void {
    // Kept: the training step runs inside tidy, and afterStep reads these once the update is done.
    this.lastGrads = grads.map((g) => tf.keep(tf.clone(g)));
    this.previousStep = this.solver.trainable().map((p) => tf.keep(tf.clone(p)));
  }

  afterStep(): void {
    tf.tidy(() => {
      this.solver.trainable().forEach((p, j) => {
        const delta = tf.sub(p, this.previousStep[j]);
        this.omega[j].assign(tf.sub(this.omega[j], tf.mul(this.lastGrads[j], delta)));
      });
    });
    for (const t of [...this.lastGrads, ...this.previousStep]) t.dispose();
    this.lastGrads = [];
    this.previousStep = [];
  }

  endTask(): void {
    tf.tidy(() => {
      this.solver.trainable().forEach((p, j) => {
        const moved = tf.square(tf.sub(p, this.anchor[j]));
        this.importance[j].assign(tf.add(this.importance[j], tf.div(this.omega[j], tf.add(moved, this.epsilon))));
        this.omega[j].assign(tf.zerosLike(p));
        this.anchor[j].assign(p);
      });
    });
    this.tasks += 1;
  }

  /** Importances, anchors and the running ω, then the number of tasks consolidated (no penalty before one). */
  state(): Float32Array[] {
    return [...[...this.importance, ...this.anchor, ...this.omega].map((t) => new Float32Array(t.dataSync())), Float32Array.of(this.tasks)];
  }

  restore(state: Float32Array[]): void {
    const all = [...this.importance, ...this.anchor, ...this.omega];
    if (state.length !== all.length + 1) throw new Error(`SI state has ${state.length} arrays, expected ${all.length + 1}`);
    all.forEach((v, i) => tf.tidy(() => v.assign(tf.tensor(state[i], v.shape))));
    this.tasks = state[all.length][0];
  }

  dispose(): void {
    for (const t of [...this.omega, ...this.importance, ...this.anchor]) t.dispose();
  }
}
