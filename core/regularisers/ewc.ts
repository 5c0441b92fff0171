/**
 * Elastic weight consolidation (Kirkpatrick et al. 2017) and its online variant (Schwarz et al. 2018).
 * Penalty: λ/2 · Σ_k Σ_j F_k,j (θ_j − θ*_k,j)², with F_k the diagonal Fisher information at the end of task k.
 * Online EWC keeps one running F = γ·F + F_new anchored at the latest weights.
 */
import * as tf from '@tensorflow/tfjs-core';
import { fillInputs } from '../data/batch.ts';
import type { Inputs } from '../data/types.ts';
import type { Rng } from '../engine/random.ts';
import type { Solver } from '../solvers/solver.ts';
import type { Regulariser } from './regulariser.ts';

interface Anchor {
  readonly fisher: tf.Tensor[];
  readonly weights: tf.Tensor[];
}

export class Ewc implements Regulariser {
  private anchors: Anchor[] = [];

  constructor(
    private readonly solver: Solver,
    private readonly lambda: number,
    private readonly samples: number,
    /** null: one anchor per task (EWC); a number: online EWC's decay γ. */
    private readonly gamma: number | null,
    private readonly rng: Rng,
  ) {}

  penalty(): tf.Scalar | null {
    if (this.anchors.length === 0) return null;
    const params = this.solver.variables();
    const terms = this.anchors.flatMap((a) =>
      params.map((p, j) => tf.sum(tf.mul(a.fisher[j], tf.square(tf.sub(p, a.weights[j]))))),
    );
    return tf.mul(this.lambda / 2, tf.addN(terms)) as tf.Scalar;
  }

  /** Diagonal empirical Fisher from single-sample gradients of log p(ŷ | x), ŷ the solver's own prediction. */
  private fisher(data: Inputs, units: readonly number[], rng: Rng): tf.Tensor[] {
    const params = this.solver.variables();
    const sums: tf.Tensor[] = params.map((p) => tf.zerosLike(p));
    const unitIndex = tf.tensor1d(units as number[], 'int32');
    const n = Math.min(this.samples, data.n);
    for (let s = 0; s < n; s++) {
      const input = fillInputs(data, [rng.int(data.n)]);
      tf.tidy(() => {
        const x = tf.tensor2d(input, [1, input.length]);
        const { grads } = tf.variableGrads(() => {
          const logits = tf.gather(this.solver.logits(x), unitIndex, 1);
          const logp = tf.logSoftmax(logits);
          return tf.max(logp) as tf.Scalar; // log-probability of the predicted class
        }, params);
        params.forEach((p, j) => {
          const next = tf.keep(tf.add(sums[j], tf.square(grads[p.name])));
          sums[j].dispose();
          sums[j] = next;
        });
      });
    }
    unitIndex.dispose();
    return sums.map((s) => {
      const mean = tf.div(s, n);
      s.dispose();
      return mean;
    });
  }

  endTask(_solver: Solver, data: Inputs, units: readonly number[], rng: Rng = this.rng): void {
    const fisher = this.fisher(data, units, rng);
    const weights = this.solver.variables().map((p) => tf.clone(p));
    if (this.gamma === null || this.anchors.length === 0) {
      this.anchors.push({ fisher, weights });
      return;
    }
    const old = this.anchors[0];
    const gamma = this.gamma;
    const merged = fisher.map((f, j) => tf.tidy(() => tf.add(tf.mul(old.fisher[j], gamma), f)));
    for (const t of [...old.fisher, ...old.weights, ...fisher]) t.dispose();
    this.anchors = [{ fisher: merged, weights }];
  }

  state(): Float32Array[] {
    return this.anchors.flatMap((a) => [...a.fisher, ...a.weights].map((t) => new Float32Array(t.dataSync())));
  }

  restore(state: Float32Array[]): void {
    this.dispose();
    const shapes = this.solver.variables().map((p) => p.shape);
    const perAnchor = shapes.length * 2;
    if (state.length % perAnchor !== 0) throw new Error(`EWC state has ${state.length} arrays, not a multiple of ${perAnchor}`);
    for (let a = 0; a < state.length; a += perAnchor) {
      const tensors = state.slice(a, a + perAnchor).map((v, i) => tf.tensor(v, shapes[i % shapes.length]));
      this.anchors.push({ fisher: tensors.slice(0, shapes.length), weights: tensors.slice(shapes.length) });
    }
  }

  dispose(): void {
    for (const a of this.anchors) for (const t of [...a.fisher, ...a.weights]) t.dispose();
    this.anchors = [];
  }
}
