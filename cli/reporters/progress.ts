/**
 * A run's progress for a person: a bar with ETA, task, iteration, losses and the latest accuracy on a terminal;
 * plain lines (every 10 % of a task, and at each task's end, with the time so far and an ETA) when the output is
 * a file or a pipe, so a run logged to a file says when it will end.
 *
 * A task's work is the solver's iterations plus the generator's, so the bar keeps moving while the generator
 * trains after the solver (without a worker) or finishes after it (with one).
 */
import { SingleBar } from 'cli-progress';
import type { Progress, RunObserver } from '../../core/continual.ts';
import { duration } from '../../core/report/markdown.ts';

const fmt = (v: number | null, digits = 3): string => (v === null ? '-' : v.toFixed(digits));
const percents = (xs: number[], digits: number): string => xs.map((a) => (100 * a).toFixed(digits)).join(' ');

export interface ProgressReporter extends RunObserver {
  /** Stops the bar (call on completion and on error, so the terminal is left clean). */
  finish(): void;
}

export function progressReporter(label: string, out: NodeJS.WriteStream = process.stderr): ProgressReporter {
  let bar: SingleBar | null = null;
  let lastAccuracy = '-';
  let lastLine = -1;
  // The run's whole work and where this process took it up (a resumed run counts only what it does itself).
  let total = 0;
  let startedAt = 0;
  const started = performance.now();
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
  return {
    onStart({ stream, config, resumedAt, generatorIterations }) {
      if (resumedAt > 0) say(`${label}: resuming from the checkpoint after task ${resumedAt}`);
      const work = config.iterations + (generatorIterations ?? 0);
      total = stream.tasks.length * work;
      startedAt = resumedAt * work;
      if (!out.isTTY) return;
      bar = new SingleBar({
        format: `${label} [{bar}] {percentage}% ETA {eta_formatted} | task {task} it {it} | loss {loss} | gen {gen} | acc {acc}`,
        stream: out,
        hideCursor: true,
        etaBuffer: 100,
        barsize: 24,
      });
      bar.start(total, startedAt, {
        task: '-',
        it: '-',
        loss: '-',
        gen: '-',
        acc: '-',
      });
    },
    onProgress(p) {
      if (bar) {
        bar.update(p.task * perTask(p) + done(p), fields(p));
        return;
      }
      const key = p.task * 11 + Math.floor((10 * done(p)) / perTask(p));
      if (key === lastLine) return;
      lastLine = key;
      const f = fields(p);
      const seconds = (performance.now() - started) / 1000;
      const doneHere = p.task * perTask(p) + done(p) - startedAt;
      // Every iteration counts the same, solver's or generator's: a rough ETA that settles after the first task.
      // None before a tenth of a task is done: the first steps include start-up and say nothing of the rate.
      const eta = doneHere >= perTask(p) / 10 ? `, ETA ${duration((seconds * (total - startedAt - doneHere)) / doneHere)}` : '';
      out.write(`${label}: task ${f.task} it ${f.it} loss ${f.loss} gen ${f.gen} acc ${f.acc} (${duration(seconds)}${eta})\n`);
    },
    onCurve(point) {
      lastAccuracy = percents(point.accuracies, 0);
    },
    onTaskEnd({ task, accuracies, replay }) {
      lastAccuracy = percents(accuracies, 0);
      say(`${label}: after task ${task + 1}, test accuracy per task (%): ${percents(accuracies, 1)}`);
      if (replay) {
        const shares = replay.units.map((unit) => `${unit}:${(100 * replay.labelShare[unit]).toFixed(0)}`).join(' ');
        say(`${label}: replay after task ${task + 1}: solver's labels of ${replay.samples} generated samples (% per class) ${shares}; confidence ${replay.confidence.toFixed(3)}`);
      }
    },
    finish() {
      bar?.stop();
      bar = null;
    },
  };
}
