/**
 * A short-term learner stopped in the middle of its game (Ctrl-C, control.stop): everything its loop needs to go
 * on exactly as if it had never stopped — both networks, the online network's Adam moments, the replay buffer
 * and its ring position, the exploration and sampling generators, the env's whole state and the loop's
 * counters — and its form in a checkpoint (JSON for the numbers, arrays for the rest).
 */
import * as tf from '@tensorflow/tfjs-core';
import { floatArrays, type CheckpointArray } from '../core/checkpoint.ts';
import type { AdamState } from '../core/nn/adam.ts';
import type { RngState } from '../core/engine/random.ts';
import type { Solver } from '../core/solvers/solver.ts';
import { restoreEnv, snapshotEnv, type EnvSnapshot } from '../env/snapshot.ts';
import type { VectorEnv } from '../env/types.ts';
import type { ReplayBuffer, ReplayBufferState } from './replay-buffer.ts';

/** The loop's counters: frames played, updates made, the last TD loss read, the frame of the next evaluation. */
export interface LearnerCounters {
  readonly frame: number;
  readonly updates: number;
  readonly tdLoss: number | null;
  readonly nextEvaluation: number;
  /** Returns of the newest training episodes (at most TRAINING_RETURN_EPISODES, oldest first). */
  readonly recentReturns: readonly number[];
}

export interface LearnerState extends LearnerCounters {
  /** Wall seconds its game has taken so far, over every process that trained it (set by the phase that saves it:
   *  the loop does not time itself). */
  readonly seconds?: number;
  readonly online: Float32Array[];
  readonly target: Float32Array[];
  readonly adam: AdamState;
  readonly buffer: ReplayBufferState;
  readonly explore: RngState;
  readonly sampling: RngState;
  readonly env: EnvSnapshot;
}

/** What the loop holds (the generators are restored by Rng.fromState where the loop creates them). */
export interface LearnerParts {
  readonly online: Solver;
  readonly target: Solver;
  readonly buffer: ReplayBuffer;
  readonly env: VectorEnv;
}

/** A network's weights as plain arrays, in the order of its variables (checkpoints, the learner cache). */
export const weightsOf = (solver: Solver): Float32Array[] => solver.network.variables().map((v) => new Float32Array(v.dataSync()));

/** Writes weightsOf's arrays back; weights of another network's shapes are an error naming `which`. */
export function setWeights(solver: Solver, weights: readonly Float32Array[], which: string): void {
  const vars = solver.network.variables();
  if (weights.length !== vars.length || weights.some((w, i) => w.length !== vars[i].size)) throw new Error(`learner state: the ${which} network's weights do not match the configured network`);
  vars.forEach((v, i) => tf.tidy(() => v.assign(tf.tensor(weights[i], v.shape))));
}

export function captureLearner(parts: LearnerParts, rngs: { explore: RngState; sampling: RngState }, counters: LearnerCounters): LearnerState {
  return {
    ...counters,
    online: weightsOf(parts.online),
    target: weightsOf(parts.target),
    adam: parts.online.optimizer.state(),
    buffer: parts.buffer.state(),
    ...rngs,
    env: snapshotEnv(parts.env),
  };
}

export function restoreLearner(parts: LearnerParts, state: LearnerState): void {
  setWeights(parts.online, state.online, 'online');
  setWeights(parts.target, state.target, 'target');
  parts.online.optimizer.restore(state.adam);
  parts.buffer.restore(state.buffer);
  restoreEnv(parts.env, state.env);
}

/** The JSON part of a learner state in a checkpoint's progress. */
export interface LearnerProgress extends Omit<LearnerCounters, 'nextEvaluation' | 'recentReturns'> {
  /** null: no evaluation during the game (JSON has no Infinity). */
  readonly nextEvaluation: number | null;
  /** Absent in checkpoints written before training returns were kept. */
  readonly recentReturns?: readonly number[];
  /** Absent in checkpoints written before a learner's seconds were kept across resumes. */
  readonly seconds?: number;
  readonly adamStep: number;
  readonly bufferNext: number;
  readonly bufferSize: number;
  readonly explore: RngState;
  readonly sampling: RngState;
  readonly envScalars: (number | boolean)[];
}

const PREFIX = 'learnerInProgress.';

export function learnerCheckpoint(state: LearnerState): { progress: LearnerProgress; arrays: Record<string, CheckpointArray[]> } {
  const { buffer } = state;
  return {
    progress: {
      frame: state.frame,
      updates: state.updates,
      tdLoss: state.tdLoss,
      nextEvaluation: Number.isFinite(state.nextEvaluation) ? state.nextEvaluation : null,
      recentReturns: state.recentReturns,
      ...(state.seconds !== undefined && { seconds: state.seconds }),
      adamStep: state.adam.step,
      bufferNext: buffer.next,
      bufferSize: buffer.size,
      explore: state.explore,
      sampling: state.sampling,
      envScalars: state.env.scalars,
    },
    arrays: {
      [`${PREFIX}online`]: state.online,
      [`${PREFIX}target`]: state.target,
      [`${PREFIX}adam`]: state.adam.moments,
      [`${PREFIX}buffer`]: [buffer.observations, buffer.nextObservations, buffer.actions, buffer.rewards, buffer.terminals],
      [`${PREFIX}env`]: state.env.arrays,
    },
  };
}

export function learnerFromCheckpoint(progress: LearnerProgress, arrays: Record<string, CheckpointArray[]>, source: string): LearnerState {
  const floats = (name: string): Float32Array[] => {
    const list = floatArrays(arrays, `${PREFIX}${name}`);
    if (!list) throw new Error(`${source}: checkpoint of a learner in progress has no float32 '${PREFIX}${name}' arrays`);
    return list;
  };
  const bytes = (name: string): Uint8Array[] => {
    const list = arrays[`${PREFIX}${name}`];
    if (!list || list.some((a) => !(a instanceof Uint8Array))) throw new Error(`${source}: checkpoint of a learner in progress has no uint8 '${PREFIX}${name}' arrays`);
    return list as Uint8Array[];
  };
  const [observations, nextObservations, actions, rewards, terminals] = arrays[`${PREFIX}buffer`] ?? [];
  if (!(observations instanceof Uint8Array && nextObservations instanceof Uint8Array && actions instanceof Uint8Array && rewards instanceof Float32Array && terminals instanceof Uint8Array)) {
    throw new Error(`${source}: checkpoint of a learner in progress has no replay buffer ('${PREFIX}buffer')`);
  }
  return {
    frame: progress.frame,
    updates: progress.updates,
    tdLoss: progress.tdLoss,
    nextEvaluation: progress.nextEvaluation ?? Infinity,
    recentReturns: progress.recentReturns ?? [],
    seconds: progress.seconds ?? 0,
    online: floats('online'),
    target: floats('target'),
    adam: { step: progress.adamStep, moments: floats('adam') },
    buffer: { observations, nextObservations, actions, rewards, terminals, next: progress.bufferNext, size: progress.bufferSize },
    explore: progress.explore,
    sampling: progress.sampling,
    env: { arrays: bytes('env'), scalars: progress.envScalars },
  };
}
