/**
 * Episode recordings. An episode is fully determined by (task, seed, actions), so a recording stores just
 * those, plus the outcome and a hash of the whole trajectory (every observation, reward and end flag), which
 * replaying must reproduce exactly. Actions are a string of digits 0–5, one per step.
 */
import { z } from 'zod';
import type { Policy } from './policies/policy.ts';
import { checkSeed } from './rng.ts';
import { makeEnv } from './single.ts';
import { resolveTask, TaskSchema, type Task } from './task.ts';
import type { StepResult } from './types.ts';
import { parseOrThrow } from './validation.ts';

export const RECORDING_FORMAT = 'dgr-env-episode';

export const RecordingSchema = z.strictObject({
  format: z.literal(RECORDING_FORMAT),
  version: z.literal(1),
  task: TaskSchema,
  seed: z.int().min(0).max(0xffffffff),
  actions: z.string().regex(/^[0-5]+$/, 'must be a non-empty string of action digits 0–5, one per step'),
  return: z.number(),
  terminated: z.boolean(),
  truncated: z.boolean(),
  trajectoryHash: z.string().regex(/^[0-9a-f]{16}$/, 'must be 16 lowercase hex digits'),
});

export type Recording = z.output<typeof RecordingSchema>;

/** FNV-1a over the trajectory's bytes, twice with different offsets for 64 bits of hash. */
export class TrajectoryHash {
  private a = 0x811c9dc5;
  private b = 0x6c62272e;

  private byte(v: number): void {
    this.a = Math.imul(this.a ^ v, 0x01000193) >>> 0;
    this.b = Math.imul(this.b ^ v, 0x01000193) >>> 0;
  }

  observation(obs: Uint8Array): void {
    for (let k = 0; k < obs.length; k++) this.byte(obs[k]);
  }

  step(action: number, result: StepResult): void {
    this.byte(action);
    this.observation(result.observation);
    const bits = new Uint8Array(new Float32Array([result.reward]).buffer);
    for (let k = 0; k < bits.length; k++) this.byte(bits[k]);
    this.byte((result.terminated ? 1 : 0) | (result.truncated ? 2 : 0));
  }

  hex(): string {
    return this.a.toString(16).padStart(8, '0') + this.b.toString(16).padStart(8, '0');
  }
}

/** Plays one episode of `task` from `seed` with `policy` and records it. */
export function recordEpisode(task: Task, seed: number, policy: Policy): Recording {
  checkSeed(seed);
  const env = makeEnv(task);
  const hash = new TrajectoryHash();
  policy.reset(seed);
  let { observation } = env.reset(seed);
  hash.observation(observation);
  const actions: number[] = [];
  for (;;) {
    const action = policy.act(observation);
    const result = env.step(action);
    actions.push(action);
    hash.step(action, result);
    observation = result.observation;
    if (result.terminated || result.truncated) {
      return {
        format: RECORDING_FORMAT,
        version: 1,
        task,
        seed,
        actions: actions.join(''),
        return: result.info.score,
        terminated: result.terminated,
        truncated: result.truncated,
        trajectoryHash: hash.hex(),
      };
    }
  }
}

export interface Replay {
  readonly steps: number;
  readonly return: number;
  readonly trajectoryHash: string;
  /** Whether the replay reproduced the recorded hash, return and ending. */
  readonly matches: boolean;
}

/** Sees each frame of a replay, the first (after reset) included, with the score so far. */
export type FrameSink = (observation: Uint8Array, score: number) => void;

/** Replays a recording's actions from its task and seed. Throws if the episode ends early or never ends. */
export function replayEpisode(recording: Recording, onFrame?: FrameSink): Replay {
  const env = makeEnv(recording.task);
  const hash = new TrajectoryHash();
  const first = env.reset(recording.seed);
  hash.observation(first.observation);
  onFrame?.(first.observation, first.info.score);
  const { actions } = recording;
  let result: StepResult | undefined;
  for (let t = 0; t < actions.length; t++) {
    if (result !== undefined && (result.terminated || result.truncated)) {
      throw new Error(
        `replay diverged: the episode ended after ${t} of the recording's ${actions.length} actions`,
      );
    }
    const action = actions.charCodeAt(t) - 48;
    result = env.step(action);
    hash.step(action, result);
    onFrame?.(result.observation, result.info.score);
  }
  if (result === undefined || !(result.terminated || result.truncated)) {
    throw new Error(
      `replay diverged: the episode did not end after the recording's ${actions.length} actions`,
    );
  }
  const trajectoryHash = hash.hex();
  return {
    steps: actions.length,
    return: result.info.score,
    trajectoryHash,
    matches:
      trajectoryHash === recording.trajectoryHash &&
      result.info.score === recording.return &&
      result.terminated === recording.terminated &&
      result.truncated === recording.truncated,
  };
}

/** Validates a recording read from JSON text, with errors that name the file it came from (`source`, when it
 * came from one: a truncated file is told apart from its neighbours) and the field (`recording.seed: ...`). */
export function parseRecording(text: string, source?: string): Recording {
  const what = source === undefined ? 'recording' : `recording '${source}'`;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${what} is not valid JSON (truncated or not a recording?): ${(error as Error).message}`);
  }
  const recording = parseOrThrow(RecordingSchema, json, what, 'recording');
  // Fill the name the same way tasks given by name get one, and re-check the task as a whole.
  return { ...recording, task: resolveTask(recording.task, 'recording.task') };
}
