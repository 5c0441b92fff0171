/**
 * `dgr sweep report`: the finished runs' results (each job's return value: an experiment's result.json, an RL
 * run's arms' result.json files) merged per group by `dgr merge`'s rules — experiments per (experiment, scenario,
 * arm) (core/results.ts), RL runs per (schedule, arm) (agent/report/merge.ts): mean ± s.e.m. over seeds, refusing
 * results whose configs differ in more than the seed or that contradict themselves. One gathering for both kinds,
 * each kind saying which jobs are its own, how its results group and merge, how its table reads and where its
 * merged files go. A markdown report like docs/RESULTS.md's, and optionally the merged files laid out as
 * docs/results/ is (`<experiment>/<scenario>-<arm>.json`, `rl/<schedule>/<arm>.json`).
 */
import { join } from 'node:path';
import { mergeRlResults, parseRlResult } from '../agent/report/merge.ts';
import { gameKeys, type RlResultFile } from '../agent/report/result-file.ts';
import { writeJson } from '../core/json-files.ts';
import { duration, table } from '../core/report/markdown.ts';
import { mergeResults, parseResultFile, type ResultFile } from '../core/results.ts';
import type { ListedJob } from './listing.ts';
import { retentionSections, retentionSectionsMarkdown } from '../agent/report/retention-sections.ts';

export interface GroupResult {
  readonly experiment: string;
  readonly scenario: string;
  readonly arm: string;
  readonly merged: ResultFile;
}

export interface RlGroupResult {
  readonly schedule: string;
  readonly arm: string;
  readonly merged: RlResultFile;
}

/** The sweep's results of both kinds, merged per group, and the results left out of them, each with its reason. */
export interface SweepResults {
  readonly experiments: GroupResult[];
  readonly rl: RlGroupResult[];
  readonly leftOut: string[];
}

/**
 * The files of one group merged as far as they agree: a file joins when the group still merges with it. One that
 * does not (a seed twice: one run queued under two ids; another config; a file that contradicts itself) is left
 * out, and the merge's reason names it and the file it conflicts with; the rest is still tabled.
 */
function mergeWhatAgrees<F extends { readonly source: string }, M>(files: readonly F[], merge: (files: readonly F[]) => M, leftOut: string[]): M | null {
  const accepted: F[] = [];
  let merged: M | null = null;
  for (const file of files) {
    try {
      merged = merge([...accepted, file]);
      accepted.push(file);
    } catch (error) {
      leftOut.push((error as Error).message); // the merge's errors open with the file's name
    }
  }
  return merged;
}

/** Results read from jobs' return values, grouped by `key`, in the order the groups first appear; a value that
 * is no result of its kind is left out, saying why. */
function groupResults<R>(
  entries: readonly { source: string; data: unknown }[],
  parse: (data: unknown, source: string) => R,
  key: (result: R) => string,
  leftOut: string[],
): { source: string; result: R }[][] {
  const groups = new Map<string, { source: string; result: R }[]>();
  for (const { source, data } of entries) {
    let result: R;
    try {
      result = parse(data, source);
    } catch (error) {
      leftOut.push((error as Error).message); // the parser's errors open with the source
      continue;
    }
    if (!groups.has(key(result))) groups.set(key(result), []);
    groups.get(key(result))!.push({ source, result });
  }
  return [...groups.values()];
}

/** How one kind's results are gathered: which done jobs are its own and the results each returned, how a result
 * is read, what groups it, how a group merges, and the group it makes. */
interface KindResults<R, G> {
  readonly kind: string;
  /** The results a job returned, each with the source its errors name. */
  entries(id: string, returnvalue: unknown): { source: string; data: unknown }[];
  parse(data: unknown, source: string): R;
  key(result: R): string;
  merge(files: readonly { source: string; result: R }[]): R;
  group(merged: R): G;
}

const EXPERIMENTS: KindResults<ResultFile, GroupResult> = {
  kind: 'experiment',
  entries: (id, returnvalue) => [{ source: `job ${id}`, data: returnvalue }],
  parse: parseResultFile,
  key: (r) => JSON.stringify([r.experiment, r.scenario, r.arm]),
  merge: mergeResults,
  group: (merged) => ({ experiment: merged.experiment, scenario: merged.scenario, arm: merged.arm, merged }),
};

const RL: KindResults<RlResultFile, RlGroupResult> = {
  kind: 'rl',
  entries: (id, returnvalue) => {
    const files: unknown[] = Array.isArray(returnvalue) ? returnvalue : [returnvalue];
    return files.map((data, k) => ({ source: `job ${id} (arm ${k + 1})`, data }));
  },
  parse: parseRlResult,
  key: (r) => JSON.stringify([r.schedule, r.arm]),
  merge: mergeRlResults,
  group: (merged) => ({ schedule: merged.schedule, arm: merged.arm, merged }),
};

/** One kind's done results merged per group, in the order the groups first appear; what cannot join its group is
 * left out, saying why, and the rest is still tabled. */
function gather<R, G>(jobs: readonly ListedJob[], kind: KindResults<R, G>, leftOut: string[]): G[] {
  const entries = jobs.filter(({ state, job }) => state === 'done' && job?.data?.kind === kind.kind).flatMap(({ id, job }) => kind.entries(id, job!.returnvalue));
  return groupResults(entries, kind.parse, kind.key, leftOut).flatMap((files) => {
    const merged = mergeWhatAgrees(files, kind.merge, leftOut);
    return merged ? [kind.group(merged)] : [];
  });
}

/** The done runs' results of both kinds, merged per group. */
export function gatherResults(jobs: readonly ListedJob[]): SweepResults {
  const leftOut: string[] = [];
  const experiments = gather(jobs, EXPERIMENTS, leftOut);
  const rl = gather(jobs, RL, leftOut);
  return { experiments, rl, leftOut };
}

const pct = (x: number): string => (100 * x).toFixed(2);

/** The experiments' table: a row per (experiment, scenario, arm). */
function experimentTable(groups: readonly GroupResult[]): string[] {
  if (groups.length === 0) return [];
  const rows = groups.map(({ experiment, scenario, arm, merged: r }) => {
    const n = r.seeds.length;
    const acc = r.accSem !== null ? `${pct(r.acc)} ± ${pct(r.accSem)} %` : `${pct(r.acc)} %`;
    const perSeed = r.perSeed ? r.perSeed.map((s) => pct(s.acc)).join(', ') : pct(r.acc);
    return [experiment, scenario, arm, String(n), acc, perSeed, pct(r.bwt), pct(r.forgetting), duration(r.seconds / n)];
  });
  return table(
    ['experiment', 'scenario', 'arm', 'seeds', 'ACC', 'per seed', 'BWT (points)', 'forgetting (points)', 'time a seed'],
    rows,
    ['l', 'l', 'l', 'r', 'r', 'l', 'r', 'r', 'r'],
  );
}

/** Normalised scores and retention in percent, with the s.e.m. when there are several seeds. */
const scorePct = (mean: number | null, sem: number | null | undefined): string =>
  mean === null ? '–' : `${(100 * mean).toFixed(1)}${sem != null ? ` ± ${(100 * sem).toFixed(1)}` : ''} %`;

/** One table per schedule: a row per arm. */
function rlTables(groups: readonly RlGroupResult[]): string[] {
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
          scorePct(r.acc, r.accSem),
          ...earlier.map((g) => scorePct(r.retention[g], r.retentionSem?.[g])),
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

/** `charts`: the folder (relative to where the report is read) holding the RL retention charts, if written. */
export function reportMarkdown(results: SweepResults, jobs: readonly ListedJob[], charts: string | null = null): string {
  const { experiments, rl, leftOut } = results;
  const lines = experimentTable(experiments);
  if (rl.length > 0) lines.push(...(lines.length > 0 ? [''] : []), ...rlTables(rl), ...retentionSectionsMarkdown(retentionSections(rl.map((g) => g.merged)), charts));
  if (lines.at(-1) === '') lines.pop();
  if (leftOut.length > 0) lines.push('', 'Done but not in the table:', '', ...leftOut.map((why) => `- ${why}`));
  const notDone = jobs.filter((j) => j.state !== 'done');
  if (notDone.length > 0) {
    const count = (state: string): number => notDone.filter((j) => j.state === state).length;
    const parts = ['waiting', 'active', 'failed', 'not queued'].filter((s) => count(s) > 0).map((s) => `${count(s)} ${s}`);
    lines.push('', `Not in the table: ${parts.join(', ')} (\`dgr sweep status\` for each).`);
  }
  if (experiments.length === 0 && rl.length === 0) lines.unshift('No finished runs yet.');
  return `${lines.join('\n')}\n`;
}

/** Writes each group's merged result, `<dir>/<experiment>/<scenario>-<arm>.json` and `<dir>/rl/<schedule>/<arm>.json`;
 * returns the paths. */
export function writeGroupResults(dir: string, results: SweepResults): string[] {
  return [
    ...results.experiments.map((g) => writeJson(join(dir, g.experiment), `${g.scenario}-${g.arm}.json`, g.merged)),
    ...results.rl.map((g) => writeJson(join(dir, 'rl', g.schedule.replaceAll('/', '-')), `${g.arm}.json`, g.merged)),
  ];
}
