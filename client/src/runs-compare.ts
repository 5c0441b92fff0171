/**
 * The comparison of runs, as numbers: each arm's score on one game against frames, as the mean over its seeds
 * with ± s.e.m. (sample standard deviation / √n, as core/report/aggregate.ts computes it for the result files).
 * Kept apart from the drawing so the page and its test read the same numbers.
 */
import type { CurveRow } from '../../protocol/runs.ts';

export interface BandPoint {
  readonly frame: number;
  readonly mean: number;
  /** Null with one seed. */
  readonly sem: number | null;
  readonly n: number;
}

export function meanSem(values: readonly number[]): { mean: number; sem: number | null } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, sem: null };
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  return { mean, sem: Math.sqrt(variance / n) };
}

/** Arm `arm`'s score on game `game` at each frame any seed was evaluated, over the seeds evaluated there. */
export function band(rows: readonly CurveRow[], arm: string, game: number): BandPoint[] {
  const byFrame = new Map<number, number[]>();
  for (const r of rows) {
    const v = r.scores[game];
    if (r.arm !== arm || v === null || v === undefined) continue;
    byFrame.set(r.frame, [...(byFrame.get(r.frame) ?? []), v]);
  }
  return [...byFrame.entries()].sort(([a], [b]) => a - b).map(([frame, values]) => ({ frame, ...meanSem(values), n: values.length }));
}
