/**
 * How much of each earlier game an arm keeps, over seeds, with the statistics Agarwal et al. 2021 ask of few runs
 * (core/statistics.ts): per game, the mean over seeds with a 95 % stratified-bootstrap confidence interval, and
 * over all (seed, game) pairs the interquartile mean (IQM) with its interval. Derived from result files' per-seed
 * numbers whenever a report is written, never stored: a file holds what was measured.
 *
 * Retention of game i in seed s is a ratio of two normalised scores, R_s[T][i] / reference_s, and the mean over
 * seeds of a ratio is not the ratio of the means when the denominators are small and noisy (Breakout's scholar
 * scores 0.12-0.18). So each game gets both, named:
 *   - mean of per-seed ratios: mean_s (R_s[T][i] / reference_s), seeds with reference_s ≤ 0 left out (nothing
 *     was learnt to keep); this is result.json's `retention`;
 *   - ratio of mean scores: mean_s R_s[T][i] / mean_s reference_s, over every seed.
 * Two references: the scholar's own score right after game i, R_s[i][i] (`retention`, continual RL's usual
 * forgetting as a ratio), and the score of game i's short-term learner at the end of its game (`learner`): the
 * scholar's R[i][i] can itself be below what was learnt, and then the first reference flatters it.
 */
import { spread } from '../../core/report/aggregate.ts';
import { DEFAULT_BOOTSTRAP, interquartileMean, stratifiedBootstrap, type BootstrapSettings, type Interval } from '../../core/statistics.ts';
import { gameKeys, type RlResultFile } from './result-file.ts';

/** What retention is measured against. */
export type RetentionReference = 'scholar' | 'learner';
export const RETENTION_REFERENCES: readonly RetentionReference[] = ['scholar', 'learner'];
export const REFERENCE_WORDS: Record<RetentionReference, string> = {
  scholar: "of the scholar's own score after the game (R[T][i] / R[i][i])",
  learner: "of the game's learner's score at the end of its game (R[T][i] / learner i)",
};

/** One seed's numbers for one earlier game: the final score and both references (normalised scores). */
export interface SeedSample {
  readonly seed: number;
  readonly final: number;
  readonly scholar: number;
  readonly learner: number;
}

/** The per-seed samples of game i (0-based) of a result file. */
export function seedSamples(file: RlResultFile, game: number): SeedSample[] {
  const T = file.games.length;
  return file.perSeed.map((s) => ({ seed: s.seed, final: s.R[T][game], scholar: s.R[game + 1][game], learner: s.learners[game].normalised }));
}

/** A seed's retention against a reference; null when the reference is ≤ 0 (nothing was learnt to keep). */
export function ratio(sample: SeedSample, reference: RetentionReference): number | null {
  const denominator = sample[reference];
  return denominator > 0 ? sample.final / denominator : null;
}

export interface RetentionSummary {
  /** Seeds with a ratio (a reference > 0), of all seeds. */
  readonly seeds: number;
  readonly of: number;
  /** Mean of per-seed ratios and its bootstrap interval (null: no seed has a ratio; the interval also with one). */
  readonly meanOfRatios: number | null;
  readonly interval: Interval | null;
  /** Ratio of mean scores (null when the mean reference is ≤ 0). */
  readonly ratioOfMeans: number | null;
}

const mean = (xs: readonly number[]): number => spread(xs).mean;

/** Whether the strata give an interval: every stratum that has seeds has two or more. Resampling a stratum of one
 *  seed gives that seed back every time, so an interval over it would be narrower than the seeds can show (with one
 *  seed per stratum, none at all). */
const resamplable = (values: readonly (readonly number[])[]): boolean => values.some((v) => v.length > 1) && values.every((v) => v.length !== 1);

/** Ratios of each stratum's seeds against `reference`, seeds without one left out. */
function ratios(strata: readonly (readonly SeedSample[])[], reference: RetentionReference): number[][] {
  return strata.map((stratum) => stratum.map((s) => ratio(s, reference)).filter((v): v is number => v !== null));
}

/**
 * Retention pooled over strata (a stratum: one (order, game) cell's seeds): the mean over every seed of every
 * stratum, its interval resampling seeds within each stratum.
 */
export function summariseRetention(strata: readonly (readonly SeedSample[])[], reference: RetentionReference, settings: BootstrapSettings = DEFAULT_BOOTSTRAP): RetentionSummary {
  const values = ratios(strata, reference);
  const flat = values.flat();
  return {
    seeds: flat.length,
    of: strata.flat().length,
    meanOfRatios: flat.length > 0 ? mean(flat) : null,
    interval: resamplable(values) ? stratifiedBootstrap(values, mean, settings) : null,
    ratioOfMeans: ratioOfMeanScores(strata, reference),
  };
}

/** Mean final score over every seed of the strata / mean reference score (null when the mean reference is ≤ 0). */
export function ratioOfMeanScores(strata: readonly (readonly SeedSample[])[], reference: RetentionReference): number | null {
  const all = strata.flat();
  const meanReference = all.length > 0 ? mean(all.map((s) => s[reference])) : 0;
  return meanReference > 0 ? mean(all.map((s) => s.final)) / meanReference : null;
}

export interface IqmSummary {
  /** (seed, game) pairs with a ratio. */
  readonly pairs: number;
  readonly value: number;
  readonly interval: Interval | null;
}

/** The IQM of retention over every (seed, game) pair of the strata, its interval resampling seeds within each. */
export function retentionIqm(strata: readonly (readonly SeedSample[])[], reference: RetentionReference, settings: BootstrapSettings = DEFAULT_BOOTSTRAP): IqmSummary | null {
  const values = ratios(strata, reference);
  const flat = values.flat();
  if (flat.length === 0) return null;
  return { pairs: flat.length, value: interquartileMean(flat), interval: resamplable(values) ? stratifiedBootstrap(values, interquartileMean, settings) : null };
}

/** The normalised final score R[T][i] over strata: mean and bootstrap interval (the scripted normalisation alone). */
export function summariseFinalScore(strata: readonly (readonly SeedSample[])[], settings: BootstrapSettings = DEFAULT_BOOTSTRAP): { mean: number; interval: Interval | null } {
  const values = strata.map((s) => s.map((x) => x.final));
  const flat = values.flat();
  return { mean: mean(flat), interval: resamplable(values) ? stratifiedBootstrap(values, mean, settings) : null };
}

/** The largest evaluation standard error in the files' seeds (R cells and learners); null unless every seed has them. */
export function largestEvaluationSe(files: readonly RlResultFile[]): number | null {
  const errors: (number | null | undefined)[] = files.flatMap((f) => f.perSeed.flatMap((s) => [...(s.RSe === undefined ? [undefined] : s.RSe.flat()), ...s.learners.map((l) => l.normalisedSe)]));
  if (errors.some((e) => e === undefined || e === null)) return null;
  return Math.max(...(errors as number[]));
}

/** "0.873 [0.801, 0.934]" as percentages: "87.3 [80.1, 93.4] %"; "–" when there is nothing to show. */
export function percentWithInterval(value: number | null, interval: Interval | null): string {
  if (value === null || !Number.isFinite(value)) return '–';
  const pct = (x: number): string => (100 * x).toFixed(1);
  return interval ? `${pct(value)} [${pct(interval.low)}, ${pct(interval.high)}] %` : `${pct(value)} %`;
}

/** One cell of a retention table: an arm's seeds on one game, in one or several orders (a stratum each). */
export interface RetentionCell {
  readonly arm: string;
  readonly game: string;
  readonly strata: readonly (readonly SeedSample[])[];
}

/** The cells of arms' result files of one order: one per (arm, earlier game). */
export function orderCells(files: readonly RlResultFile[]): RetentionCell[] {
  return files.flatMap((file) => gameKeys(file.games).slice(0, -1).map((game, i) => ({ arm: file.arm, game, strata: [seedSamples(file, i)] })));
}
