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
import { spread } from '../../../core/report/aggregate.ts';
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

/** One file's earlier games and their retention against both references, one seed (null: nothing learnt). */
interface Kept {
  readonly games: readonly string[];
  readonly kept: Record<RetentionReference, (number | null)[]>;
}

function kept(context: TableContext, file: string): Kept {
  const r = readRl(context, file);
  if (r.perSeed.length !== 1) throw new Error(`${file}: ${r.perSeed.length} seeds; the development table takes one`);
  const earlier = r.games.slice(0, -1);
  const of = (reference: RetentionReference) => earlier.map((_, i) => ratio(seedSamples(r, i)[0], reference));
  return { games: earlier, kept: { scholar: of('scholar'), learner: of('learner') } };
}

const cell = (xs: readonly (number | null)[]): string => xs.map((x) => (x === null ? '–' : pct(x, 1))).join(' / ');

/** Mean and lowest over every (order, game) pair; a game with nothing learnt to keep counts as nothing kept. */
function summary(kepts: readonly Kept[], reference: RetentionReference): string[] {
  const all = kepts.flatMap((k) => k.kept[reference].map((x) => x ?? 0));
  return [`${pct(spread(all).mean, 1)} %`, `${pct(Math.min(...all), 1)} %`];
}

/** One row per candidate: each order's earlier games kept (in the order's own game order), then the mean and the
 *  lowest over every (order, game) pair, against the scholar and against the learner. */
export function choiceTable(context: TableContext, candidates: readonly Candidate[], arm: string): string {
  const rows = candidates.map((c) => {
    const files = ORDERS.map((order) => c.file(order, arm));
    return { label: c.label, files, kepts: files.map((f) => kept(context, f)) };
  });
  const heads = rows[0].kepts.map(({ games }) => `${gameTitle(games[0])} first: ${games.map(gameTitle).join(' / ')} kept (of scholar)`);
  const body = rows.map(({ label, files, kepts }) => [
    label,
    ...kepts.map((k) => `${cell(k.kept.scholar)} %`),
    ...summary(kepts, 'scholar'),
    ...summary(kepts, 'learner'),
    files.map((f, o) => resultLink(context, f, String(o + 1))).join(' '),
  ]);
  const header = ['candidate', ...heads, 'mean (of scholar)', 'lowest (of scholar)', 'mean (of learner)', 'lowest (of learner)', 'files'];
  return table(header, body).join('\n');
}
