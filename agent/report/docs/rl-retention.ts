/**
 * Tables of how much of each earlier game RL arms keep, from committed result files. Retention of game i is
 * R[T][i] / R[i][i]; over seeds a cell shows both of ../retention-statistics.ts's summaries, named: the mean of
 * per-seed ratios (result.json's `retention`) ± its s.e.m., each seed's ratio in brackets, and the ratio of mean
 * scores where it differs (several seeds).
 */
import { resultLink, type TableContext } from '../../../core/report/docs/document.ts';
import { list, pct, pctSem, signed } from '../../../core/report/docs/format.ts';
import { table } from '../../../core/report/markdown.ts';
import { gameKeys, type RlResultFile } from '../result-file.ts';
import { ratioOfMeanScores, seedSamples } from '../retention-statistics.ts';
import { gameTitle, readRl } from './rl-files.ts';

/** A row of a retention table: an arm's merged result file and how the table names it. */
export interface ArmRow {
  readonly label: string;
  readonly file: string;
}

const percent1 = (x: number | null): string => (x === null ? '–' : `${pct(x, 1)} %`);

/** Retention of earlier game i over a file's seeds: both summaries and each seed's ratio (null: nothing learnt). */
export interface GameRetention {
  readonly meanOfRatios: number | null;
  readonly sem: number | null;
  readonly perSeed: readonly (number | null)[];
  readonly ratioOfMeans: number | null;
}

export function gameRetention(r: RlResultFile, i: number): GameRetention {
  const key = gameKeys(r.games)[i];
  return {
    meanOfRatios: r.retention[key],
    sem: r.retentionSem?.[key] ?? null,
    perSeed: r.perSeed.map((s) => s.retention[i]),
    ratioOfMeans: ratioOfMeanScores([seedSamples(r, i)], 'scholar'),
  };
}

const seedRatios = (g: GameRetention): string => list(g.perSeed, (x) => (x === null ? '–' : pct(x, 1)));

/** Retention of earlier game i: mean of per-seed ratios ± s.e.m. (seeds), and the ratio of mean scores. */
export function retentionCell(r: RlResultFile, i: number): string {
  const g = gameRetention(r, i);
  if (g.meanOfRatios === null) return '– (nothing learnt)';
  if (g.perSeed.length === 1) return percent1(g.meanOfRatios);
  return `${pctSem(g.meanOfRatios, g.sem, 1)} % (${seedRatios(g)}); of mean scores ${percent1(g.ratioOfMeans)}`;
}

/** "Breakout 86.9 % (seeds 67.2, 89.6, 103.9; ratio of mean scores 89.0 %)" for each earlier game of an arm. */
export function keptPhrase(r: RlResultFile): string {
  return r.games.slice(0, -1).map((game, i) => {
    const g = gameRetention(r, i);
    const head = `${gameTitle(game)} ${percent1(g.meanOfRatios)}`;
    return g.perSeed.length === 1 || g.meanOfRatios === null ? head : `${head} (seeds ${seedRatios(g)}; ratio of mean scores ${percent1(g.ratioOfMeans)})`;
  }).join(', ');
}

/** The normalised scores of row k of R (mean over seeds), "a / b / c %". */
const scoresRow = (r: RlResultFile, k: number, games: number): string => `${list(r.R[k].slice(0, games), (x) => pct(x, 1), ' / ')} %`;

/** Arms of one order of games: right after each earlier game, kept at the end, every game at the end, ACC, BWT. */
export function retentionTable(context: TableContext, rows: readonly ArmRow[]): string {
  const files = rows.map((row) => ({ ...row, r: readRl(context, row.file) }));
  const { games } = files[0].r;
  const T = games.length;
  const earlier = games.slice(0, -1).map(gameTitle);
  const header = [
    'arm',
    `right after its game: ${earlier.join(' / ')}`,
    ...earlier.map((g) => `${g} kept`),
    `after ${gameTitle(games[T - 1])}: ${games.map(gameTitle).join(' / ')}`,
    'ACC',
    'BWT (points)',
    'file',
  ];
  const body = files.map(({ label, file, r }) => {
    if (r.games.join() !== games.join()) throw new Error(`${file}: games ${r.games.join(', ')}, not the table's ${games.join(', ')}`);
    const ownGame = list(earlier.map((_, i) => r.R[i + 1][i]), (x) => pct(x, 1), ' / ');
    return [label, `${ownGame} %`, ...earlier.map((_, i) => retentionCell(r, i)), scoresRow(r, T, T), `${pct(r.acc, 1)} %`, signed(100 * r.bwt, 1), resultLink(context, file)];
  });
  return table(header, body).join('\n');
}

/** The five arms of a run whose merged files are `<dir>/three-games-<arm>.json`, GR first. */
export function fiveArms(dir: string, arms: readonly string[] = ['gr', 'er', 'noise', 'none', 'offline']): ArmRow[] {
  return arms.map((arm) => ({ label: arm === 'offline' ? 'offline (reference)' : arm, file: `${dir}/three-games-${arm}.json` }));
}
