/**
 * What a sweep needs to know about one kind of run: how its job's data is checked when a worker takes it, what
 * identifies it (hashed into the job id), where its folder goes in the store, how it runs, and what its result
 * (the job's return value) says in one line. Each kind is one file beside this one and one entry in ./index.ts.
 */
import type { z } from 'zod';
import type { Subscriber } from '../../core/events.ts';
import type { ContinualEvent } from '../../core/run-events.ts';
import type { BackendName } from '../../core/engine/backend-names.ts';

export interface RunContext {
  readonly backend: BackendName;
  /** The run's folder in the store: its checkpoint lives here, so a retry on another worker resumes from it. */
  readonly folder: string;
  /** How the run came to be, for its report. */
  readonly command: string;
  /** Labels the run's progress lines in the worker's log. */
  readonly label: string;
  /** Watches the run's events for the job's progress. */
  readonly subscriber: Subscriber<ContinualEvent>;
  /** True once the worker is shutting down: the run stops after its current task's checkpoint. */
  readonly shouldStop: () => boolean;
}

/** What a job is, in words: its status line and the readable part of its id. */
export interface JobWords {
  /** e.g. the experiment. */
  readonly what: string;
  /** e.g. scenario and arm. */
  readonly variant: readonly string[];
  readonly seed: number;
}

export interface JobKind<Payload, Result> {
  /** Checks a job's data when a worker takes it (the queue is a boundary: anyone may have added to it). */
  readonly payload: z.ZodType<Payload>;
  /** Checks a finished job's return value when it is read back (status, report). */
  readonly result: z.ZodType<Result>;
  /** What makes two jobs the same run; where the run computes (e.g. a generator thread) is left out. */
  identity(payload: Payload): unknown;
  words(payload: Payload): JobWords;
  /** The run's folder under the store, as path segments; `hash` tells runs of different settings apart. */
  folder(payload: Payload, hash: string): string[];
  /** Runs the job; 'stopped' when `shouldStop` ended it before its last task (its checkpoint is kept). */
  run(payload: Payload, context: RunContext): Promise<Result | 'stopped'>;
  /** A finished run in a few words for logs and status lines, e.g. "ACC 23.68 %". */
  summary(result: Result): string;
  /** The run's compute time in seconds (across resumptions), for the sweep's ETA. */
  seconds(result: Result): number;
}
