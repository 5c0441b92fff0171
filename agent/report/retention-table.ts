/**
 * Retention tables in markdown for report.md, `dgr merge` and `dgr sweep report`: per (arm, game) the mean of
 * per-seed ratios with its 95 % bootstrap interval and the ratio of mean scores, against both references, and the
 * final normalised score; per arm the IQM over (seed, game) pairs (./retention-statistics.ts says what each is).
 */
import { table } from '../../core/report/markdown.ts';
import { DEFAULT_BOOTSTRAP, type BootstrapSettings } from '../../core/statistics.ts';
import type { RlResultFile } from './result-file.ts';
import { largestEvaluationSe, orderCells, percentWithInterval, retentionIqm, summariseFinalScore, summariseRetention, type RetentionCell } from './retention-statistics.ts';

const ratioOfMeans = (x: number | null): string => (x === null ? '–' : `${(100 * x).toFixed(1)} %`);

/** What the columns mean, once above the tables. */
export function retentionLegend(settings: BootstrapSettings = DEFAULT_BOOTSTRAP): string {
  return (
    "Retention of an earlier game i, per seed, against two references: the scholar's own score right after game i " +
    "(R[T][i] / R[i][i], \"of scholar\") and the score of game i's short-term learner at the end of its game (R[T][i] / learner i, \"of learner\"). " +
    '"Mean of per-seed ratios" averages each seed\'s ratio (seeds whose reference is ≤ 0 left out, n counts the rest); ' +
    '"ratio of mean scores" divides the mean final score by the mean reference over every seed. ' +
    `[low, high] is the ${Math.round(100 * settings.confidence)} % percentile interval of a stratified bootstrap over seeds (${settings.resamples} resamples, seed ${settings.seed}; strata: each order's seeds of a game; pooled over orders, every (order, seed) counts once, so an order with more seeds weighs more; no interval where a stratum holds a single seed, which resampling cannot spread). ` +
    'R[T][i] is the final score in normalised units (0 random, 1 the scripted policy). IQM: the interquartile mean over every (seed, game) pair (Agarwal et al. 2021).'
  );
}

/** A row per cell. */
export function retentionTable(cells: readonly RetentionCell[], settings: BootstrapSettings = DEFAULT_BOOTSTRAP): string[] {
  const rows = cells.map(({ arm, game, strata }) => {
    const scholar = summariseRetention(strata, 'scholar', settings);
    const learner = summariseRetention(strata, 'learner', settings);
    const final = summariseFinalScore(strata, settings);
    return [
      arm,
      game,
      `${scholar.seeds} of ${scholar.of}`,
      percentWithInterval(scholar.meanOfRatios, scholar.interval),
      ratioOfMeans(scholar.ratioOfMeans),
      `${learner.seeds} of ${learner.of}`,
      percentWithInterval(learner.meanOfRatios, learner.interval),
      ratioOfMeans(learner.ratioOfMeans),
      percentWithInterval(final.mean, final.interval),
    ];
  });
  return table(
    ['arm', 'game', 'n (of scholar)', 'of scholar: mean of per-seed ratios [95 % CI]', 'of scholar: ratio of mean scores', 'n (of learner)', 'of learner: mean of per-seed ratios [95 % CI]', 'of learner: ratio of mean scores', 'R[T][i] [95 % CI]'],
    rows,
    ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
  );
}

/** A row per arm: the IQM over its (seed, game) pairs, the cells' strata pooled. */
export function iqmTable(cells: readonly RetentionCell[], settings: BootstrapSettings = DEFAULT_BOOTSTRAP): string[] {
  const arms = [...new Set(cells.map((c) => c.arm))];
  const rows = arms.map((arm) => {
    const strata = cells.filter((c) => c.arm === arm).flatMap((c) => c.strata);
    const scholar = retentionIqm(strata, 'scholar', settings);
    const learner = retentionIqm(strata, 'learner', settings);
    return [arm, String(scholar?.pairs ?? 0), percentWithInterval(scholar?.value ?? null, scholar?.interval ?? null), String(learner?.pairs ?? 0), percentWithInterval(learner?.value ?? null, learner?.interval ?? null)];
  });
  return table(['arm', 'pairs (of scholar)', 'IQM of scholar [95 % CI]', 'pairs (of learner)', 'IQM of learner [95 % CI]'], rows, ['l', 'r', 'r', 'r', 'r']);
}

/** The largest standard error of one evaluation, or that it was not recorded. */
export function evaluationSeLine(largest: number | null): string {
  return largest === null
    ? 'Largest standard error of one greedy evaluation: not recorded (results written before evaluations kept it).'
    : `Largest standard error of one greedy evaluation (its mean over its episodes, normalised units): ${largest.toFixed(4)}.`;
}

/** The retention tables of one order's arm files, with their legend and the largest evaluation error. */
export function retentionStatisticsMarkdown(files: readonly RlResultFile[], settings: BootstrapSettings = DEFAULT_BOOTSTRAP): string {
  const cells = orderCells(files);
  return [retentionLegend(settings), '', ...retentionTable(cells, settings), '', ...iqmTable(cells, settings), '', evaluationSeLine(largestEvaluationSe(files))].join('\n');
}
