/**
 * Tables of the RL runs' short-term learners (one per game, shared by the arms of a run) against MinAtar's DQN,
 * and of GR's replay audit, from committed result files.
 */
import { resultLink, type TableContext } from '../../../core/report/docs/document.ts';
import { list, pct } from '../../../core/report/docs/format.ts';
import { spread } from '../../../core/report/aggregate.ts';
import { table } from '../../../core/report/markdown.ts';
import type { RlResultFile } from '../result-file.ts';
import { baseGame, gameTitle, readRl } from './rl-files.ts';

/** MinAtar's DQN at 1M frames, read by eye from Young & Tian 2019's learning curves; half of it is issue 14's bar. */
export const MINATAR_DQN: Readonly<Record<string, number>> = { breakout: 9, freeway: 47, 'space-invaders': 32 };

type Measure = 'score' | 'trainingReturn';

/** Each seed's learner of game i by one measure (null: not recorded). */
const measured = (r: RlResultFile, i: number, measure: Measure): (number | null)[] => r.perSeed.map((s) => s.learners[i][measure] ?? null);

const perSeed = (xs: readonly (number | null)[]): string => list(xs, (x) => (x === null ? '–' : x.toFixed(2)), ' / ');

function meanSem(xs: readonly (number | null)[]): string {
  if (xs.some((x) => x === null)) return 'not recorded';
  const { mean, sem } = spread(xs as number[]);
  return Number.isFinite(sem) ? `${mean.toFixed(2)} ± ${sem.toFixed(2)}` : mean.toFixed(2);
}

/** Which seeds reach `bar`: "every seed", "seeds 2, 3 (not 1)", "no seed". */
function reached(seeds: readonly number[], xs: readonly (number | null)[], bar: number): string {
  if (xs.some((x) => x === null)) return 'not recorded';
  const short = seeds.filter((_, k) => (xs[k] as number) < bar);
  if (short.length === 0) return 'every seed';
  if (short.length === seeds.length) return 'no seed';
  return `seeds ${seeds.filter((s) => !short.includes(s)).join(', ')} (not ${short.join(', ')})`;
}

/** Game i's learners of a result's seeds: greedy and training return per seed and their means, half of MinAtar's
 *  DQN, and which seeds reach it (the cells after the game's name). */
export function learnerCells(r: RlResultFile, i: number): string[] {
  const greedy = measured(r, i, 'score');
  const training = measured(r, i, 'trainingReturn');
  const dqn = MINATAR_DQN[baseGame(r.games[i])];
  const bar = dqn === undefined ? '—' : String(dqn / 2);
  const met = dqn === undefined ? '—' : `${reached(r.seeds, greedy, dqn / 2)}; ${reached(r.seeds, training, dqn / 2)}`;
  return [perSeed(greedy), meanSem(greedy), perSeed(training), meanSem(training), bar, met];
}

/** Each game's learner at the end of its game: greedy and training return per seed, against half of MinAtar's DQN. */
export function learnersTable(context: TableContext, file: string): string {
  const r = readRl(context, file);
  const header = ['game', 'greedy, seeds ' + r.seeds.join(' / '), 'mean ± s.e.m.', 'training return, seeds ' + r.seeds.join(' / '), 'mean ± s.e.m.', 'half of MinAtar’s DQN at 1M', 'reached (greedy; training)'];
  const rows = r.games.map((game, i) => [gameTitle(game), ...learnerCells(r, i)]);
  return [...table(header, rows), '', `From \`perSeed[].learners\` of ${resultLink(context, file)}.`].join('\n');
}

/** A one-seed run's learners with the games' reference policies (normalised = (score − random) / (scripted − random)). */
export function learnersWithReferences(context: TableContext, file: string): string {
  const r = readRl(context, file);
  const [seed] = r.perSeed;
  const rows = r.games.map((game, i) => {
    const l = seed.learners[i];
    const dqn = MINATAR_DQN[baseGame(game)];
    return [gameTitle(game), `${Math.round(l.frames / 1000)}k`, l.score.toFixed(2), `${pct(l.normalised, 1)} %`, String(r.reference[i].random), String(r.reference[i].scripted), dqn === undefined ? '—' : `≈ ${dqn}`];
  });
  const header = ['game', 'frames', 'learner’s greedy return', 'normalised', 'random', 'scripted', 'MinAtar DQN at 1M frames'];
  return [...table(header, rows), '', `Seed ${seed.seed}, from ${resultLink(context, file)} (\`perSeed[0].learners\`, \`reference\`).`].join('\n');
}

/** GR's replay audit per seed and consolidation: raw dreams valid per earlier game, valid for none, agreement. */
export function auditTable(context: TableContext, file: string): string {
  const r = readRl(context, file);
  const rows = r.perSeed.flatMap((s) =>
    s.audits.flatMap((a, k) => {
      if (!a) return [];
      const earlier = r.games.slice(0, k).map(gameTitle);
      const shares = (xs: readonly (number | null)[], digits: number): string => earlier.map((g, j) => `${g} ${xs[j] === null ? '–' : pct(xs[j] as number, digits)} %`).join(', ');
      return [[String(s.seed), gameTitle(r.games[k]), shares(a.valid, 1), `${pct(a.none, 1)} %`, shares(a.agreement, 0)]];
    }),
  );
  const header = ['seed', 'consolidating', 'raw dreams valid for', 'valid for no game', 'old scholar’s action agreement (dreams vs real frames)'];
  return [...table(header, rows), '', `${r.perSeed[0].audits.find((a) => a)?.samples ?? 1000} dreams per consolidation, from \`perSeed[].audits\` of ${resultLink(context, file)}.`].join('\n');
}
