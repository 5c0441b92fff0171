/**
 * A task schedule: a sequence of tasks, each run for a number of environment steps, e.g. five games one
 * after another, or Breakout then mirrored Breakout then Breakout again. Schedules are JSON data:
 *
 *   { "name": "two-games", "tasks": [ { "task": "breakout", "steps": 500000 },
 *                                     { "task": { "game": "freeway", "settings": { "trafficSpeed": 2 } }, "steps": 500000 } ] }
 *
 * ScheduledVectorEnv plays a schedule as one vectorised env whose arrays never move, so a trainer holding
 * `observations` keeps working across task changes. Steps count environment steps summed over copies
 * (one call of step() with N copies is N steps). The task changes after the first step() call that reaches
 * its cumulative end; at that moment every copy's running episode is cut off (truncated, its last frame in
 * finalObservations) and the observations hold the first frames of the next task.
 */
import { z } from 'zod';
import { checkSeed } from './rng.ts';
import { createVectorEnv, resolveTask, TaskRefSchema, type Task } from './task.ts';
import type { VectorEnv } from './types.ts';
import { parseOrThrow } from './validation.ts';
import { createBuffers, saveFinalObservation, type VectorBuffers, VectorWrapper } from './vector.ts';

export const ScheduleSchema = z.strictObject({
  name: z.string().min(1).optional(),
  tasks: z
    .array(
      z.strictObject({
        task: TaskRefSchema,
        steps: z.int().min(1).max(Number.MAX_SAFE_INTEGER),
      }),
    )
    .min(1, 'a schedule needs at least one task'),
});

export interface ScheduledTask {
  readonly task: Task;
  readonly steps: number;
  /** Cumulative steps at which this task starts and ends. */
  readonly start: number;
  readonly end: number;
}

export interface Schedule {
  readonly name: string;
  readonly tasks: readonly ScheduledTask[];
  readonly totalSteps: number;
}

/** Validates schedule JSON; errors name the field, e.g. `schedule.tasks[1].steps: Too small: ...`. */
export function parseSchedule(value: unknown): Schedule {
  const raw = parseOrThrow(ScheduleSchema, value, 'schedule', 'schedule');
  let start = 0;
  const tasks = raw.tasks.map((entry, k) => {
    const task = resolveTask(entry.task, `schedule.tasks[${k}].task`);
    const scheduled = { task, steps: entry.steps, start, end: start + entry.steps };
    start += entry.steps;
    return scheduled;
  });
  return { name: raw.name ?? tasks.map((t) => t.task.name).join(' → '), tasks, totalSteps: start };
}

/** A seed for task k of a schedule started with `seed`, so each task gets its own episodes. */
function taskSeed(seed: number, k: number): number {
  return k === 0 ? seed : (seed ^ Math.imul(k, 0x9e3779b1)) >>> 0;
}

/** A wrapper around the task being played; every task's env writes into the one set of arrays it holds. */
export class ScheduledVectorEnv extends VectorWrapper {
  private readonly buffers: VectorBuffers;
  private readonly envs: readonly VectorEnv[];
  private index = 0;
  private seed = 0;
  /** Environment steps taken since reset (summed over copies). */
  stepsDone = 0;

  constructor(
    readonly schedule: Schedule,
    numEnvs: number,
  ) {
    const buffers = createBuffers(numEnvs);
    const envs = schedule.tasks.map((t) => createVectorEnv(t.task, numEnvs, buffers));
    super(envs[0]);
    this.buffers = buffers;
    this.envs = envs;
  }

  /** Position in the schedule of the task being played. */
  get taskIndex(): number {
    return this.index;
  }

  get task(): Task {
    return this.schedule.tasks[this.index].task;
  }

  /** Whether every task has had its steps; step() then refuses. */
  get finished(): boolean {
    return this.stepsDone >= this.schedule.totalSteps;
  }

  /** Restarts the schedule from its first task (copy i of task k seeded from seed, k and i). */
  override reset(seed?: number): void {
    if (seed !== undefined) this.seed = checkSeed(seed);
    this.play(0);
    this.stepsDone = 0;
    this.inner.reset(this.seed);
  }

  override step(actions: ArrayLike<number>): void {
    if (this.finished) {
      throw new Error(`the schedule '${this.schedule.name}' is finished (${this.schedule.totalSteps} steps); reset() to start it again`);
    }
    this.inner.step(actions);
    this.stepsDone += this.numEnvs;
    if (this.index + 1 < this.envs.length && this.stepsDone >= this.schedule.tasks[this.index].end) this.advanceTask();
  }

  /** After env/snapshot.ts has restored its fields (the task index among them): play that task again. */
  playRestoredTask(): void {
    this.play(this.index);
  }

  private play(k: number): void {
    this.index = k;
    this.inner = this.envs[k];
  }

  private advanceTask(): void {
    for (let i = 0; i < this.numEnvs; i++) {
      if (this.terminated[i] !== 0 || this.truncated[i] !== 0) continue;
      saveFinalObservation(this.buffers, i);
      this.truncated[i] = 1;
      this.episodeReturns[i] = this.scores[i];
      this.episodeLengths[i] = this.frames[i];
    }
    this.play(this.index + 1);
    this.inner.reset(taskSeed(this.seed, this.index));
  }
}
