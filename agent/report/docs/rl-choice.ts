/**
 * Issue 30's development choice, as a table: for each candidate setting of the scholar, how much of each earlier
 * game an arm keeps on each development run (an order of the three games and a seed), and the mean and the lowest
 * over the (run, game) pairs. The default is chosen by the mean over all orders, never by one order. A run not
 * committed yet shows as such and counts in no mean; the table says how many pairs each mean holds, so a
 * candidate is compared only once its runs are all in.
 *
 * Both references of ../retention-statistics.ts, named: against the scholar's own score right after the game
 * (R[T][i] / R[i][i]) and against the game's learner (R[T][i] / learner i). They differ in what they reward: a
 * loss that distils the current game better raises R[i][i], so the first reference can fall while the final score
 * rises; the second is the same yardstick for every candidate.
 *
 * Candidates are compared on the same learners (the learner cache): a cell whose learners differ from the first
 * row's on that run (trained again on another engine, e.g. OpenBLAS's kernels for another CPU) is marked, and is
 * no paired comparison.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RESULTS_DIR, resultLink, type TableContext } from '../../../core/report/docs/document.ts';
import { spread } from '../../../core/report/aggregate.ts';
import { pct } from '../../../core/report/docs/format.ts';
import { table } from '../../../core/report/markdown.ts';
import { ratio, seedSamples, type RetentionReference } from '../retention-statistics.ts';
import { parseSchedule } from '../../../env/schedule.ts';
import { SCHEDULES } from '../../presets.ts';
import { gameTitle, readRl } from './rl-files.ts';

/** One development run: an order of the games (a preset's schedule name) and a seed. */
export interface DevRun {
  readonly order: string;
  readonly seed: number;
}

/** A candidate setting: how the tables name it, its file for a run and an arm, and the arm it is read for when
 *  not the table's (a comparison row: ER from the same runs as GR's reference). */
export interface Candidate {
  readonly label: string;
  readonly file: (run: DevRun, arm: string) => string;
  readonly arm?: string;
}

/** The three rotations of the three games, as the presets name their schedules. */
export const ORDERS = ['three-games', 'three-games-from-freeway', 'three-games-from-space-invaders'] as const;

/** The first round of development runs: every order on seed 101. */
const SEED_101_RUNS: readonly DevRun[] = ORDERS.map((order) => ({ order, seed: 101 }));

/** One file's earlier games and their retention against both references, one seed (null: nothing learnt). */
interface Kept {
  readonly games: readonly string[];
  readonly kept: Record<RetentionReference, (number | null)[]>;
  /** The learners' greedy scores, which tell whether two files share their learners, and the engine. */
  readonly learners: readonly number[];
  readonly engine: string;
}

function kept(context: TableContext, file: string): Kept {
  const r = readRl(context, file);
  if (r.perSeed.length !== 1) throw new Error(`${file}: ${r.perSeed.length} seeds; the development table takes one`);
  const earlier = r.games.slice(0, -1);
  const of = (reference: RetentionReference) => earlier.map((_, i) => ratio(seedSamples(r, i)[0], reference));
  return { games: earlier, kept: { scholar: of('scholar'), learner: of('learner') }, learners: r.perSeed[0].learners.map((l) => l.score), engine: r.perSeed[0].provenance.engine };
}

const cell = (k: Kept | null, unpaired: boolean): string =>
  k === null ? 'not run yet' : `${k.kept.scholar.map((x) => (x === null ? '–' : pct(x, 1))).join(' / ')} %${unpaired ? ' †' : ''}`;

/** Whether `k` was run on other learners than `reference` (the first row's file of the same run). */
const unpaired = (k: Kept | null, reference: Kept | null): boolean =>
  k !== null && reference !== null && k.learners.some((score, i) => score !== reference.learners[i]);

/** Mean and lowest over every (run, game) pair committed; a game with nothing learnt to keep counts as nothing kept. */
function summary(kepts: readonly (Kept | null)[], reference: RetentionReference): string[] {
  const all = kepts.flatMap((k) => (k === null ? [] : k.kept[reference].map((x) => x ?? 0)));
  return all.length === 0 ? ['–', '–'] : [`${pct(spread(all).mean, 1)} %`, `${pct(Math.min(...all), 1)} %`];
}

/** The run's heading: its order's earlier games, as the named schedule (agent/presets.ts) plays them. */
function runHead(run: DevRun): string {
  const earlier = parseSchedule(SCHEDULES[run.order].build(1)).tasks.slice(0, -1).map((t) => gameTitle(t.task.name));
  return `${earlier[0]} first, seed ${run.seed}: ${earlier.join(' / ')} kept (of scholar)`;
}

/** One row per candidate: each run's earlier games kept (in the order's own game order), then the mean and the
 *  lowest over the (run, game) pairs committed, against the scholar and against the learner, and how many. */
export function choiceTable(context: TableContext, candidates: readonly Candidate[], arm: string, runs: readonly DevRun[] = SEED_101_RUNS): string {
  const committed = (file: string): boolean => existsSync(join(context.root, RESULTS_DIR, file));
  const rows = candidates.map((c) => {
    const files = runs.map((run) => c.file(run, c.arm ?? arm));
    return { label: c.label, files, kepts: files.map((f) => (committed(f) ? kept(context, f) : null)) };
  });
  const heads = runs.map(runHead);
  const marked = rows.map(({ kepts }) => kepts.map((k, i) => unpaired(k, rows[0].kepts[i])));
  const body = rows.map(({ label, files, kepts }, row) => [
    label,
    ...kepts.map((k, i) => cell(k, marked[row][i])),
    String(kepts.reduce((n, k) => n + (k?.games.length ?? 0), 0)),
    ...summary(kepts, 'scholar'),
    ...summary(kepts, 'learner'),
    files.map((f, i) => (kepts[i] === null ? null : resultLink(context, f, String(i + 1)))).filter((link) => link !== null).join(' ') || '–',
  ]);
  const header = ['candidate', ...heads, 'pairs', 'mean (of scholar)', 'lowest (of scholar)', 'mean (of learner)', 'lowest (of learner)', 'files'];
  const engines = [...new Set(rows.flatMap(({ kepts }, row) => kepts.filter((_, i) => marked[row][i]).map((k) => k!.engine)))];
  const note = engines.length === 0 ? [] : ['', `† On other learners than the first row's run of the same order and seed (trained again, on ${engines.join(', ')}; the first row's: ${[...new Set(rows[0].kepts.map((k) => k?.engine).filter((e) => e))].join(', ')}): not a paired comparison.`];
  return [...table(header, body), ...note].join('\n');
}
