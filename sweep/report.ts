/**
 * `dgr sweep report`: the finished runs' results (each job's return value is its run's result.json) gathered per
 * (experiment, scenario, arm) by `dgr merge`'s rules (core/results.ts): mean ± s.e.m. over seeds, refusing results
 * whose configs differ in more than the seed or that contradict themselves. A markdown table like docs/RESULTS.md's, and optionally one merged result.json per
 * group laid out as docs/results/ is (`<experiment>/<scenario>-<arm>.json`).
 */
import { join } from 'node:path';
import { writeJson } from '../core/json-files.ts';
import { duration, table } from '../core/report/markdown.ts';
import { mergeResults, parseResultFile, type ResultFile } from '../core/results.ts';
import type { ListedJob } from './listing.ts';
import { rlReportTables, type RlGroupResult } from './rl-report.ts';
import { retentionSections, retentionSectionsMarkdown } from './rl-statistics.ts';

export interface GroupResult {
  readonly experiment: string;
  readonly scenario: string;
  readonly arm: string;
  readonly merged: ResultFile;
}

/** Groups merged, and the results left out of them, each with its reason. */
export interface Gathered<G> {
  readonly groups: G[];
  readonly leftOut: string[];
}

/**
 * The files of one group merged as far as they agree: a file joins when the group still merges with it. One that
 * does not (a seed twice: one run queued under two ids; another config; a file that contradicts itself) is left
 * out, and the merge's reason names it and the file it conflicts with; the rest is still tabled.
 */
export function mergeWhatAgrees<F extends { readonly source: string }, M>(files: readonly F[], merge: (files: readonly F[]) => M, leftOut: string[]): M | null {
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
export function groupResults<R>(
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

/** The done runs' results merged per (experiment, scenario, arm), in the order the groups first appear. */
export function gatherResults(jobs: readonly ListedJob[]): Gathered<GroupResult> {
  const leftOut: string[] = [];
  // Experiments' results only: RL runs have their own measures and merge rules (./rl-report.ts).
  const entries = jobs
    .filter(({ state, job }) => state === 'done' && job?.data?.kind === 'experiment')
    .map(({ id, job }) => ({ source: `job ${id}`, data: job!.returnvalue }));
  const groups = groupResults(entries, parseResultFile, (r) => JSON.stringify([r.experiment, r.scenario, r.arm]), leftOut).flatMap((files) => {
    const merged = mergeWhatAgrees(files, mergeResults, leftOut);
    return merged ? [{ experiment: merged.experiment, scenario: merged.scenario, arm: merged.arm, merged }] : [];
  });
  return { groups, leftOut };
}

const pct = (x: number): string => (100 * x).toFixed(2);

/** `charts`: the folder (relative to where the report is read) holding the RL retention charts, if written;
 *  `leftOut`: results that could not be merged, each with the one it conflicts with. */
export function reportMarkdown(groups: readonly GroupResult[], rlGroups: readonly RlGroupResult[], jobs: readonly ListedJob[], charts: string | null = null, leftOut: readonly string[] = []): string {
  const rows = groups.map(({ experiment, scenario, arm, merged: r }) => {
    const n = r.seeds.length;
    const acc = r.accSem !== null ? `${pct(r.acc)} ± ${pct(r.accSem)} %` : `${pct(r.acc)} %`;
    const perSeed = r.perSeed ? r.perSeed.map((s) => pct(s.acc)).join(', ') : pct(r.acc);
    return [experiment, scenario, arm, String(n), acc, perSeed, pct(r.bwt), pct(r.forgetting), duration(r.seconds / n)];
  });
  const lines =
    groups.length > 0
      ? table(
          ['experiment', 'scenario', 'arm', 'seeds', 'ACC', 'per seed', 'BWT (points)', 'forgetting (points)', 'time a seed'],
          rows,
          ['l', 'l', 'l', 'r', 'r', 'l', 'r', 'r', 'r'],
        )
      : [];
  if (rlGroups.length > 0) lines.push(...(lines.length > 0 ? [''] : []), ...rlReportTables(rlGroups), ...retentionSectionsMarkdown(retentionSections(rlGroups), charts));
  if (lines.at(-1) === '') lines.pop();
  if (leftOut.length > 0) lines.push('', 'Done but not in the table:', '', ...leftOut.map((why) => `- ${why}`));
  const notDone = jobs.filter((j) => j.state !== 'done');
  if (notDone.length > 0) {
    const count = (state: string): number => notDone.filter((j) => j.state === state).length;
    const parts = ['waiting', 'active', 'failed', 'not queued'].filter((s) => count(s) > 0).map((s) => `${count(s)} ${s}`);
    lines.push('', `Not in the table: ${parts.join(', ')} (\`dgr sweep status\` for each).`);
  }
  if (groups.length === 0 && rlGroups.length === 0) lines.unshift('No finished runs yet.');
  return `${lines.join('\n')}\n`;
}

/** Writes each group's merged result as `<dir>/<experiment>/<scenario>-<arm>.json`; returns the paths. */
export function writeGroupResults(dir: string, groups: readonly GroupResult[]): string[] {
  return groups.map((g) => writeJson(join(dir, g.experiment), `${g.scenario}-${g.arm}.json`, g.merged));
}
