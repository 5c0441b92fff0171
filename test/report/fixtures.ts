/**
 * Hand-made RunResults for the report tests (no training): accuracies that rise while a task trains and sag
 * afterwards, like a generative-replay run, and sample images with known pixels.
 */
import type { RunConfig } from '../../core/config.ts';
import type { CurvePoint, RunResult } from '../../core/continual.ts';
import { Rng } from '../../core/engine/random.ts';
import { findExperiment } from '../../core/experiments/presets.ts';
import { continualMetrics } from '../../core/metrics.ts';

export function splitConfig(overrides: Partial<RunConfig> = {}): RunConfig {
  return { ...findExperiment('split-mnist').build('quick', { arm: 'gr', seed: 1, scenario: 'class' }), ...overrides };
}

/** Accuracy on task i at global iteration s of a plausible replay run (0 before the task starts). */
function accuracy(i: number, s: number, iterations: number, keep: number, rng: Rng): number {
  const start = i * iterations;
  if (s < start) return 0;
  const within = Math.min(s - start, iterations);
  const learned = 0.99 * (1 - Math.exp(-within / (iterations / 8)));
  const after = Math.max(0, s - start - iterations) / iterations;
  const v = learned * (1 - (1 - keep) * (1 - Math.exp(-after / 1.5))) + (rng.uniform() - 0.5) * 0.01;
  return Math.min(1, Math.max(0, v));
}

export interface SyntheticOptions {
  tasks?: number;
  iterations?: number;
  evalEvery?: number;
  /** How much of a task's accuracy survives, long after it (1: no forgetting). */
  keep?: number;
  seed?: number;
  /** Sample images per task (0: an arm without a generator). */
  samples?: number;
  shape?: readonly [number, number, number];
  taskNames?: string[];
  /** Rows of the matrix to keep (a stopped run). */
  rows?: number;
}

/** Sample k of task t: pixel (r, c, ch) = ((k + 3t + r + 2c + 5ch) mod 11) / 10 — known values to check. */
export function knownPixel(t: number, k: number, r: number, c: number, ch: number): number {
  return ((k + 3 * t + r + 2 * c + 5 * ch) % 11) / 10;
}

export function syntheticResult(options: SyntheticOptions = {}): RunResult {
  const T = options.tasks ?? 5;
  const n = options.iterations ?? 300;
  const evalEvery = options.evalEvery ?? 100;
  const keep = options.keep ?? 0.9;
  const rng = new Rng(options.seed ?? 1);
  const [h, w, c] = options.shape ?? [28, 28, 1];
  const matrix: number[][] = [Array.from({ length: T }, (_, i) => 0.05 + 0.02 * i)];
  const curves: CurvePoint[] = [];
  for (let t = 0; t < T; t++) {
    if (evalEvery > 0) {
      for (let it = evalEvery; it <= n; it += evalEvery) {
        curves.push({ task: t, iteration: it, accuracies: Array.from({ length: T }, (_, i) => accuracy(i, t * n + it, n, keep, rng)) });
      }
    }
    matrix.push(Array.from({ length: T }, (_, i) => accuracy(i, (t + 1) * n, n, keep, rng)));
  }
  const samples = Array.from({ length: T }, (_, t) => {
    const count = options.samples ?? 16;
    const x = new Float32Array(count * h * w * c);
    for (let k = 0; k < count; k++)
      for (let r = 0; r < h; r++)
        for (let col = 0; col < w; col++) for (let ch = 0; ch < c; ch++) x[((k * h + r) * w + col) * c + ch] = knownPixel(t, k, r, col, ch);
    return x;
  });
  const kept = matrix.slice(0, options.rows ?? T + 1);
  const padded = [...kept];
  while (padded.length < T + 1) padded.push(padded[padded.length - 1]);
  return {
    ...continualMetrics(padded),
    accuracyMatrix: kept,
    curves: curves.filter((p) => p.task < kept.length - 1),
    samples: samples.slice(0, kept.length - 1),
    sampleLabels: samples.slice(0, kept.length - 1).map((x) => Int32Array.from({ length: x.length / (h * w * c) }, (_, k) => k % 10)),
    // After task t the scholar replays the 2(t+1) digits it knows, the first twice as often as each other one.
    replay: samples.slice(0, kept.length - 1).map((_, t) => {
      const known = Math.min(10, 2 * (t + 1));
      return { samples: 1000, units: Array.from({ length: known }, (_, u) => u), labelShare: Array.from({ length: 10 }, (_, u) => (u >= known ? 0 : (u === 0 ? 2 : 1) / (known + 1))), confidence: 0.9 - 0.1 * t };
    }),
    seconds: 12.5,
    taskNames: options.taskNames ?? Array.from({ length: T }, (_, i) => `digits ${2 * i}/${2 * i + 1}`),
  };
}
