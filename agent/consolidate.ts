/**
 * Consolidation: the scholar's network Q_k learns game k from its short-term learner and keeps the earlier games
 * from the previous scholar, exactly as the paper's solver objective (Shin et al. 2017, §3; RePR's long-term
 * network, Atkinson et al. 2021):
 *
 *     r · L(Q_k(s), Q_short(s)) + (1 − r) · L(Q_k(s'), Q_(k−1)(s')),   s from game k, s' from the arm's replay
 *
 * with L the MSE between Q-value vectors, plus the penalty of the arm's regulariser (EWC, SI) when it has one.
 * The mix, the penalty and the training loop are core's (mixByImportance, core/continual.ts); what s' is and who
 * teaches it is the arm's replay source (./arms).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../core/engine/random.ts';
import type { Generator } from '../core/generators/generator.ts';
import type { SolverLesson } from '../core/continual.ts';
import { mixByImportance, valueLoss, type ValueLossKind } from '../core/scholar.ts';
import type { Solver } from '../core/solvers/solver.ts';
import { OBSERVATION_SIZE } from '../env/layout.ts';
import type { ReplaySource } from './arms/source.ts';
import { observationTensor, qNetworkOf } from './network.ts';
import { sampleObservations } from './replay.ts';

/** What Q_k keeps the earlier games with: the arm's replay source and the previous scholar (its regulariser is
 *  core's loop's to apply). */
export interface Keeping {
  readonly source: ReplaySource;
  /** Q_(k−1); null on the first game. */
  readonly previous: Solver | null;
  /** G_(k−1)'s dreams as replayed (null without a generator, or on the first game). */
  readonly dreams: Generator | null;
}

export interface ConsolidationRun {
  readonly iterations: number;
  readonly batchSize: number;
  readonly r: number;
  readonly loss: ValueLossKind;
  /** Divide the learner's Q-values by this game's scale (1 when not normalising). */
  readonly scale: number;
  /** Read the loss (and report it) every this many iterations. */
  readonly reportEvery: number;
}

/**
 * The scale a game's Q-values are taught in: the learner's mean |Q| over the game's observations, so games whose
 * rewards differ by an order of magnitude teach values of one size (GRIm-RePR's normalisation).
 */
export function qScale(learner: Solver, observations: Uint8Array): number {
  const n = observations.length / OBSERVATION_SIZE;
  return tf.tidy(() => {
    const mean = tf.mean(tf.abs(learner.logits(observationTensor(observations, n)))).dataSync()[0];
    return mean > 1e-6 ? mean : 1;
  });
}

/** The targets the learner teaches on `observations`: its Q-values divided by `scale` (n × 6 floats). */
export function learnerTargets(learner: Solver, observations: Uint8Array, scale: number): Float32Array {
  const n = observations.length / OBSERVATION_SIZE;
  return tf.tidy(() => tf.div(learner.logits(observationTensor(observations, n)), scale).dataSync() as Float32Array);
}

/** The streams a consolidation draws its batches from: the new game's and the replay's. */
export interface ConsolidationStreams {
  readonly current: Rng;
  readonly replayed: Rng;
}

export function consolidationStreams(rng: Rng): ConsolidationStreams {
  return { current: rng.fork('current batches'), replayed: rng.fork('replayed batches') };
}

/**
 * Game k's lesson for core's solver loop (core/continual.ts): each step a batch s of the new game taught the
 * learner's values and a batch s' of the arm's replay taught its targets, mixed r : (1 − r); the loop adds the
 * regulariser's penalty. `report` gets the loss every run.reportEvery iterations.
 */
export function consolidationLesson(
  scholar: Solver,
  learner: Solver,
  observations: Uint8Array,
  keeping: Keeping,
  run: ConsolidationRun,
  streams: ConsolidationStreams,
  report: (iteration: number, loss: number) => Promise<void> | void = () => {},
): SolverLesson {
  const { source, previous, dreams } = keeping;
  return {
    iterations: run.iterations,
    batchSize: run.batchSize,
    reportEvery: run.reportEvery,
    batch: () => {
      const s = tf.tensor2d(sampleObservations(observations, run.batchSize, streams.current).x, [run.batchSize, OBSERVATION_SIZE]);
      const taught = tf.div(learner.logits(s), run.scale) as tf.Tensor2D;
      const past = source.sample(run.batchSize, { previous, dreams, current: s }, streams.replayed);
      // Replayed features (hidden replay) enter Q_k above its convolution; frames enter at the bottom.
      const read = (x: tf.Tensor2D): tf.Tensor2D => (past?.features ? qNetworkOf(scholar).head(x) : scholar.logits(x));
      return () => mixByImportance(run.r, valueLoss(scholar.logits(s), taught, run.loss), past && valueLoss(read(past.x), past.targets, run.loss));
    },
    report,
  };
}

/** MSE between two networks' Q-values on the same observations [n, 700] (how far Q_k is from its teacher). */
export function valueDistance(a: Solver, b: Solver, x: tf.Tensor2D): number {
  return tf.tidy(() => tf.losses.meanSquaredError(b.logits(x), a.logits(x)).dataSync()[0]);
}
