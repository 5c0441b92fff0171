/**
 * Adam (Kingma & Ba) with PyTorch's update rule, on explicit state tensors so the optimiser's moments can be
 * saved in a checkpoint and restored exactly, and so a regulariser (SI) can see each step's gradients. On wasm
 * the update of each parameter is one fused kernel (../engine/adam-kernel.ts); elsewhere it is tensor ops.
 */
import * as tf from '@tensorflow/tfjs-core';
import { fusedAdamStep } from '../engine/adam-kernel.ts';
import { variableOf } from './weights.ts';

export interface AdamSettings {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon?: number;
}

export interface AdamState {
  readonly step: number;
  readonly moments: Float32Array[];
}

export type GradientHook = (grads: readonly tf.Tensor[]) => void;

export class Adam {
  private t = 0;
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private readonly eps: number;

  constructor(
    private readonly params: readonly tf.Variable[],
    readonly settings: AdamSettings,
  ) {
    this.eps = settings.epsilon ?? 1e-8;
    this.m = params.map((p) => variableOf(() => tf.zerosLike(p), false));
    this.v = params.map((p) => variableOf(() => tf.zerosLike(p), false));
  }

  /**
   * One step on `loss`. Returns the loss value as a kept scalar (the caller disposes it), so reading it is
   * a choice: syncing every step would cost a round trip to the backend.
   */
  minimize(loss: () => tf.Scalar, onGradients?: GradientHook): tf.Scalar {
    const { value, grads } = tf.variableGrads(loss, this.params as tf.Variable[]);
    // A parameter the loss does not depend on gets no gradient from tfjs: treat it as zero.
    const ordered = this.params.map((p) => grads[p.name] ?? tf.zerosLike(p));
    onGradients?.(ordered);
    this.apply(ordered);
    for (const g of ordered) g.dispose();
    return value;
  }

  private apply(grads: readonly tf.Tensor[]): void {
    this.t += 1;
    const { lr, beta1, beta2 } = this.settings;
    const stepSize = lr / (1 - beta1 ** this.t);
    const correction2 = Math.sqrt(1 - beta2 ** this.t);
    tf.tidy(() => {
      this.params.forEach((p, i) => {
        const g = grads[i];
        const fused = fusedAdamStep(p, g, this.m[i], this.v[i], { beta1, beta2, stepSize, correction2, epsilon: this.eps });
        if (fused !== null) {
          const [param, m, v] = fused;
          this.m[i].assign(m);
          this.v[i].assign(v);
          p.assign(param);
          return;
        }
        const m = tf.add(tf.mul(this.m[i], beta1), tf.mul(g, 1 - beta1));
        const v = tf.add(tf.mul(this.v[i], beta2), tf.mul(tf.square(g), 1 - beta2));
        this.m[i].assign(m);
        this.v[i].assign(v);
        const denominator = tf.add(tf.div(tf.sqrt(v), correction2), this.eps);
        p.assign(tf.sub(p, tf.div(tf.mul(m, stepSize), denominator)));
      });
    });
  }

  state(): AdamState {
    return {
      step: this.t,
      moments: [...this.m, ...this.v].map((t) => new Float32Array(t.dataSync() as Float32Array)),
    };
  }

  restore(state: AdamState): void {
    if (state.moments.length !== this.m.length * 2) {
      throw new Error(`optimizer state has ${state.moments.length} moments, expected ${this.m.length * 2}`);
    }
    this.t = state.step;
    [...this.m, ...this.v].forEach((t, i) => tf.tidy(() => t.assign(tf.tensor(state.moments[i], t.shape))));
  }

  dispose(): void {
    for (const t of [...this.m, ...this.v]) t.dispose();
  }
}
