import { describe, expect, it } from 'vitest';
import { continualMetrics } from '../../core/metrics.ts';

describe('continual metrics', () => {
  // Row 0 at start (b_i), row k after task k.
  const R = [
    [0.1, 0.2, 0.05],
    [0.9, 0.3, 0.1],
    [0.7, 0.95, 0.2],
    [0.6, 0.8, 0.9],
  ];

  it('computes ACC, BWT, FWT and forgetting as PAPER.md defines them', () => {
    const m = continualMetrics(R);
    expect(m.acc).toBeCloseTo((0.6 + 0.8 + 0.9) / 3, 12);
    expect(m.bwt).toBeCloseTo((0.6 - 0.9 + (0.8 - 0.95)) / 2, 12);
    expect(m.fwt).toBeCloseTo((0.3 - 0.2 + (0.2 - 0.05)) / 2, 12);
    // max over k < T of R[k][i] − R[T][i]: task 1: max(0.9, 0.7) − 0.6; task 2: max(0.3, 0.95) − 0.8.
    expect(m.forgetting).toBeCloseTo((0.9 - 0.6 + (0.95 - 0.8)) / 2, 12);
  });

  it('rejects a matrix without its at-start row', () => {
    expect(() => continualMetrics(R.slice(1))).toThrow(/T \+ 1 rows/);
  });
});
