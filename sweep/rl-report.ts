/**
 * `dgr sweep report` for RL runs: each done RL job returns its arms' result.json files; they are merged per
 * (schedule, arm) by `dgr merge`'s RL rules (agent/report/merge.ts: one config but for the seed, no seed twice,
 * every file consistent with its own per-seed numbers), and tabled per schedule: ACC and each earlier game's
 * retention, mean ± s.e.m. over seeds.
 */
import { join } from 'node:path';
import { mergeRlResults, parseRlResult } from '../agent/report/merge.ts';
import { gameKeys, type RlResultFile } from '../agent/report/result-file.ts';
import { writeJson } from '../core/json-files.ts';
import { duration, table } from '../core/report/markdown.ts';
import type { ListedJob } from './listing.ts';
import { groupResults, mergeWhatAgrees, type Gathered } from './report.ts';

export interface RlGroupResult {
  readonly schedule: string;
  readonly arm: string;
  readonly merged: RlResultFile;
}

/** The done RL runs' per-arm results merged per (schedule, arm), in the order the groups first appear; what
 * cannot join its group is left out, saying why, and the rest is still tabled. */
export function gatherRlResults(jobs: readonly ListedJob[]): Gathered<RlGroupResult> {
  const leftOut: string[] = [];
  const entries = jobs
    .filter(({ state, job }) => state === 'done' && job?.data?.kind === 'rl')
    .flatMap(({ id, job }) => {
      const files: unknown[] = Array.isArray(job!.returnvalue) ? job!.returnvalue : [job!.returnvalue];
      return files.map((data, k) => ({ source: `job ${id} (arm ${k + 1})`, data }));
    });
  const groups = groupResults(entries, parseRlResult, (r) => JSON.stringify([r.schedule, r.arm]), leftOut).flatMap((files) => {
    const merged = mergeWhatAgrees(files, mergeRlResults, leftOut);
    return merged ? [{ schedule: merged.schedule, arm: merged.arm, merged }] : [];
  });
  return { groups, leftOut };
}

/** Normalised scores and retention in percent, with the s.e.m. when there are several seeds. */
const pct = (mean: number | null, sem: number | null | undefined): string =>
  mean === null ? '–' : `${(100 * mean).toFixed(1)}${sem != null ? ` ± ${(100 * sem).toFixed(1)}` : ''} %`;

/** One table per schedule: a row per arm. */
export function rlReportTables(groups: readonly RlGroupResult[]): string[] {
  const lines: string[] = [];
  for (const schedule of [...new Set(groups.map((g) => g.schedule))]) {
    const rows = groups.filter((g) => g.schedule === schedule);
    const { games } = rows[0].merged;
    const earlier = gameKeys(games).slice(0, -1);
    lines.push(`RL, schedule ${schedule} (${games.join(' → ')}): ACC is the mean normalised score on every game after the last; retention of a game is R[T][i] / R[i][i], the mean of per-seed ratios ± s.e.m.`, '');
    lines.push(
      ...table(
        ['arm', 'seeds', 'ACC', ...earlier.map((g) => `retention ${g}`), 'per seed ACC', 'time a seed'],
        rows.map(({ arm, merged: r }) => [
          arm,
          String(r.seeds.length),
          pct(r.acc, r.accSem),
          ...earlier.map((g) => pct(r.retention[g], r.retentionSem?.[g])),
          r.perSeed.map((s) => (100 * s.acc).toFixed(1)).join(', '),
          duration(r.seconds / r.seeds.length),
        ]),
        ['l', 'r', 'r', ...earlier.map((): 'r' => 'r'), 'l', 'r'],
      ),
      '',
    );
  }
  return lines;
}

/** Writes each group's merged result as `<dir>/rl/<schedule>/<arm>.json`; returns the paths. */
export function writeRlGroupResults(dir: string, groups: readonly RlGroupResult[]): string[] {
  return groups.map((g) => writeJson(join(dir, 'rl', g.schedule.replaceAll('/', '-')), `${g.arm}.json`, g.merged));
}
