import { describe, expect, it } from 'vitest';
import { spread } from '../../core/report/aggregate.ts';
import { DEFAULT_BOOTSTRAP, interquartileMean, quantile, stratifiedBootstrap } from '../../core/statistics.ts';

const mean = (xs: readonly number[]): number => spread(xs).mean;

describe('interquartileMean', () => {
  it('averages the middle half when 4 divides n', () => {
    // n = 8: drop 2 from each end of 1 2 3 4 5 6 7 100 → (3 + 4 + 5 + 6) / 4 = 4.5; the order given does not matter.
    expect(interquartileMean([100, 3, 1, 7, 5, 2, 6, 4])).toBe(4.5);
  });

  it('weights the values straddling a quartile by the share of them inside it', () => {
    // n = 9: the middle half is [2.25, 6.75) in units of one value, so 4 (the 3rd) and 64 (the 7th) count ¾:
    // (0.75·4 + 8 + 16 + 32 + 0.75·64) / 4.5 = (3 + 56 + 48) / 4.5 = 107 / 4.5 = 23.777…
    expect(interquartileMean([1, 2, 4, 8, 16, 32, 64, 128, 256])).toBeCloseTo(107 / 4.5, 12);
    // n = 5: [1.25, 3.75): (0.75·2 + 4 + 0.75·8) / 2.5 = 11.5 / 2.5 = 4.6
    expect(interquartileMean([16, 8, 4, 2, 1])).toBeCloseTo(4.6, 12);
    // n = 3: [0.75, 2.25): (0.25·0 + 3 + 0.25·12) / 1.5 = 6 / 1.5 = 4
    expect(interquartileMean([0, 3, 12])).toBeCloseTo(4, 12);
    // n = 2: each value counts ½ → the mean; n = 1: the value.
    expect(interquartileMean([2, 10])).toBe(6);
    expect(interquartileMean([7])).toBe(7);
  });

  it('refuses no values', () => {
    expect(() => interquartileMean([])).toThrow(/no values/);
  });
});

describe('quantile', () => {
  it('interpolates between order statistics at q · (n − 1)', () => {
    // Sorted 1 2 3 4: q = 0.25 sits at position 0.75 → 1 + 0.75 · (2 − 1) = 1.75; q = 0.5 at 1.5 → 2.5.
    expect(quantile([4, 1, 3, 2], 0.25)).toBe(1.75);
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([4, 1, 3, 2], 0)).toBe(1);
    expect(quantile([4, 1, 3, 2], 1)).toBe(4);
    expect(() => quantile([1], 1.5)).toThrow(/\[0, 1\]/);
  });
});

describe('stratifiedBootstrap', () => {
  it('resamples within each stratum: two constant strata leave the pooled mean no room to move', () => {
    // Strata {0, 0} and {1, 1}: every resample draws two 0s and two 1s, so every resampled mean is 0.5.
    expect(stratifiedBootstrap([[0, 0], [1, 1]], mean)).toEqual({ low: 0.5, high: 0.5 });
    // Pooled as one stratum, a resample of {0, 0, 1, 1} is all 0s with probability 1/16 > 2.5 % and all 1s
    // likewise: the 95 % interval of the mean is [0, 1].
    expect(stratifiedBootstrap([[0, 0, 1, 1]], mean)).toEqual({ low: 0, high: 1 });
  });

  it('gives the percentile interval a hand enumeration gives', () => {
    // Strata {0, 1} and {10}: the first draws a sum of 0, 1 or 2 with probability ¼, ½, ¼; the second always 10.
    // Resampled means (10 + s) / 3 ∈ {10/3, 11/3, 4}; ¼ of the mass at each end exceeds 2.5 %: [10/3, 4].
    const interval = stratifiedBootstrap([[0, 1], [10]], mean);
    expect(interval.low).toBeCloseTo(10 / 3, 12);
    expect(interval.high).toBeCloseTo(4, 12);
  });

  it('matches the exact bootstrap distribution of a small sample', () => {
    // All 5^5 = 3125 equally likely resamples of 1 2 4 8 16, enumerated: the exact percentile interval.
    const sample = [1, 2, 4, 8, 16];
    const means: number[] = [];
    for (let code = 0; code < 5 ** 5; code++) {
      const draw = Array.from({ length: 5 }, (_, j) => sample[Math.floor(code / 5 ** j) % 5]);
      means.push(mean(draw));
    }
    const exact = { low: quantile(means, 0.025), high: quantile(means, 0.975) };
    const drawn = stratifiedBootstrap([sample], mean, { ...DEFAULT_BOOTSTRAP, resamples: 20_000 });
    expect(Math.abs(drawn.low - exact.low)).toBeLessThan(0.2);
    expect(Math.abs(drawn.high - exact.high)).toBeLessThan(0.2);
    // The interval holds the sample's own mean (6.2) and lies inside the sample's range.
    expect(drawn.low).toBeLessThan(6.2);
    expect(drawn.high).toBeGreaterThan(6.2);
    expect(drawn.low).toBeGreaterThanOrEqual(1);
    expect(drawn.high).toBeLessThanOrEqual(16);
  });

  it('is reproducible from its seed, and its settings are checked', () => {
    const strata = [[0.2, 0.9, 0.5], [0.7, 0.1]];
    const a = stratifiedBootstrap(strata, interquartileMean, { resamples: 500, seed: 3, confidence: 0.95 });
    expect(stratifiedBootstrap(strata, interquartileMean, { resamples: 500, seed: 3, confidence: 0.95 })).toEqual(a);
    const wider = stratifiedBootstrap(strata, interquartileMean, { resamples: 500, seed: 3, confidence: 0.99 });
    expect(wider.low).toBeLessThanOrEqual(a.low);
    expect(wider.high).toBeGreaterThanOrEqual(a.high);
    expect(() => stratifiedBootstrap(strata, mean, { resamples: 0, seed: 1, confidence: 0.95 })).toThrow(/resamples/);
    expect(() => stratifiedBootstrap(strata, mean, { resamples: 10, seed: 1, confidence: 1 })).toThrow(/confidence/);
    expect(() => stratifiedBootstrap([[]], mean)).toThrow(/no values/);
  });
});
