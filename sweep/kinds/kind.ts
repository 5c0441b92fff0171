/**
 * What a sweep needs to know about one kind of run: how its job's data is checked when a worker takes it, what
 * identifies it (hashed into the job id), where its folder goes in the store, how it runs, how its progress reads
 * in `dgr sweep status`, and what its result (the job's return value) says in one line. Each kind is one file
 * beside this one and one entry in ./index.ts.
 */
import type { z } from 'zod';
import type { BackendName } from '../../core/engine/backend-names.ts';
import { progressLog } from '../../runner/progress-log.ts';
import type { SeedRunOptions } from '../../runner/seed-folders.ts';
import { noticeLog, type AnyRunEvent } from '../../runner/watchers.ts';
import { jobProgressSubscriber, type ProgressReading } from '../job-progress.ts';

export interface RunContext<Progress> {
  readonly backend: BackendName;
  /** The run's folder in the store: its checkpoint lives here, so a retry on another worker resumes from it. */
  readonly folder: string;
  /** The store every worker shares (e.g. for caches that outlive one run). */
  readonly store: string;
  /** How the run came to be, for its report. */
  readonly command: string;
  /** Labels the run's progress lines in the worker's log. */
  readonly label: string;
  /** Records the run's progress on its job (a Redis write: the kind sends it about once a second at most). */
  readonly progress: (progress: Progress) => void;
  /** True once the worker is shutting down: the run stops, keeping its last checkpoint. */
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

/** A running run's progress in a status line, and what it says about when the run will end. */
export interface ProgressLine {
  /** e.g. ["task 2/5 it 10/20", "40 %", "ETA 3 min", "resumed after task 1"] */
  readonly parts: readonly string[];
  /** Seconds left by the run's measured rates; null until measured. */
  readonly etaSeconds: number | null;
  /** The share of the whole run this attempt covers (1 for a run started from scratch). */
  readonly share: number;
}

/** How `dgr sweep status` reads a kind's job progress. */
export interface ProgressView<Progress> {
  readonly schema: z.ZodType<Progress>;
  running(progress: Progress): ProgressLine;
  /** How far a run back in the queue got by its checkpoints, e.g. "2 of 5 tasks". */
  reached(progress: Progress): string;
}

export interface JobKind<Payload, Result, Progress = unknown> {
  /** Checks a job's data when a worker takes it (the queue is a boundary: anyone may have added to it). */
  readonly payload: z.ZodType<Payload>;
  /** Checks a finished job's return value when it is read back (status, report). */
  readonly result: z.ZodType<Result>;
  /** What makes two jobs the same run; where the run computes (e.g. a generator thread) is left out. */
  identity(payload: Payload): unknown;
  words(payload: Payload): JobWords;
  /** The run's folder under the store, as path segments; `hash` tells runs of different settings apart. */
  folder(payload: Payload, hash: string): string[];
  /** Runs the job; 'stopped' when `shouldStop` ended it before its end (its last checkpoint is kept). */
  run(payload: Payload, context: RunContext<Progress>): Promise<Result | 'stopped'>;
  readonly progress: ProgressView<Progress>;
  /** A finished run in a few words for logs and status lines, e.g. "ACC 23.68 %". */
  summary(result: Result): string;
  /** The run's compute time in seconds (across resumptions), for the sweep's ETA. */
  seconds(result: Result): number;
}

/**
 * How a job runs its one seed into its folder, as the command would run it: the worker's log gets the run's
 * progress lines (but a seed read back only to join the result's) and notices, the queue the job's progress.
 */
export function seedJobOptions<Progress>(context: RunContext<Progress>, reading: ProgressReading<Progress>): SeedRunOptions<AnyRunEvent> {
  const job = { subscriber: jobProgressSubscriber(reading, context.progress) };
  return {
    watch: ({ label, joining }) => (joining ? [job] : [progressLog(label), job]),
    notice: noticeLog(),
    shouldStop: context.shouldStop,
    label: context.label,
    // The queue gives this run to one worker at a time: a lock a lost worker left in its folder is stale, or, held
    // by a live process here, soon released (runner/seed-folders.ts).
    takeOverLocks: true,
  };
}
