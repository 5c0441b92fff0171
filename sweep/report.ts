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

/** The done runs' results merged per (experiment, scenario, arm), in the order the groups first appear. */
export function gatherResults(jobs: readonly ListedJob[]): GroupResult[] {
  const groups = new Map<string, { source: string; result: ResultFile }[]>();
  for (const { id, state, job } of jobs) {
    // Experiments' results only: RL runs have their own measures and merge rules (./rl-report.ts).
    if (state !== 'done' || !job || job.data?.kind !== 'experiment') continue;
    const source = `job ${id}`;
    const result = parseResultFile(job.returnvalue, source);
    const key = JSON.stringify([result.experiment, result.scenario, result.arm]);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push({ source, result });
  }
  return [...groups.values()].map((files) => {
    const merged = mergeResults(files);
    return { experiment: merged.experiment, scenario: merged.scenario, arm: merged.arm, merged };
  });
}

const pct = (x: number): string => (100 * x).toFixed(2);

/** `charts`: the folder (relative to where the report is read) holding the RL retention charts, if written. */
export function reportMarkdown(groups: readonly GroupResult[], rlGroups: readonly RlGroupResult[], jobs: readonly ListedJob[], charts: string | null = null): string {
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
