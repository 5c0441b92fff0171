/**
 * What a scholar hands on (paper §3: replayed inputs come from the generator, their targets from the solver):
 * its generator's samples as its own solver labels them. A generator that draws only a few kinds of digit shows
 * here, as a few labels taking most of the samples, before the next task loses any accuracy to it; and labels
 * given with little confidence mean the solver is being taught on inputs it cannot read.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../engine/random.ts';
import type { Generator } from '../generators/generator.ts';
import type { Solver } from '../solvers/solver.ts';

/** Generated samples audited per task to measure what a scholar replays (both domains: the classifier's labels,
 *  the RL agent's dreams). */
export const AUDIT_SAMPLES = 1000;

export interface ReplayAudit {
  /** Generated samples labelled. */
  readonly samples: number;
  /** The output units the solver chose among: the classes learned so far. */
  readonly units: number[];
  /** Share of the samples given each output unit (index = unit); 0 outside `units`. Sums to 1. */
  readonly labelShare: number[];
  /** Mean softmax probability of the label given, among the units learned so far. */
  readonly confidence: number;
}

/** The solver's label for each row of `x` among `units`, and its softmax probability over those units. */
export function labelInputs(solver: Solver, x: tf.Tensor2D, units: readonly number[]): { labels: Int32Array; confidence: Float32Array } {
  return tf.tidy(() => {
    const unitIndex = tf.tensor1d(units as number[], 'int32');
    const probabilities = tf.softmax(tf.gather(solver.logits(x), unitIndex, 1));
    const labels = tf.gather(unitIndex, tf.argMax(probabilities, 1)).dataSync() as Int32Array;
    return { labels, confidence: tf.max(probabilities, 1).dataSync() as Float32Array };
  });
}

/** `n` samples of `generator` drawn from `rng` (the report's grids), with the solver's label for each among `units`. */
export function labelSamples(generator: Generator, solver: Solver, units: readonly number[], n: number, rng: Rng): { x: Float32Array; labels: Int32Array } {
  generator.reseed(rng);
  const x = generator.sample(n);
  const values = new Float32Array(x.dataSync());
  const { labels } = labelInputs(solver, x, units);
  x.dispose();
  return { x: values, labels };
}

/** Labels `n` fresh samples of `generator` (in chunks, to bound memory) with `solver` among `units`. */
export function auditReplay(generator: Generator, solver: Solver, units: readonly number[], n: number, rng: Rng): ReplayAudit {
  if (n < 1) throw new Error(`auditReplay: needs at least one sample, got ${n}`);
  generator.reseed(rng);
  const counts = new Array<number>(solver.outputs).fill(0);
  let confidence = 0;
  const chunk = 250;
  for (let done = 0; done < n; done += chunk) {
    const x = generator.sample(Math.min(chunk, n - done));
    const labelled = labelInputs(solver, x, units);
    x.dispose();
    for (const label of labelled.labels) counts[label]++;
    for (const p of labelled.confidence) confidence += p;
  }
  return { samples: n, units: [...units], labelShare: counts.map((c) => c / n), confidence: confidence / n };
}
