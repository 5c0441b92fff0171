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
  VectorArrays,
  type VectorEnv,
} from './types.ts';

/** The arrays a game writes (one set per env, or one set the tasks of a schedule share). observations and
 *  finalObservations lie back to back in `frameStore`, so saving a final frame is one native copyWithin. */
export interface VectorBuffers extends VectorArrays {
  readonly frameStore: Uint8Array;
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

/**
 * A wrapper forwards everything to the env it wraps and holds its result arrays; subclasses override the
 * calls they change.
 */
export abstract class VectorWrapper extends VectorArrays implements VectorEnv {
  /** The env calls go to. Its arrays must be this wrapper's arrays (see ScheduledVectorEnv, which swaps it). */
  protected inner: VectorEnv;

  constructor(inner: VectorEnv) {
    super(inner);
    this.inner = inner;
  }

  get game(): GameName {
    return this.inner.game;
  }

  get taskName(): string {
    return this.inner.taskName;
  }

  get singleObservationSpace(): BoxSpace {
    return this.inner.singleObservationSpace;
  }

  get observationSpace(): BoxSpace {
    return this.inner.observationSpace;
  }

  get singleActionSpace(): DiscreteSpace {
    return this.inner.singleActionSpace;
  }

  get actionSpace(): MultiDiscreteSpace {
    return this.inner.actionSpace;
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
