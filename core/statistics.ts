/**
 * Statistics over few runs, as Agarwal et al. 2021 ("Deep RL at the edge of the statistical precipice", NeurIPS;
 * their library rliable) recommend for them: the interquartile mean as the point estimate, and a stratified
 * percentile bootstrap for its 95 % confidence interval. Pure arithmetic on numbers: what a value measures is the
 * caller's business. Mean and s.e.m. are ./report/aggregate.ts's spread().
 */
import { Rng } from './engine/random.ts';

/**
 * The interquartile mean: the mean of the middle 50 % of the sorted values, each value weighted by how much of
 * its 1/n share of the sample lies between the 25th and the 75th percentile. With n divisible by 4 this drops the
 * lowest and the highest quarter and averages the rest; otherwise the two values straddling a quartile count in
 * part (Wikipedia, "Interquartile mean", the case of a size not divisible by four: of 9 values, 2.25 are cut from
 * each end, so the 3rd and the 7th count ¾). rliable computes scipy's trim_mean(x, 0.25), which cuts ⌊n/4⌋ values
 * whole; the two agree when 4 divides n.
 */
export function interquartileMean(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('interquartile mean of no values');
  const sorted = [...xs].sort((a, b) => a - b);
  const n = sorted.length;
  // Value i covers [i, i + 1) in units of 1/n; the middle half is [n/4, 3n/4).
  const from = n / 4;
  const to = (3 * n) / 4;
  let sum = 0;
  sorted.forEach((x, i) => {
    const weight = Math.max(0, Math.min(i + 1, to) - Math.max(i, from));
    sum += weight * x;
  });
  return sum / (to - from);
}

/**
 * The q-quantile of values by linear interpolation between the order statistics at position q · (n − 1)
 * (Hyndman & Fan 1996's type 7, numpy.percentile's default, which rliable's percentile intervals use).
 */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) throw new Error('quantile of no values');
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile: q must lie in [0, 1], got ${q}`);
  const sorted = [...xs].sort((a, b) => a - b);
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
}

export interface BootstrapSettings {
  /** Resamples drawn (rliable's default is 50 000; 10 000 gives the 2.5 and 97.5 percentiles to a few 0.1 %). */
  readonly resamples: number;
  /** Seeds the resampling, so an interval is reproducible from the same values. */
  readonly seed: number;
  /** Coverage of the interval: 0.95 takes the 2.5th and 97.5th percentiles. */
  readonly confidence: number;
}

export const DEFAULT_BOOTSTRAP: BootstrapSettings = { resamples: 10_000, seed: 0, confidence: 0.95 };

export interface Interval {
  readonly low: number;
  readonly high: number;
}

/**
 * The stratified percentile bootstrap interval of `statistic` (Agarwal et al. 2021, §4 and their appendix A.1):
 * each resample draws, within every stratum, as many values as it holds, uniformly with replacement; the
 * statistic is taken over all the drawn values together; the interval is the (1 − confidence)/2 and
 * (1 + confidence)/2 quantiles of the statistic over the resamples. A stratum is what must keep its size in every
 * resample (e.g. the seeds of one task), so the spread comes from the seeds, not from how many of each task drew.
 */
export function stratifiedBootstrap(
  strata: readonly (readonly number[])[],
  statistic: (values: readonly number[]) => number,
  settings: BootstrapSettings = DEFAULT_BOOTSTRAP,
): Interval {
  const kept = strata.filter((s) => s.length > 0);
  if (kept.length === 0) throw new Error('bootstrap of no values');
  if (!(Number.isInteger(settings.resamples) && settings.resamples > 0)) throw new Error(`bootstrap: resamples must be a positive integer, got ${settings.resamples}`);
  if (!(settings.confidence > 0 && settings.confidence < 1)) throw new Error(`bootstrap: confidence must lie in (0, 1), got ${settings.confidence}`);
  const rng = new Rng(settings.seed);
  const size = kept.reduce((n, s) => n + s.length, 0);
  const draw = new Array<number>(size);
  const estimates = new Array<number>(settings.resamples);
  for (let b = 0; b < settings.resamples; b++) {
    let at = 0;
    for (const stratum of kept) for (let j = 0; j < stratum.length; j++) draw[at++] = stratum[rng.int(stratum.length)];
    estimates[b] = statistic(draw);
  }
  const tail = (1 - settings.confidence) / 2;
  return { low: quantile(estimates, tail), high: quantile(estimates, 1 - tail) };
}
