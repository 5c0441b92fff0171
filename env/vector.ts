/**
 * Pieces every vectorised env shares: the result buffers (one set per env, or shared by the tasks of a
 * schedule so a task change does not move the arrays a trainer holds), action checks, spaces, and the
 * base class for wrappers that add behaviour around a vectorised env without touching the game.
 */
import { CHANNEL_COUNT, GRID, OBSERVATION_SIZE } from './layout.ts';
import {
  ACTIONS,
  type BoxSpace,
  type DiscreteSpace,
  type GameName,
  type MultiDiscreteSpace,
  type VectorEnv,
} from './types.ts';

export interface VectorBuffers {
  readonly numEnvs: number;
  /** observations then finalObservations, back to back in one array, so saving a final frame is one
   *  native copyWithin. */
  readonly frameStore: Uint8Array;
  readonly observations: Uint8Array;
  readonly finalObservations: Uint8Array;
  readonly rewards: Float32Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  readonly scores: Float32Array;
  readonly frames: Int32Array;
  readonly episodeReturns: Float32Array;
  readonly episodeLengths: Int32Array;
}

export function createBuffers(numEnvs: number): VectorBuffers {
  if (!Number.isInteger(numEnvs) || numEnvs < 1) {
    throw new Error(`numEnvs must be a positive integer, got ${numEnvs}`);
  }
  const size = numEnvs * OBSERVATION_SIZE;
  const frameStore = new Uint8Array(2 * size);
  return {
    numEnvs,
    frameStore,
    observations: frameStore.subarray(0, size),
    finalObservations: frameStore.subarray(size),
    rewards: new Float32Array(numEnvs),
    terminated: new Uint8Array(numEnvs),
    truncated: new Uint8Array(numEnvs),
    scores: new Float32Array(numEnvs),
    frames: new Int32Array(numEnvs),
    episodeReturns: new Float32Array(numEnvs),
    episodeLengths: new Int32Array(numEnvs),
  };
}

export const SINGLE_OBSERVATION_SPACE: BoxSpace = Object.freeze({
  kind: 'box',
  shape: Object.freeze([GRID, GRID, CHANNEL_COUNT]),
  dtype: 'uint8',
  low: 0,
  high: 1,
});

export const SINGLE_ACTION_SPACE: DiscreteSpace = Object.freeze({ kind: 'discrete', n: ACTIONS.length });

export function batchObservationSpace(numEnvs: number): BoxSpace {
  return Object.freeze({ ...SINGLE_OBSERVATION_SPACE, shape: Object.freeze([numEnvs, GRID, GRID, CHANNEL_COUNT]) });
}

export function batchActionSpace(numEnvs: number): MultiDiscreteSpace {
  return Object.freeze({ kind: 'multi-discrete', shape: Object.freeze([numEnvs]), n: ACTIONS.length });
}

export function actionError(action: unknown, index?: number): Error {
  const which = index === undefined ? 'action' : `action for copy ${index}`;
  const names = ACTIONS.map((name, i) => `${i} ${name}`).join(', ');
  return new Error(`${which} must be an integer in [0, ${ACTIONS.length - 1}] (${names}), got ${String(action)}`);
}

/** Throws a readable error for a wrong count or any action outside 0..5. */
export function checkActions(actions: ArrayLike<number>, numEnvs: number): void {
  if (actions.length !== numEnvs) throw new Error(`expected ${numEnvs} actions (one per copy), got ${actions.length}`);
  for (let i = 0; i < numEnvs; i++) {
    const a = actions[i];
    if (!(a >= 0 && a < ACTIONS.length && Math.floor(a) === a)) throw actionError(a, i);
  }
}

/** Copies copy `index`'s observation to its final-observation slot. */
export function saveFinalObservation(buffers: VectorBuffers, index: number): void {
  const start = index * OBSERVATION_SIZE;
  buffers.frameStore.copyWithin(buffers.observations.length + start, start, start + OBSERVATION_SIZE);
}

/** A wrapper forwards everything to the env it wraps; subclasses override the calls they change. */
export abstract class VectorWrapper implements VectorEnv {
  readonly numEnvs: number;
  readonly game: GameName;
  readonly taskName: string;
  readonly singleObservationSpace: BoxSpace;
  readonly observationSpace: BoxSpace;
  readonly singleActionSpace: DiscreteSpace;
  readonly actionSpace: MultiDiscreteSpace;
  readonly observations: Uint8Array;
  readonly finalObservations: Uint8Array;
  readonly rewards: Float32Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  readonly scores: Float32Array;
  readonly frames: Int32Array;
  readonly episodeReturns: Float32Array;
  readonly episodeLengths: Int32Array;

  constructor(protected readonly inner: VectorEnv) {
    this.numEnvs = inner.numEnvs;
    this.game = inner.game;
    this.taskName = inner.taskName;
    this.singleObservationSpace = inner.singleObservationSpace;
    this.observationSpace = inner.observationSpace;
    this.singleActionSpace = inner.singleActionSpace;
    this.actionSpace = inner.actionSpace;
    this.observations = inner.observations;
    this.finalObservations = inner.finalObservations;
    this.rewards = inner.rewards;
    this.terminated = inner.terminated;
    this.truncated = inner.truncated;
    this.scores = inner.scores;
    this.frames = inner.frames;
    this.episodeReturns = inner.episodeReturns;
    this.episodeLengths = inner.episodeLengths;
  }

  reset(seed?: number): void {
    this.inner.reset(seed);
  }

  resetCopy(index: number, seed?: number): void {
    this.inner.resetCopy(index, seed);
  }

  step(actions: ArrayLike<number>): void {
    this.inner.step(actions);
  }
}
