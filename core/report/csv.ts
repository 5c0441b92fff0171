/**
 * The curves as CSV, one row per evaluation: `seed,task,iteration,step,point,acc_task1,...,acc_taskT`.
 * task is 1-based (the task being trained; 0 for the start row), step the global iteration
 * (task − 1)·iterations + iteration. point says where the row comes from:
 *   start     the untrained model (accuracy matrix row 0), full test sets;
 *   curve     an evaluation every `evalEvery` iterations, on `curveSamples` test samples per task;
 *   task-end  the accuracy matrix row after the task, full test sets.
 */
import type { RunConfig } from '../config.ts';
import type { RunResult } from '../continual.ts';

export const CURVE_POINTS = ['start', 'curve', 'task-end'] as const;

export function curvesCsvHeader(tasks: number): string {
  const accs = Array.from({ length: tasks }, (_, i) => `acc_task${i + 1}`);
  return ['seed', 'task', 'iteration', 'step', 'point', ...accs].join(',');
}

const value = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '' : String(Number(x.toFixed(6))));

export function curvesCsv(
  result: Pick<RunResult, 'accuracyMatrix' | 'curves' | 'taskNames'>,
  config: Pick<RunConfig, 'iterations' | 'seed'>,
  options: { header?: boolean } = {},
): string {
  const T = result.taskNames.length;
  const n = config.iterations;
  const line = (task: number, iteration: number, step: number, point: (typeof CURVE_POINTS)[number], accs: readonly number[]): string =>
    [config.seed, task, iteration, step, point, ...Array.from({ length: T }, (_, i) => value(accs[i]))].join(',');
  const lines: string[] = options.header === false ? [] : [curvesCsvHeader(T)];
  const [start, ...ends] = result.accuracyMatrix;
  if (start) lines.push(line(0, 0, 0, 'start', start));
  for (let t = 0; t < T; t++) {
    for (const p of result.curves.filter((q) => q.task === t)) lines.push(line(t + 1, p.iteration, t * n + p.iteration, 'curve', p.accuracies));
    if (ends[t]) lines.push(line(t + 1, n, (t + 1) * n, 'task-end', ends[t]));
  }
  return `${lines.join('\n')}\n`;
}
