/**
 * Retention statistics of RL results against hand computations: both ratios, both references, bootstrap intervals
 * over seeds, the IQM over (seed, game) pairs, the largest evaluation error (or "not recorded"), the per-seed dots
 * chart, and the sweep report's tables per order and pooled over orders.
 */
import { describe, expect, it } from 'vitest';
import { rlResultFile, rlResultSchema, type RlSeedResult } from '../../agent/report/result-file.ts';
import { mergeRlResults } from '../../agent/report/merge.ts';
import { dotColumns, retentionDotsOf, retentionDotsSvg } from '../../agent/report/retention-dots.ts';
import { textWidth } from '../../core/report/svg.ts';
import { largestEvaluationSe, orderCells, retentionIqm, seedSamples, summariseRetention } from '../../agent/report/retention-statistics.ts';
import { retentionStatisticsMarkdown } from '../../agent/report/retention-table.ts';
import { retention } from '../../agent/result.ts';
import { continualMetrics } from '../../core/metrics.ts';
import { retentionSections, retentionSectionsMarkdown } from '../../agent/report/retention-sections.ts';
import { unknownProvenance } from '../../core/provenance.ts';
import { tinyConfig } from './helpers.ts';

const config = tinyConfig(['gr']);
const games = ['breakout', 'freeway'];
const reference = [{ random: 0, scripted: 10 }, { random: 0, scripted: 20 }];

/** A seed of two games: R[1][0] is the scholar's score on game 0 after it, R[2][0] at the end, `learner` the learner's. */
function seed(s: number, own: number, final: number, learner: number, se?: number): RlSeedResult {
  const R = [[0, 0], [own, 0], [final, 0.5]];
  return {
    seed: s,
    R,
    ...(se !== undefined ? { RSe: R.map((row) => row.map(() => se)) } : {}),
    raw: [[10 * own, 0], [10 * final, 10]],
    retention: retention(R),
    ...continualMetrics(R),
    learners: [0, 1].map((game) => ({ game, score: 1, normalised: game === 0 ? learner : 0.6, ...(se !== undefined ? { normalisedSe: se / 2 } : {}), frames: 1600, updates: 10, seconds: 1 })),
    audits: [null, null],
    provenance: unknownProvenance(),
    frames: 3200,
    seconds: 2,
    learnerSeconds: 1,
    consolidationSeconds: 1,
    framesPerSecond: 1000,
  };
}

// Seed 1: of scholar 0.4 / 0.5 = 0.8, of learner 0.4 / 0.8 = 0.5. Seed 2: 0.3 / 0.2 = 1.5 and 0.3 / 0.6 = 0.5.
// Seed 3: its scholar scored −0.1 after the game (no ratio of scholar); of learner 0.1 / 0.4 = 0.25.
const file = (arm: 'gr' | 'none', se?: number, schedule = config.schedule) =>
  rlResultFile({ ...config, schedule }, arm, 'wasm', games, reference, [seed(1, 0.5, 0.4, 0.8, se), seed(2, 0.2, 0.3, 0.6, se), seed(3, -0.1, 0.1, 0.4, se)]);

describe('retention statistics', () => {
  it('give the mean of per-seed ratios and the ratio of mean scores, against the scholar and the learner', () => {
    const samples = seedSamples(file('gr'), 0);
    expect(samples).toEqual([{ seed: 1, final: 0.4, scholar: 0.5, learner: 0.8 }, { seed: 2, final: 0.3, scholar: 0.2, learner: 0.6 }, { seed: 3, final: 0.1, scholar: -0.1, learner: 0.4 }]);
    const scholar = summariseRetention([samples], 'scholar');
    // Mean of per-seed ratios over seeds 1 and 2: (0.8 + 1.5) / 2 = 1.15 — the file's own `retention`.
    expect(scholar).toMatchObject({ seeds: 2, of: 3 });
    expect(scholar.meanOfRatios).toBeCloseTo(1.15, 12);
    expect(file('gr').retention.breakout).toBeCloseTo(1.15, 12);
    // Ratio of mean scores over all three seeds: mean(0.4, 0.3, 0.1) / mean(0.5, 0.2, −0.1) = 0.2667 / 0.2 = 1.3333.
    expect(scholar.ratioOfMeans).toBeCloseTo(0.8 / 3 / 0.2, 12);
    const learner = summariseRetention([samples], 'learner');
    // (0.5 + 0.5 + 0.25) / 3 = 0.41667; ratio of means 0.2667 / mean(0.8, 0.6, 0.4) = 0.2667 / 0.6 = 0.4444.
    expect(learner.meanOfRatios).toBeCloseTo(1.25 / 3, 12);
    expect(learner.ratioOfMeans).toBeCloseTo(0.8 / 3 / 0.6, 12);
    // Bootstrap over {0.5, 0.5, 0.25}: all three 0.25 has probability 1/27 > 2.5 %, all 0.5 has 8/27: [0.25, 0.5].
    expect(learner.interval?.low).toBeCloseTo(0.25, 12);
    expect(learner.interval?.high).toBeCloseTo(0.5, 12);
    // IQM of {0.25, 0.5, 0.5}: (¼·0.25 + 0.5 + ¼·0.5) / 1.5 = 0.6875 / 1.5.
    expect(retentionIqm([samples], 'learner')?.value).toBeCloseTo(0.6875 / 1.5, 12);
  });

  it('state the largest evaluation error only when every seed recorded it, and files with it merge to themselves', () => {
    expect(largestEvaluationSe([file('gr')])).toBeNull();
    expect(largestEvaluationSe([file('gr', 0.012)])).toBe(0.012);
    expect(retentionStatisticsMarkdown([file('gr')])).toContain('not recorded');
    expect(retentionStatisticsMarkdown([file('gr', 0.012)])).toContain('0.0120');
    const withSe = rlResultSchema.parse(JSON.parse(JSON.stringify(file('gr', 0.012))));
    expect(withSe.perSeed[0].RSe).toHaveLength(3);
    expect(JSON.stringify(mergeRlResults([{ source: 'a', result: withSe }]))).toBe(JSON.stringify(withSe));
    const misshapen = { ...withSe, perSeed: [{ ...withSe.perSeed[0], RSe: [[0.1]] }] };
    expect(rlResultSchema.safeParse(misshapen).error?.issues[0].message).toBe('RSe must have the shape of R');
  });

  it('draw each seed as a dot beside the mean and its interval', () => {
    const cells = orderCells([file('gr'), file('none')]);
    const columns = dotColumns(cells, 'scholar');
    expect(columns.map((c) => [c.arm, c.game, c.values.map((v) => v.seed)])).toEqual([['gr', 'breakout', [1, 2]], ['none', 'breakout', [1, 2]]]);
    const svg = retentionDotsOf(cells, 'retention');
    expect(svg.match(/class="seed"/g)).toHaveLength(4);
    expect(svg.match(/class="mean"/g)).toHaveLength(2);
  });

  it("keep the games' names apart when a group's columns are narrower than its name", () => {
    const column = (game: string) => ({ game, arm: 'gr-hidden', values: [{ seed: 1, value: 0.5 }], mean: 0.5, interval: null });
    const svg = retentionDotsSvg([column('space-invaders'), column('breakout')], 'retention', 'kept');
    const labels = [...svg.matchAll(/<text x="([\d.]+)"[^>]*class="game"[^>]*>([^<]+)</g)].map((m) => ({ x: Number(m[1]), half: textWidth(m[2], 12) / 2 }));
    expect(labels).toHaveLength(2);
    expect(labels[1].x - labels[0].x).toBeGreaterThan(labels[0].half + labels[1].half);
  });

  it('give no interval when a stratum holds one seed: resampling it cannot show its spread', () => {
    const one = seedSamples(file('gr'), 0).slice(0, 1);
    const two = seedSamples(file('gr'), 0).slice(0, 2);
    expect(summariseRetention([one], 'scholar').interval).toBeNull();
    // Two orders of one seed each: two seeds in all, but neither stratum can be resampled.
    expect(summariseRetention([one, one], 'scholar').interval).toBeNull();
    expect(summariseRetention([two, one], 'scholar').interval).toBeNull();
    expect(summariseRetention([two, two], 'scholar').interval).not.toBeNull();
  });

  it('table the sweep per order and pooled over orders of the same games, each order a stratum', () => {
    const other = { ...config.schedule, name: 'two-games-again' };
    const sections = retentionSections([file('gr'), file('none'), file('gr', undefined, other)]);
    expect(sections.map((s) => s.title)).toEqual([
      `order ${config.schedule.name} (breakout → freeway)`,
      'order two-games-again (breakout → freeway)',
      `pooled over the orders ${config.schedule.name}, two-games-again (games breakout, freeway)`,
    ]);
    const pooled = sections[2].cells.find((c) => c.arm === 'gr');
    expect(pooled?.strata).toHaveLength(2);
    const markdown = retentionSectionsMarkdown(sections, 'rl').join('\n');
    // gr pooled: 4 of 6 seeds have a ratio of scholar; mean (0.8 + 1.5 + 0.8 + 1.5) / 4 = 115.0 %.
    expect(markdown).toMatch(/\| gr \| breakout \| 4 of 6 \| 115\.0 \[/);
    expect(markdown).toContain('](rl/retention-dots-pooled-1.png)');
  });
});
