/**
 * An experiment run's progress as its job carries it (BullMQ job progress, read by `dgr sweep status`): where the
 * run is, the share of its work done, and when it will end by its own measured rates (runner/eta.ts).
 */
import { z } from 'zod';
import type { Subscriber } from '../core/events.ts';
import { duration } from '../core/report/markdown.ts';
import type { ClassificationEvent, Progress } from '../core/run-events.ts';
import { EtaEstimator } from '../runner/eta.ts';
import type { ProgressView } from './kinds/kind.ts';

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

/** How often progress goes to the job at most (a Redis write each time). */
const EVERY_MS = 1000;

/** A subscriber that turns a run's events into job progress, at most once a second, at the end of each side's
 *  iterations and after each task. */
export function jobProgressSubscriber(send: (progress: JobProgress) => void): Subscriber<ClassificationEvent> {
  const started = performance.now();
  let eta: EtaEstimator | null = null;
  let resumedAt = 0;
  let generatorIterations = 0;
  let last = -Infinity;
  let tasksDone = 0;
  let latest: JobProgress | null = null;
  const update = (progress: JobProgress): void => {
    latest = progress;
    send(progress);
  };
  const onStart = ({ stream, config, resumedAt: at, generatorIterations: g }: Extract<ClassificationEvent, { type: 'start' }>): void => {
      resumedAt = at;
      tasksDone = at;
      generatorIterations = g ?? 0;
      eta = new EtaEstimator({
        tasks: stream.taskNames.length,
        iterations: config.iterations,
        generatorIterations,
        concurrent: config.parallel && g !== null,
      });
      update({
        task: at,
        tasks: stream.taskNames.length,
        iteration: 0,
        iterations: config.iterations,
        done: at / stream.taskNames.length,
        resumedAt,
        tasksDone,
        etaSeconds: null,
      });
  };
  const onProgress = (p: Progress): void => {
      const now = performance.now();
      eta?.update({ task: p.task, iteration: p.iteration, generatorIteration: p.generatorIteration ?? 0 }, (now - started) / 1000);
      const finished = p.iteration === p.iterations && (p.generatorIteration ?? 0) === generatorIterations;
      if (now - last < EVERY_MS && !finished) return;
      last = now;
      const perTask = p.iterations + generatorIterations;
      const done = (p.task + (p.iteration + (p.generatorIteration ?? 0)) / perTask) / p.tasks;
      update({
        task: p.task,
        tasks: p.tasks,
        iteration: p.iteration,
        iterations: p.iterations,
        done: Math.min(1, done),
        resumedAt,
        tasksDone,
        etaSeconds: eta?.remaining()?.seconds ?? null,
      });
  };
  return (event) => {
    if (event.type === 'start') onStart(event);
    else if (event.type === 'progress') onProgress(event);
    else if (event.type === 'task-end') {
      tasksDone = event.task + 1;
      if (latest) update({ ...latest, tasksDone });
    }
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
