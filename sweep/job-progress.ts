/**
 * A run's progress as its job carries it (BullMQ job progress, read by `dgr sweep status`), for both kinds of run:
 * one subscriber turns the run's events into the job's progress at most once a second, and each kind says what
 * its progress holds and how a status line reads it. An experiment's: its task and iterations, the share of its
 * work done and an ETA by its own measured rates (runner/eta.ts). An RL run's: its game and phase, frames done of
 * the schedule's, and the run's own estimate (on one thread agent/learner-phase.ts measures it while a learner
 * plays; in threads agent/threads-eta.ts, from every thread's reports); between estimates the last counts down.
 */
import { z } from 'zod';
import type { Subscriber } from '../core/events.ts';
import { duration } from '../core/report/markdown.ts';
import { EtaEstimator } from '../runner/eta.ts';
import type { AnyRunEvent } from '../runner/watchers.ts';
import type { ProgressView } from './kinds/kind.ts';

/** How often progress goes to the job at most (a Redis write each time). */
const EVERY_MS = 1000;

type Event<T extends AnyRunEvent['type']> = Extract<AnyRunEvent, { type: T }>;

/** How one kind's run events become its job progress; made anew for each run (it keeps what it measures). */
export interface ProgressReading<P> {
  /** The progress as the run starts; null for a run of another kind. */
  start(e: Event<'start'>): P | null;
  /** The progress after a progress event (from the last sent), and whether it goes out within the second. */
  progress(e: Event<'progress'>, latest: P): { readonly next: P; readonly urgent: boolean } | null;
  /** The progress after a task's end, when it changes it. */
  taskEnd(e: Event<'task-end'>, latest: P): P | null;
}

/** A subscriber that turns a run's events into job progress, by the kind's reading: at its start, at most once a
 *  second while it runs (and when the reading says it cannot wait), and after a task's end that changes it; each
 *  send holds every report read since the last. */
export function jobProgressSubscriber<P>(reading: ProgressReading<P>, send: (progress: P) => void): Subscriber<AnyRunEvent> {
  let latest: P | null = null;
  let last = -Infinity;
  const update = (progress: P | null): void => {
    if (progress === null) return;
    latest = progress;
    send(progress);
  };
  return (event) => {
    if (event.type === 'start') return update(reading.start(event));
    if (latest === null) return;
    if (event.type === 'task-end') return update(reading.taskEnd(event, latest));
    if (event.type !== 'progress') return;
    const read = reading.progress(event, latest);
    if (read === null) return;
    // Every report counts toward the next one sent: a thread's report left out between two sends was lost from the
    // progress (a run's learner thread stood at "learn" after it had said it was done).
    latest = read.next;
    const now = performance.now();
    if (now - last < EVERY_MS && !read.urgent) return;
    last = now;
    update(read.next);
  };
}

// ---------------------------------------------------------------------------------------------------------------
// experiments

export const jobProgressSchema = z.object({
  task: z.number().int().nonnegative(),
  tasks: z.number().int().positive(),
  iteration: z.number().int().nonnegative(),
  iterations: z.number().int().positive(),
  /** Share of the run's work done, 0 to 1 (a task's work: its solver and generator iterations). */
  done: z.number().min(0).max(1),
  /** Tasks the run resumed after (its checkpoint), 0 when it started from scratch. */
  resumedAt: z.number().int().nonnegative(),
  /** Tasks finished and checkpointed. */
  tasksDone: z.number().int().nonnegative(),
  /** Seconds left by the measured rates; null until enough has been timed. */
  etaSeconds: z.number().nonnegative().nullable(),
});
export type JobProgress = z.infer<typeof jobProgressSchema>;

/** An experiment's progress: a side's last iteration of a task is always sent (the share done reaches the task's end). */
export function experimentProgress(): ProgressReading<JobProgress> {
  const started = performance.now();
  let eta: EtaEstimator | null = null;
  let generatorIterations = 0;
  return {
    start(e) {
      if (e.kind !== 'classification') return null;
      const { config, resumedAt } = e;
      generatorIterations = e.generatorIterations ?? 0;
      eta = new EtaEstimator({ tasks: e.tasks.length, iterations: config.iterations, generatorIterations, concurrent: config.parallel && e.generatorIterations !== null });
      return { task: resumedAt, tasks: e.tasks.length, iteration: 0, iterations: config.iterations, done: resumedAt / e.tasks.length, resumedAt, tasksDone: resumedAt, etaSeconds: null };
    },
    progress(p, latest) {
      if (p.kind !== 'classification') return null;
      eta?.update({ task: p.task, iteration: p.iteration, generatorIteration: p.generatorIteration ?? 0 }, (performance.now() - started) / 1000);
      const urgent = p.iteration === p.iterations && (p.generatorIteration ?? 0) === generatorIterations;
      const done = (p.task + (p.iteration + (p.generatorIteration ?? 0)) / (p.iterations + generatorIterations)) / p.tasks;
      const next = { ...latest, task: p.task, tasks: p.tasks, iteration: p.iteration, iterations: p.iterations, done: Math.min(1, done), etaSeconds: eta?.remaining()?.seconds ?? null };
      return { next, urgent };
    },
    taskEnd: (e, latest) => ({ ...latest, tasksDone: e.task + 1 }),
  };
}

export const jobProgressView: ProgressView<JobProgress> = {
  schema: jobProgressSchema,
  running: (p) => {
    const parts = [`task ${p.task + 1}/${p.tasks} it ${p.iteration}/${p.iterations}`, `${(100 * p.done).toFixed(0)} %`];
    if (p.etaSeconds !== null) parts.push(`ETA ${duration(p.etaSeconds)}`);
    if (p.resumedAt > 0) parts.push(`resumed after task ${p.resumedAt}`);
    return { parts, etaSeconds: p.etaSeconds, share: 1 - p.resumedAt / p.tasks };
  },
  reached: (p) => `${p.tasksDone} of ${p.tasks} tasks`,
};

// ---------------------------------------------------------------------------------------------------------------
// RL runs

/** Where an RL run (or one of its threads) stands in a game, and in a consolidation its steps (agent/events.ts). */
const rlPhase = z.enum(['learn', 'wait', 'consolidate', 'evaluate', 'done']);
const rlSteps = z.object({ of: z.enum(['generator', 'scholar']), done: z.number().int().nonnegative(), total: z.number().int().positive() });

export const rlJobProgressSchema = z.object({
  /** The game under way (0-based) and its name. */
  game: z.number().int().nonnegative(),
  name: z.string(),
  games: z.number().int().positive(),
  phase: rlPhase,
  steps: rlSteps.optional(),
  /** Frames of the whole run done, and the schedule's. */
  frame: z.number().int().nonnegative(),
  totalFrames: z.number().int().positive(),
  /** Frames the run resumed at (its checkpoint), 0 when it started from scratch. */
  resumedAtFrame: z.number().int().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
  /** A run whose arms compute in threads: where each thread is ('learners', then each arm, as they first report). */
  parts: z.array(z.object({ part: z.string(), game: z.number().int().nonnegative(), phase: rlPhase, steps: rlSteps.optional() })).optional(),
});
export type RlJobProgress = z.infer<typeof rlJobProgressSchema>;

const kilo = (n: number): string => (n >= 10_000 ? `${(n / 1000).toFixed(0)}k` : String(n));

/** A consolidation's steps in words (' scholar 3650/15000'), or nothing outside one. */
const stepsOf = (steps: z.infer<typeof rlSteps> | undefined): string => (steps ? ` ${steps.of} ${steps.done}/${steps.total}` : '');

/** An RL run's progress: its last estimate of the time left counts down while no new one comes. */
export function rlProgress(): ProgressReading<RlJobProgress> {
  let games: readonly string[] = [];
  let eta: { seconds: number; at: number } | null = null;
  return {
    start(e) {
      if (e.kind !== 'rl') return null;
      games = e.tasks;
      // Where the run resumed: the game whose frames the checkpoint had not yet finished (or the last one).
      let game = 0;
      for (let before = e.frames[0]; game < games.length - 1 && before <= e.resumedAtFrame; before += e.frames[game]) game++;
      const totalFrames = e.frames.reduce((a, b) => a + b, 0);
      return { game, name: games[game], games: games.length, phase: 'learn', frame: e.resumedAtFrame, totalFrames, resumedAtFrame: e.resumedAtFrame, etaSeconds: null };
    },
    progress(e, latest) {
      if (e.kind !== 'rl') return null;
      const now = performance.now();
      if (e.etaSeconds !== null) eta = { seconds: e.etaSeconds, at: now };
      const etaSeconds = eta === null ? null : Math.max(0, eta.seconds - (now - eta.at) / 1000);
      const next = { ...latest, game: e.task, name: games[e.task], phase: e.phase, steps: e.steps, frame: e.frame, etaSeconds };
      if (e.part === undefined) return { next, urgent: false };
      // Threads report in turn: each keeps its own place, and the run's frame is the furthest any has reached.
      const here = { part: e.part, game: e.task, phase: e.phase, ...(e.steps && { steps: e.steps }) };
      const parts = latest.parts?.some((p) => p.part === e.part) ? latest.parts.map((p) => (p.part === e.part ? here : p)) : [...(latest.parts ?? []), here];
      return { next: { ...next, frame: Math.max(latest.frame, e.frame), parts }, urgent: false };
    },
    taskEnd: () => null,
  };
}

export const rlJobProgressView: ProgressView<RlJobProgress> = {
  schema: rlJobProgressSchema,
  running: (p) => {
    const where = p.parts ? p.parts.map((t) => `${t.part} game ${t.game + 1}/${p.games} ${t.phase}${stepsOf(t.steps)}`).join(', ') : `game ${p.game + 1}/${p.games} ${p.name} ${p.phase}${stepsOf(p.steps)}`;
    const parts = [where, `frame ${kilo(p.frame)}/${kilo(p.totalFrames)}`];
    if (p.etaSeconds !== null) parts.push(`ETA ${duration(p.etaSeconds)}`);
    if (p.resumedAtFrame > 0) parts.push(`resumed at frame ${kilo(p.resumedAtFrame)}`);
    return { parts, etaSeconds: p.etaSeconds, share: 1 - p.resumedAtFrame / p.totalFrames };
  },
  // Its checkpoints are at phase ends: the retry resumes from the last one at or before this.
  reached: (p) => `frame ${kilo(p.frame)} of ${kilo(p.totalFrames)} (game ${p.game + 1}/${p.games} ${p.name}, ${p.phase})`,
};
