/**
 * Where the replayed observations s' of a consolidation come from, and what they are taught — one small source
 * per arm (core/arms.ts's vocabulary):
 *   gr      s' ~ G_(k−1), drawn to 0/1 cells;             y' = Q_(k−1)(s')
 *   er      s' from a bounded buffer of real past frames; y' = Q_(k−1)(s')
 *   noise   s' uniformly random binary grids;             y' = Q_(k−1)(s')
 *   offline s' real frames of every past game;            y' = that game's own learner's (normalised) Q-values
 *   none    nothing is replayed.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../core/engine/random.ts';
import type { Generator } from '../core/generators/generator.ts';
import type { Solver } from '../core/solvers/solver.ts';
import { OBSERVATION_SIZE } from '../env/layout.ts';
import type { AgentArm } from './config.ts';
import { ACTION_COUNT } from './network.ts';

export interface ReplayedBatch {
  readonly x: tf.Tensor2D;
  readonly targets: tf.Tensor2D;
}

/** Draws `n` rows of `observations` (uint8, m × 700) at random, as floats [n, 700]. */
export function sampleObservations(observations: Uint8Array, n: number, rng: Rng): { x: Float32Array; rows: Int32Array } {
  const m = observations.length / OBSERVATION_SIZE;
  const x = new Float32Array(n * OBSERVATION_SIZE);
  const rows = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const row = rng.int(m);
    rows[k] = row;
    const from = row * OBSERVATION_SIZE;
    for (let c = 0; c < OBSERVATION_SIZE; c++) x[k * OBSERVATION_SIZE + c] = observations[from + c];
  }
  return { x, rows };
}

/**
 * Real observations kept per game: ER's bounded buffer (an equal share of `capacity` per game seen, Chaudhry
 * et al.'s balanced reservoir) or Offline's whole memory (with each game's teacher targets).
 */
export class ObservationMemory {
  readonly games: { observations: Uint8Array; targets: Float32Array | null }[] = [];

  constructor(private readonly capacity: number | null) {}

  /** Adds a game's observations (and, for Offline, its learner's targets); shrinks every game to its share. */
  add(observations: Uint8Array, targets: Float32Array | null, rng: Rng): void {
    this.games.push({ observations, targets });
    if (this.capacity === null) return;
    const share = Math.floor(this.capacity / this.games.length);
    this.games.forEach((g, i) => {
      const n = g.observations.length / OBSERVATION_SIZE;
      if (n <= share) return;
      const keep = rng.fork(`memory game ${i}`).permutation(n).slice(0, share).sort();
      const observations = new Uint8Array(share * OBSERVATION_SIZE);
      const targets = g.targets ? new Float32Array(share * ACTION_COUNT) : null;
      keep.forEach((row, k) => {
        observations.set(g.observations.subarray(row * OBSERVATION_SIZE, (row + 1) * OBSERVATION_SIZE), k * OBSERVATION_SIZE);
        targets?.set((g.targets as Float32Array).subarray(row * ACTION_COUNT, (row + 1) * ACTION_COUNT), k * ACTION_COUNT);
      });
      this.games[i] = { observations, targets };
    });
  }

  get size(): number {
    return this.games.reduce((s, g) => s + g.observations.length / OBSERVATION_SIZE, 0);
  }

  /** n observations drawn with each game equally likely, and their stored targets (when kept). */
  sample(n: number, rng: Rng): { x: Float32Array; targets: Float32Array | null } {
    const x = new Float32Array(n * OBSERVATION_SIZE);
    const withTargets = this.games.every((g) => g.targets !== null);
    const targets = withTargets ? new Float32Array(n * ACTION_COUNT) : null;
    for (let k = 0; k < n; k++) {
      const game = this.games[rng.int(this.games.length)];
      const row = rng.int(game.observations.length / OBSERVATION_SIZE);
      for (let c = 0; c < OBSERVATION_SIZE; c++) x[k * OBSERVATION_SIZE + c] = game.observations[row * OBSERVATION_SIZE + c];
      targets?.set((game.targets as Float32Array).subarray(row * ACTION_COUNT, (row + 1) * ACTION_COUNT), k * ACTION_COUNT);
    }
    return { x, targets };
  }
}

/** What an arm's consolidation replays from: the previous scholar and whatever the arm keeps. */
export interface ReplayContext {
  readonly arm: AgentArm;
  /** Q_(k−1); null for the first game. */
  readonly previous: Solver | null;
  readonly generator: Generator | null;
  readonly memory: ObservationMemory | null;
  /** Probability of a 1 in a noise grid. */
  readonly noiseDensity: number;
}

/** A batch of n replayed observations with their targets, or null where the arm replays nothing. */
export function replayedBatch(context: ReplayContext, n: number, rng: Rng): ReplayedBatch | null {
  const { arm, previous } = context;
  if (arm === 'none' || previous === null) return null;
  if (arm === 'offline') {
    const { x, targets } = (context.memory as ObservationMemory).sample(n, rng);
    return { x: tf.tensor2d(x, [n, OBSERVATION_SIZE]), targets: tf.tensor2d(targets as Float32Array, [n, ACTION_COUNT]) };
  }
  const x = tf.tidy(() => {
    switch (arm) {
      case 'gr':
        return (context.generator as Generator).sample(n);
      case 'er':
        return tf.tensor2d((context.memory as ObservationMemory).sample(n, rng).x, [n, OBSERVATION_SIZE]);
      case 'noise':
        return tf.tensor2d(
          Float32Array.from({ length: n * OBSERVATION_SIZE }, () => (rng.uniform() < context.noiseDensity ? 1 : 0)),
          [n, OBSERVATION_SIZE],
        );
    }
  });
  return { x, targets: tf.tidy(() => previous.logits(x)) };
}
