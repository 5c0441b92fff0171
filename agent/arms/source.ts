/**
 * What an RL arm replays: a source of the replayed observations s' and their targets y' for the second term of
 * the consolidation objective (./consolidate.ts), and what it keeps of each game for the next ones. One source
 * per file, so an arm reads as: where s' comes from, who teaches it, what is kept after a game, what is saved.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { CheckpointArray } from '../../core/checkpoint.ts';
import type { Inputs } from '../../core/data/types.ts';
import type { Rng } from '../../core/engine/random.ts';
import type { Generator } from '../../core/generators/generator.ts';
import type { Solver } from '../../core/solvers/solver.ts';

export interface ReplayedBatch {
  readonly x: tf.Tensor2D;
  readonly targets: tf.Tensor2D;
  /** x holds the convolution's features, not observations: the scholar reads them through the layers above it
   *  (hidden replay, ./hidden-dreams.ts). */
  readonly features?: true;
}

/** What one consolidation step offers a source to replay from. */
export interface ReplayStep {
  /** Q_(k−1), the frozen previous scholar's network; null on the first game, where nothing is replayed. */
  readonly previous: Solver | null;
  /** G_(k−1)'s dreams as the run replays them (filtered by generator.keep); null for an arm without a generator. */
  readonly dreams: Generator | null;
  /** This step's batch s of the new game's observations [n, 700]. */
  readonly current: tf.Tensor2D;
}

/** Game k once its consolidation is done: what a source may keep of it. */
export interface ConsolidatedGame {
  /** The game's real observations (m × 700 bytes of 0/1). */
  readonly observations: Uint8Array;
  /** The game's short-term learner, and the scale its Q-values are taught in. */
  readonly learner: Solver;
  readonly scale: number;
}

/** Game k as its consolidation starts. */
export interface GameStart {
  readonly k: number;
  readonly observations: Uint8Array;
  readonly learner: Solver;
}

export interface ReplaySource {
  /** n replayed observations s' and their targets y' for one step (tensors kept by the caller's tidy), or null
   *  where nothing is replayed. */
  sample(n: number, step: ReplayStep, rng: Rng): ReplayedBatch | null;
  /** Before game k's consolidation, a source may shape the scholar (hidden replay adopts the first game's
   *  learner's convolution); most do nothing. */
  beforeTask?(game: GameStart, scholar: Solver): void;
  /** What the scholar's generator learns of a game: its observations, unless the source says otherwise (hidden
   *  replay: their features). */
  generatorInputs?(observations: Uint8Array, scholar: Solver): Inputs;
  /** After game k's consolidation: keep what the next games replay of it. */
  afterTask(game: ConsolidatedGame, rng: Rng): void;
  /** What the source keeps, as checkpoint arrays (names local to the arm), and how it comes back. */
  arrays(): Record<string, CheckpointArray[]>;
  restore(arrays: Record<string, CheckpointArray[]>): void;
}

/** Targets from Q_(k−1): its Q-values on the replayed observations (every arm but Offline). */
export function taughtByPrevious(x: tf.Tensor2D, previous: Solver): ReplayedBatch {
  return { x, targets: previous.logits(x) };
}
