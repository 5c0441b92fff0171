/**
 * The environment API in Gymnasium's vocabulary: spaces, `reset(seed) → { observation, info }`,
 * `step(action) → { observation, reward, terminated, truncated, info }`, and a vectorised form that steps N
 * copies into shared typed arrays.
 */
import type { ChannelName } from './layout.ts';

/** The one action space all games share, in MinAtar's order. */
export const ACTIONS = ['noop', 'left', 'up', 'right', 'down', 'fire'] as const;
export type ActionName = (typeof ACTIONS)[number];
export const NOOP = 0;
export const LEFT = 1;
export const UP = 2;
export const RIGHT = 3;
export const DOWN = 4;
export const FIRE = 5;

export const GAMES = ['breakout', 'asterix', 'freeway', 'space-invaders', 'seaquest'] as const;
export type GameName = (typeof GAMES)[number];

/** Integers in [0, n). */
export interface DiscreteSpace {
  readonly kind: 'discrete';
  readonly n: number;
}

/** One Discrete(n) per copy of a vectorised env. */
export interface MultiDiscreteSpace {
  readonly kind: 'multi-discrete';
  readonly shape: readonly number[];
  readonly n: number;
}

/** A uint8 array of `shape` (row-major) with every value in [low, high]. */
export interface BoxSpace {
  readonly kind: 'box';
  readonly shape: readonly number[];
  readonly dtype: 'uint8';
  readonly low: number;
  readonly high: number;
}

export interface EnvInfo {
  /** The task's name (a game, a variant such as `breakout/mirrored`, or a name given in the task JSON). */
  readonly task: string;
  readonly game: GameName;
  /** Sum of rewards so far in this episode (the whole episode's return once it has ended). */
  readonly score: number;
  /** Steps taken in this episode. */
  readonly frame: number;
}

export interface StepResult {
  /** A fresh copy, safe to keep. */
  readonly observation: Uint8Array;
  readonly reward: number;
  /** The game ended by its rules (ball lost, caught by an enemy, out of oxygen ...). */
  readonly terminated: boolean;
  /** The episode was cut off by a clock, not by the rules (the task's step limit, Freeway's timer). */
  readonly truncated: boolean;
  readonly info: EnvInfo;
}

/** One copy of one task, for a viewer, a human player, recordings and scoring. */
export interface Env {
  readonly observationSpace: BoxSpace;
  readonly actionSpace: DiscreteSpace;
  /** Names of the observation's channels, in order (see layout.ts). */
  readonly channels: readonly ChannelName[];
  /** Starts an episode; with a seed, reseeds first (without one, the generator continues). */
  reset(seed?: number): { observation: Uint8Array; info: EnvInfo };
  step(action: number): StepResult;
  /** The current observation grid (a copy), for renderers; see layout.ts for the cell order. */
  render(): Uint8Array;
}

/**
 * The arrays N copies of a vectorised env write their results into, declared once for every VectorEnv and
 * for the buffers a game writes (vector.ts). A class extends this to hold the arrays of `source` as its own
 * fields (the buffers it writes, or the env it wraps), so a consumer reads `env.observations` directly and
 * the step loop reads plain fields.
 */
export abstract class VectorArrays {
  readonly numEnvs: number;
  /** numEnvs observations, one after another (N × 10 × 10 × C, channel-last). */
  readonly observations: Uint8Array;
  /** Where copy i's last frame is written when its episode ends (same layout as observations). */
  readonly finalObservations: Uint8Array;
  readonly rewards: Float32Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  /** Running return and step count of each copy's current episode. */
  readonly scores: Float32Array;
  readonly frames: Int32Array;
  /** The return and length of the episode a copy just finished (valid where terminated or truncated). */
  readonly episodeReturns: Float32Array;
  readonly episodeLengths: Int32Array;

  constructor(source: VectorArrays) {
    this.numEnvs = source.numEnvs;
    this.observations = source.observations;
    this.finalObservations = source.finalObservations;
    this.rewards = source.rewards;
    this.terminated = source.terminated;
    this.truncated = source.truncated;
    this.scores = source.scores;
    this.frames = source.frames;
    this.episodeReturns = source.episodeReturns;
    this.episodeLengths = source.episodeLengths;
  }
}

/**
 * N copies of one task stepped together, for training. Results land in shared typed arrays that the env
 * owns and overwrites on every step (copy out what you keep; see VectorArrays).
 *
 * Autoreset is Gymnasium's "same step" mode: when copy i ends an episode, `terminated[i]` or `truncated[i]`
 * is 1, its last frame is in `finalObservations`, its return and length are in `episodeReturns` and
 * `episodeLengths`, and `observations` already holds the first frame of its next episode. So every step
 * gives a complete transition (obs, action, reward, next obs = final obs when done) for a replay buffer.
 */
export interface VectorEnv extends VectorArrays {
  readonly game: GameName;
  /** The task's name, as in EnvInfo. */
  readonly taskName: string;
  readonly singleObservationSpace: BoxSpace;
  readonly observationSpace: BoxSpace;
  readonly singleActionSpace: DiscreteSpace;
  readonly actionSpace: MultiDiscreteSpace;
  /** Starts every copy's episode; copy i is seeded with seed + i (without a seed, generators continue). */
  reset(seed?: number): void;
  /** Starts copy `index`'s next episode, reseeding it when a seed is given. */
  resetCopy(index: number, seed?: number): void;
  /** Advances every copy by one step with actions[i] for copy i. */
  step(actions: ArrayLike<number>): void;
}
