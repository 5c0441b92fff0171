/**
 * One generator per task, a setting beside the paper's scholar: task t's generator learns task t's real inputs
 * alone, and samples come in equal shares from the generators of the tasks learnt so far. The paper's single
 * generator learns each new task mixed with its predecessor's samples (§3), so what it dreams of task 1 has passed
 * through every later generator; measured on the RL protocol, Space Invaders' dreams agreed with the old network's
 * actions 83-86 % of the time from G_1 and 70-78 % from G_2 (docs/RESULTS.md). Here no generator learns from
 * another's samples, so none drifts, at the price of one generator's weights per task.
 *
 * It is a Generator like any other: the continual loop trains it (trainStep trains the generator of the task set
 * by `beginTask`, on the real inputs; its trainer gives it no replayed batch) and the scholar replays its
 * samples. Its weights carry which generators have learnt a task, so a frozen copy (the previous scholar's) and a
 * checkpoint sample from the same ones.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng, RngSnapshot } from '../engine/random.ts';
import type { AdamState } from '../nn/adam.ts';
import type { WeightSet } from '../nn/weights.ts';
import { equalShares } from '../replay/shares.ts';
import type { Generator, GeneratorKind } from './generator.ts';

export class PerTaskGenerators implements Generator {
  readonly kind: GeneratorKind;
  /** Whether each generator has learnt its task (at least one step). */
  private learnt: boolean[];
  private task = 0;
  /** Each generator's count of weight tensors and of optimiser states, to split what the set's accessors join. */
  private readonly sizes: { readonly weights: number; readonly states: number }[];

  constructor(private readonly generators: readonly Generator[]) {
    if (generators.length === 0) throw new Error('PerTaskGenerators: needs one generator per task, got none');
    this.kind = generators[0].kind;
    this.learnt = generators.map(() => false);
    this.sizes = generators.map((g) => ({ weights: g.weights().values.length, states: g.optimizerState().length }));
  }

  /** Task t's generator is the one trainStep trains from now on. */
  beginTask(t: number): void {
    if (!(t >= 0 && t < this.generators.length)) throw new Error(`PerTaskGenerators: task ${t} of ${this.generators.length}`);
    this.task = t;
  }

  /** Trains the task's generator on its real inputs (r = 1: nothing of another task to weigh). */
  trainStep(real: tf.Tensor2D, replayed: tf.Tensor2D | null, _r: number): tf.Scalar {
    if (replayed !== null) throw new Error('PerTaskGenerators: a generator per task learns its task alone; give it no replayed batch');
    const loss = this.generators[this.task].trainStep(real, null, 1);
    this.learnt[this.task] = true;
    return loss;
  }

  /** n samples: an equal share (as integers allow, the first tasks one more) from each generator that has learnt
   *  its task, in task order; from the first generator while none has. */
  sample(n: number): tf.Tensor2D {
    const ready = this.generators.filter((_, t) => this.learnt[t]);
    const from = ready.length > 0 ? ready : [this.generators[0]];
    const shares = equalShares(n, from.length);
    const drawn = from.flatMap((g, i) => (shares[i] > 0 ? [g.sample(shares[i])] : []));
    if (drawn.length === 1) return drawn[0];
    const all = tf.concat(drawn) as tf.Tensor2D;
    for (const p of drawn) p.dispose();
    return all;
  }

  /** Each generator draws from a stream of its own, named by its task. */
  reseed(rng: Rng): void {
    this.generators.forEach((g, t) => g.reseed(rng.fork(`task ${t} generator`)));
  }

  /** Every generator's streams, in task order. */
  noiseStreams(): RngSnapshot[] {
    return this.generators.flatMap((g) => g.noiseStreams());
  }

  resumeNoise(streams: readonly RngSnapshot[]): void {
    let at = 0;
    for (const g of this.generators) {
      const count = g.noiseStreams().length;
      g.resumeNoise(streams.slice(at, at + count));
      at += count;
    }
  }

  /** Every generator's weights, in task order, then which have learnt their task (1 or 0 each). */
  weights(): WeightSet {
    const each = this.generators.map((g) => g.weights());
    return {
      shapes: [...each.flatMap((w) => w.shapes), [this.generators.length]],
      values: [...each.flatMap((w) => w.values), Float32Array.from(this.learnt, (l) => (l ? 1 : 0))],
    };
  }

  /** Checked whole before any generator takes its part, so weights that do not fit leave the set as it was. */
  setWeights(weights: WeightSet): void {
    const tensors = this.sizes.reduce((sum, s) => sum + s.weights, 0);
    const flags = weights.values[tensors];
    if (weights.values.length !== tensors + 1 || flags.length !== this.generators.length) {
      throw new Error(`PerTaskGenerators: weights of ${weights.values.length} tensors do not fit ${this.generators.length} generators`);
    }
    let at = 0;
    this.generators.forEach((g, t) => {
      const end = at + this.sizes[t].weights;
      g.setWeights({ shapes: weights.shapes.slice(at, end), values: weights.values.slice(at, end) });
      at = end;
    });
    this.learnt = Array.from(flags, (f) => f === 1);
  }

  optimizerState(): AdamState[] {
    return this.generators.flatMap((g) => g.optimizerState());
  }

  restoreOptimizer(state: AdamState[]): void {
    let at = 0;
    this.generators.forEach((g, t) => {
      g.restoreOptimizer(state.slice(at, at + this.sizes[t].states));
      at += this.sizes[t].states;
    });
  }

  dispose(): void {
    for (const g of this.generators) g.dispose();
  }
}
