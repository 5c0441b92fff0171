/**
 * A run's progress for a person: a bar with ETA, task, iteration, losses and the latest accuracy on a terminal;
 * plain lines (every 10 % of a task, and at each task's end, with the time so far and an ETA) when the output is
 * a file or a pipe, so a run logged to a file says when it will end.
 *
 * A task's work is the solver's iterations plus the generator's, so the bar keeps moving while the generator
 * trains after the solver (without a worker) or finishes after it (with one). The ETA weighs each side by its own
 * measured rate (./eta.ts).
 */
import { SingleBar } from 'cli-progress';
import type { ContinualEvent, Progress } from '../../core/continual.ts';
import { EventStream, type Subscriber } from '../../core/events.ts';
import { duration } from '../../core/report/markdown.ts';
import { EtaEstimator, type Eta } from './eta.ts';

const fmt = (v: number | null, digits = 3): string => (v === null ? '-' : v.toFixed(digits));
const percents = (xs: number[], digits: number): string => xs.map((a) => (100 * a).toFixed(digits)).join(' ');
/** "23 min 05 s", or "≥ 23 min 05 s" while the generator's share is not known yet. */
const etaText = (eta: Eta | null): string => (eta === null ? '-' : `${eta.lowerBound ? '≥ ' : ''}${duration(eta.seconds)}`);

export interface ProgressReporter {
  /** Subscribe this to a run's events. */
  readonly subscriber: Subscriber<ContinualEvent>;
  /** Stops the bar (call on completion and on error, so the terminal is left clean). */
  finish(): void;
}

export function progressReporter(label: string, out: NodeJS.WriteStream = process.stderr): ProgressReporter {
  let bar: SingleBar | null = null;
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
      if (!out.isTTY) return;
      bar = new SingleBar({
        format: `${label} [{bar}] {percentage}% ETA {left} | task {task} it {it} | loss {loss} | gen {gen} | acc {acc}`,
        stream: out,
        hideCursor: true,
        barsize: 24,
      });
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

/** Runs `work` with a fresh event stream that a progress reporter labelled `label` watches; the bar is stopped
 * however the work ends. */
export async function withProgress<T>(label: string, work: (events: EventStream<ContinualEvent>) => Promise<T>): Promise<T> {
  const reporter = progressReporter(label);
  const events = new EventStream<ContinualEvent>();
  events.subscribe(reporter.subscriber);
  try {
    return await work(events);
  } finally {
    reporter.finish();
  }
}
