/**
 * Issue 30's protocol in the docs: every committed seed of docs/results/<dir>/<schedule>/seed-<n>[-<what>]/ (a
 * sweep job's run folder, checkpoints left out; `-<what>` for more arms run apart on that seed with its learners,
 * such as issue 27's regularisers) merged per (order, arm) by `dgr merge`'s rules, tabled per order and
 * pooled over the orders (../retention-sections.ts: mean [95 % CI] over seeds, the IQM), with a per-seed dots
 * chart for each table. The protocol runs over several sessions; the committed seeds are its record, so its
 * tables come from them and not from one session's queue. The preset's protocol lives in rl/protocol/; a protocol
 * run under an earlier preset keeps its folder under rl/earlier/ and its own tables (`protocolDocs`).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathFrom, readResultJson, RESULTS_DIR, repoLink, type TableContext } from '../../../core/report/docs/document.ts';
import { table } from '../../../core/report/markdown.ts';
import { mergeRlResults } from '../merge.ts';
import type { RlResultFile } from '../result-file.ts';
import { retentionDotsOf } from '../retention-dots.ts';
import { retentionSections, retentionSectionsMarkdown, type RetentionSection } from '../retention-sections.ts';
import { ratio, summariseRetention } from '../retention-statistics.ts';
import { SEED_FOLDER } from '../protocol-folders.ts';
import { totalSeconds } from '../time-table.ts';
import { learnerCells } from './rl-learners.ts';
import { gameTitle, readRl } from './rl-files.ts';


const folders = (dir: string, pattern: RegExp): string[] =>
  existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && pattern.test(e.name)).map((e) => e.name).sort() : [];

/** One committed seed's run folder: its order of games, seed and the result file of each arm (relative to docs/results). */
interface SeedRun {
  readonly order: string;
  readonly seed: number;
  readonly folder: string;
  readonly arms: readonly { readonly arm: string; readonly file: string }[];
}

function seedRuns(context: TableContext, protocolDir: string): SeedRun[] {
  const root = join(context.root, RESULTS_DIR, protocolDir);
  return folders(root, /^three-games/).flatMap((order) =>
    folders(join(root, order), SEED_FOLDER)
      .map((folder): SeedRun => {
        const dir = join(protocolDir, order, folder);
        // The arms in the run's own order, as its config.json lists them (its result files list them sorted).
        const { path, data } = readResultJson(context, join(dir, 'config.json'));
        const listed = (data as { arms?: unknown }).arms;
        if (!Array.isArray(listed) || !listed.every((a) => typeof a === 'string')) throw new Error(`${path}: no list of arms`);
        const arms = (listed as string[]).map((arm) => ({ arm, file: join(dir, arm, 'result.json') }));
        return { order, seed: Number(SEED_FOLDER.exec(folder)![1]), folder, arms };
      })
      .sort((a, b) => a.seed - b.seed || a.folder.localeCompare(b.folder)),
  );
}

/** Each (order, arm)'s committed seeds merged into one result, in the order of the orders, then the arms. */
function mergedResults(context: TableContext, protocolDir: string): RlResultFile[] {
  const byKey = new Map<string, { source: string; result: RlResultFile }[]>();
  for (const run of seedRuns(context, protocolDir)) {
    for (const { arm, file } of run.arms) {
      const key = JSON.stringify([run.order, arm]);
      byKey.set(key, [...(byKey.get(key) ?? []), { source: file, result: readRl(context, file) }]);
    }
  }
  return [...byKey.values()].map(mergeRlResults);
}

const sections = (context: TableContext, protocolDir: string): RetentionSection[] => retentionSections(mergedResults(context, protocolDir));

/** What a protocol's tables say before its first seed is committed. */
export const NONE_YET = '(no protocol seed committed yet)';

/** Where a protocol's dots charts are written, relative to docs/results. */
const chartsDir = (protocolDir: string): string => join(protocolDir, 'charts');

/** The per-order and pooled tables, each followed by its chart. */
function protocolTables(context: TableContext, protocolDir: string): string {
  const charts = pathFrom(context, join(RESULTS_DIR, chartsDir(protocolDir)));
  const found = sections(context, protocolDir);
  if (found.length === 0) return NONE_YET;
  return retentionSectionsMarkdown(found, charts).join('\n').trimEnd();
}

/** Which seeds each order holds, and each seed's wall time split into its learners and its consolidations, and
 *  the consolidations into the loop's steps over all arms and games (../time-table.ts; '–' for seeds run before
 *  runs recorded them). */
function protocolSeeds(context: TableContext, protocolDir: string): string {
  const minutes = (s: number): string => (s / 60).toFixed(0);
  const runs = seedRuns(context, protocolDir);
  if (runs.length === 0) return NONE_YET;
  const rows = runs.map((run) => {
    const files = run.arms.map(({ file }) => readRl(context, file));
    const seeds = files.map((f) => f.perSeed[0]);
    // Every arm of a seed's run shares its wall times (one run, its arms side by side): read the first's.
    const [s] = seeds;
    // A run of its arms side by side (config.parallel 'arms') used every core; the others, one.
    const threads = files[0].config.parallel === 'arms' ? 'learners + one per arm' : 'one';
    const times = seeds.map((seed) => seed.consolidationTime);
    const steps = times.every((t) => t !== undefined) ? totalSeconds(times.flatMap((t) => t!)) : null;
    const stepCells = steps
      ? [minutes(steps.generator), minutes(steps.solver), minutes(steps.prepare + steps.consolidate + steps.evaluate + steps.audit), steps.dreams && steps.dreams.replayed > 0 ? (steps.dreams.drawn / steps.dreams.replayed).toFixed(1) : '–']
      : ['–', '–', '–', '–'];
    return [run.order, String(run.seed), run.arms.map((a) => a.arm).join(', '), threads, minutes(s.seconds), minutes(s.learnerSeconds), minutes(s.consolidationSeconds), ...stepCells, s.framesPerSecond.toFixed(0), repoLink(context, join(RESULTS_DIR, protocolDir, run.order, run.folder), 'folder')];
  });
  const header = ['order', 'seed', 'arms', 'threads', 'wall (min)', 'learners (min)', 'consolidations (min)', 'of which generators', 'scholars', 'evaluations and audits', 'dreams drawn a dream replayed', 'frames/s', 'run'];
  return table(header, rows, ['l', 'r', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l']).join('\n');
}

/** Each order's learners (every arm of a seed shares them) against half of MinAtar's DQN, issue 30's bar on them. */
function protocolLearners(context: TableContext, protocolDir: string): string {
  const byOrder = new Map<string, RlResultFile>();
  for (const r of mergedResults(context, protocolDir)) if (!byOrder.has(r.schedule)) byOrder.set(r.schedule, r);
  if (byOrder.size === 0) return NONE_YET;
  const rows = [...byOrder.values()].flatMap((r) => r.games.map((game, i) => [r.schedule, gameTitle(game), r.seeds.join(', '), ...learnerCells(r, i)]));
  const header = ['order', 'game', 'seeds', 'greedy return per seed', 'mean ± s.e.m.', 'training return per seed', 'mean ± s.e.m.', 'half of MinAtar’s DQN at 1M', 'reached (greedy; training)'];
  return table(header, rows).join('\n');
}

/** The dots charts the protocol's tables link, as `docs/results/<dir>/charts/<chart>.svg` (relative to the
 *  root) and their SVG text; `dgr report docs` writes them (and a PNG beside each) and `--check` compares them. */
function protocolCharts(context: TableContext, protocolDir: string): { path: string; svg: string }[] {
  return sections(context, protocolDir).map((section) => ({
    path: join(RESULTS_DIR, chartsDir(protocolDir), `${section.chart}.svg`),
    svg: retentionDotsOf(section.cells, `retention per seed · ${section.title}`),
  }));
}

/** Issue 30's bars on the retention of the scholar's own score (R[T][i] / R[i][i]). */
const BARS = { grMean: 0.9, grSeed: 0.75, grLow: 0.8, noneMean: 0.2, erGapPoints: 5 } as const;

/** One table's arm over its earlier games: each game's mean of per-seed ratios and interval, and every seed's ratio. */
function armRetention(section: RetentionSection, arm: string) {
  const cells = section.cells.filter((c) => c.arm === arm);
  const summaries = cells.map((c) => summariseRetention(c.strata, 'scholar'));
  const seedRatios = cells.flatMap((c) => c.strata.flat().map((s) => ratio(s, 'scholar')).filter((r): r is number => r !== null));
  const means = summaries.map((s) => s.meanOfRatios).filter((m): m is number => m !== null);
  return {
    seeds: Math.max(0, ...cells.map((c) => c.strata.flat().length)),
    lowestMean: means.length > 0 ? Math.min(...means) : null,
    highestMean: means.length > 0 ? Math.max(...means) : null,
    meanOverGames: means.length > 0 ? means.reduce((a, b) => a + b, 0) / means.length : null,
    lowestSeed: seedRatios.length > 0 ? Math.min(...seedRatios) : null,
    lowestLow: summaries.some((s) => s.interval === null) ? null : Math.min(...summaries.map((s) => s.interval!.low)),
  };
}

/** Each table (order or pooled) against issue 30's numbers: what GR, None and ER reach and whether each bar is met. */
function protocolBars(context: TableContext, protocolDir: string): string {
  const pct1 = (x: number | null): string => (x === null ? '–' : `${(100 * x).toFixed(1)} %`);
  const mark = (ok: boolean | null): string => (ok === null ? '' : ok ? ' ✓' : ' ✗');
  const found = sections(context, protocolDir);
  if (found.length === 0) return NONE_YET;
  const rows = found.map((section) => {
    const gr = armRetention(section, 'gr');
    const er = armRetention(section, 'er');
    const none = armRetention(section, 'none');
    const gap = gr.meanOverGames !== null && er.meanOverGames !== null ? 100 * (er.meanOverGames - gr.meanOverGames) : null;
    const test = (value: number | null, ok: (v: number) => boolean): boolean | null => (value === null ? null : ok(value));
    return [
      section.title,
      String(gr.seeds),
      pct1(gr.lowestMean) + mark(test(gr.lowestMean, (v) => v >= BARS.grMean)),
      pct1(gr.lowestSeed) + mark(test(gr.lowestSeed, (v) => v >= BARS.grSeed)),
      (gr.lowestLow === null ? '– (a stratum of one seed)' : pct1(gr.lowestLow)) + mark(test(gr.lowestLow, (v) => v > BARS.grLow)),
      pct1(none.highestMean) + mark(test(none.highestMean, (v) => v < BARS.noneMean)),
      (gap === null ? '–' : `${gap >= 0 ? '+' : '−'}${Math.abs(gap).toFixed(1)}`) + mark(test(gap, (v) => v <= BARS.erGapPoints)),
    ];
  });
  return table(
    ['table', 'seeds', 'GR, lowest game (≥ 90 %)', 'GR, lowest seed (≥ 75 %)', 'GR, lowest CI end (> 80 %)', 'None, highest game (< 20 %)', 'ER − GR, points (≤ 5)'],
    rows,
    ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
  ).join('\n');
}

/** A protocol's docs: its tables, the bars and its charts, from the seeds committed under docs/results/`dir`. */
export interface ProtocolDocs {
  readonly tables: (context: TableContext) => string;
  readonly seeds: (context: TableContext) => string;
  readonly bars: (context: TableContext) => string;
  readonly learners: (context: TableContext) => string;
  readonly charts: (context: TableContext) => { path: string; svg: string }[];
}

export function protocolDocs(dir: string): ProtocolDocs {
  return {
    tables: (context) => protocolTables(context, dir),
    seeds: (context) => protocolSeeds(context, dir),
    bars: (context) => protocolBars(context, dir),
    learners: (context) => protocolLearners(context, dir),
    charts: (context) => protocolCharts(context, dir),
  };
}

/** The full preset's protocol, as the preset is now. */
export const PROTOCOL = protocolDocs(join('rl', 'protocol'));
/** The protocol as run until 2026-12-07, its scholar trained 5 000 iterations a game (docs/RESULTS.md). */
export const PROTOCOL_SCHOLAR_5000 = protocolDocs(join('rl', 'earlier', 'protocol-scholar-5000'));
