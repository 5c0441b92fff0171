/**
 * An experiment run's progress for a person, as lines of a log (`dgr experiment` into a file or a pipe, a sweep
 * worker's log): every 10 % of a task and at each task's end, with the time so far and an ETA, so a logged run
 * says when it will end. On a terminal the caller gives a bar that shows the same fields in place of the 10 %
 * lines (cli/reporters/progress.ts); the task-end lines are written either way.
 *
 * A task's work is the solver's iterations plus the generator's, so the bar keeps moving while the generator
 * trains after the solver (without a worker) or finishes after it (with one). The ETA weighs each side by its own
 * measured rate (./eta.ts).
 */
import type { ContinualEvent, Progress } from '../core/continual.ts';
import type { Subscriber } from '../core/events.ts';
import { duration } from '../core/report/markdown.ts';
import { EtaEstimator, type Eta } from './eta.ts';

const fmt = (v: number | null, digits = 3): string => (v === null ? '-' : v.toFixed(digits));
const percents = (xs: number[], digits: number): string => xs.map((a) => (100 * a).toFixed(digits)).join(' ');
/** "23 min 05 s", or "≥ 23 min 05 s" while the generator's share is not known yet. */
const etaText = (eta: Eta | null): string => (eta === null ? '-' : `${eta.lowerBound ? '≥ ' : ''}${duration(eta.seconds)}`);

/** The fields a bar shows beside its ETA (`left`). */
export interface BarFields {
  readonly task: string;
  readonly it: string;
  readonly loss: string;
  readonly gen: string;
  readonly acc: string;
  readonly left: string;
}

/** A bar redrawn in place on a terminal: `value` iterations of work done of `total`. */
export interface ProgressBar {
  start(total: number, value: number, fields: BarFields): void;
  update(value: number, fields: BarFields): void;
  stop(): void;
}

export interface ProgressReporter {
  /** Subscribe this to a run's events. */
  readonly subscriber: Subscriber<ContinualEvent>;
  /** Stops the bar (call on completion and on error, so the terminal is left clean). */
  finish(): void;
}

/** Progress lines labelled `label` on `out`; with `newBar`, a bar made as the run starts shows the progress in
 * their place. */
export function progressLog(label: string, out: NodeJS.WritableStream = process.stderr, newBar?: () => ProgressBar): ProgressReporter {
  let bar: ProgressBar | null = null;
  let lastAccuracy = '-';
  let lastLine = -1;
  let eta: EtaEstimator | null = null;
  const started = performance.now();
  const seconds = (): number => (performance.now() - started) / 1000;
  const perTask = (p: Progress): number => p.iterations + (p.generatorIterations ?? 0);
  const done = (p: Progress): number => p.iteration + (p.generatorIteration ?? 0);
  const fields = (p: Progress) => ({
    task: `${p.task + 1}/${p.tasks}`,
    it: `${p.iteration}/${p.iterations}`,
    loss: fmt(p.solverLoss),
    gen: p.generatorLoss === null ? '-' : `${fmt(p.generatorLoss)}@${p.generatorIteration}`,
    acc: lastAccuracy,
  });
  const say = (line: string): void => {
    if (bar) out.write('\n');
    out.write(`${line}\n`);
  };
  const handlers = {
    start({ stream, config, resumedAt, generatorIterations }: Extract<ContinualEvent, { type: 'start' }>): void {
      if (resumedAt > 0) say(`${label}: resuming from the checkpoint after task ${resumedAt}`);
      const work = config.iterations + (generatorIterations ?? 0);
      eta = new EtaEstimator({
        tasks: stream.taskNames.length,
        iterations: config.iterations,
        generatorIterations: generatorIterations ?? 0,
        concurrent: config.parallel && generatorIterations !== null,
      });
      if (!newBar) return;
      bar = newBar();
      bar.start(stream.taskNames.length * work, resumedAt * work, { task: '-', it: '-', loss: '-', gen: '-', acc: '-', left: '-' });
    },
    progress(p: Progress): void {
      eta?.update({ task: p.task, iteration: p.iteration, generatorIteration: p.generatorIteration ?? 0 }, seconds());
      const left = etaText(eta?.remaining() ?? null);
      if (bar) {
        bar.update(p.task * perTask(p) + done(p), { ...fields(p), left });
        return;
      }
      const key = p.task * 11 + Math.floor((10 * done(p)) / perTask(p));
      if (key === lastLine) return;
      lastLine = key;
      const f = fields(p);
      out.write(`${label}: task ${f.task} it ${f.it} loss ${f.loss} gen ${f.gen} acc ${f.acc} (${duration(seconds())}${left === '-' ? '' : `, ETA ${left}`})\n`);
    },
    curve(point: { accuracies: number[] }): void {
      lastAccuracy = percents(point.accuracies, 0);
    },
    taskEnd({ task, accuracies, replay }: Extract<ContinualEvent, { type: 'task-end' }>): void {
      lastAccuracy = percents(accuracies, 0);
      say(`${label}: after task ${task + 1}, test accuracy per task (%): ${percents(accuracies, 1)}`);
      if (replay) {
        const shares = replay.units.map((unit) => `${unit}:${(100 * replay.labelShare[unit]).toFixed(0)}`).join(' ');
        say(`${label}: replay after task ${task + 1}: solver's labels of ${replay.samples} generated samples (% per class) ${shares}; confidence ${replay.confidence.toFixed(3)}`);
      }
    },
  };
  return {
    subscriber: (event) => {
      if (event.type === 'start') handlers.start(event);
      else if (event.type === 'progress') handlers.progress(event);
      else if (event.type === 'curve') handlers.curve(event);
      else if (event.type === 'task-end') handlers.taskEnd(event);
    },
    finish() {
      bar?.stop();
      bar = null;
    },
  };
}
