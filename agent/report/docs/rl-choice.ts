/**
 * Issue 30's development choice, as a table: for each candidate setting of the scholar, how much of each earlier
 * game an arm keeps on each order of the three games (development seed 101), and the mean and the lowest over all
 * (order, game) pairs. The default is chosen by the mean over all orders, never by one order, so a candidate is
 * tabled whole: every order's file must be committed.
 *
 * Both references of ../retention-statistics.ts, named: against the scholar's own score right after the game
 * (R[T][i] / R[i][i]) and against the game's learner (R[T][i] / learner i). They differ in what they reward: a
 * loss that distils the current game better raises R[i][i], so the first reference can fall while the final score
 * rises; the second is the same yardstick for every candidate.
 */
import { resultLink, type TableContext } from '../../../core/report/docs/document.ts';
import { pct } from '../../../core/report/docs/format.ts';
import { table } from '../../../core/report/markdown.ts';
import { ratio, seedSamples, type RetentionReference } from '../retention-statistics.ts';
import { gameTitle, readRl } from './rl-files.ts';

/** A candidate setting: how the tables name it, and its file for an order of games and an arm. */
export interface Candidate {
  readonly label: string;
  readonly file: (order: string, arm: string) => string;
}

/** The three rotations of the three games, as the presets name their schedules. */
export const ORDERS = ['three-games', 'three-games-from-freeway', 'three-games-from-space-invaders'] as const;

/** Retention of every earlier game of one file, one seed, against a reference (null: nothing learnt). */
function kept(context: TableContext, file: string, reference: RetentionReference): { games: string[]; kept: (number | null)[] } {
  const r = readRl(context, file);
  if (r.perSeed.length !== 1) throw new Error(`${file}: ${r.perSeed.length} seeds; the development table takes one`);
  const earlier = r.games.slice(0, -1);
  return { games: earlier, kept: earlier.map((_, i) => ratio(seedSamples(r, i)[0], reference)) };
}

const cell = (xs: readonly (number | null)[]): string => xs.map((x) => (x === null ? '–' : pct(x, 1))).join(' / ');

/** One row per candidate: each order's earlier games kept (in the order's own game order), then the mean and the
 *  lowest over every (order, game) pair, against the scholar and against the learner. */
export function choiceTable(context: TableContext, candidates: readonly Candidate[], arm: string): string {
  const heads = ORDERS.map((order) => {
    const { games } = kept(context, candidates[0].file(order, arm), 'scholar');
    return `${gameTitle(games[0])} first: ${games.map(gameTitle).join(' / ')} kept (of scholar)`;
  });
  const body = candidates.map((c) => {
    const files = ORDERS.map((order) => c.file(order, arm));
    const of = (reference: RetentionReference) => files.map((f) => kept(context, f, reference).kept);
    const summary = (reference: RetentionReference): string[] => {
      const all = of(reference).flat().map((x) => x ?? 0);
      return [`${pct(all.reduce((a, b) => a + b, 0) / all.length, 1)} %`, `${pct(Math.min(...all), 1)} %`];
    };
    return [c.label, ...of('scholar').map((xs) => `${cell(xs)} %`), ...summary('scholar'), ...summary('learner'), files.map((f, o) => resultLink(context, f, String(o + 1))).join(' ')];
  });
  const header = ['candidate', ...heads, 'mean (of scholar)', 'lowest (of scholar)', 'mean (of learner)', 'lowest (of learner)', 'files'];
  return table(header, body).join('\n');
}
