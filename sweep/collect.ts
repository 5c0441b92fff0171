/**
 * `dgr sweep collect`: a sweep's finished RL runs copied out of the store into a results tree, one folder per
 * (schedule, seed) — `<out>/<schedule>/seed-<n>`, or `seed-<n>-<name>` for other arms or settings on the same
 * seeds (the spec entry's `name`, or --name) — as docs/results/rl/protocol/ holds them and `dgr report docs`
 * merges them. A protocol outlives a session's machine, so each seed is committed as it finishes; this is that
 * step, read from the spec instead of typed by hand. The copy leaves out what only a running or resuming run
 * needs (its checkpoint, its locks) and the SVG twins of the dream sheets (the PNGs stay; the SVGs are most of a
 * folder's size). It reads the store only: no Redis, so it works wherever the store is.
 */
import { cpSync, existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { parseAgentConfig, type AgentConfig } from '../agent/config.ts';
import { FOLDER_WORD, seedFolderName } from '../agent/report/protocol-folders.ts';
import { sameRun } from '../core/config.ts';
import { readJsonFile } from '../core/json-files.ts';
import { configOf } from '../core/provenance.ts';
import { kindOf } from './kinds/index.ts';
import type { SweepJob } from './jobs.ts';

export type CollectOutcome = 'collected' | 'already there' | 'not finished' | 'not an RL run';

export interface Collected {
  readonly id: string;
  readonly outcome: CollectOutcome;
  /** Where the run is (collected, already there) or would go. */
  readonly to: string;
}

/** What a finished run's arms wrote last: each arm's result.json (and the run's report). */
const finishedFiles = (arms: readonly string[]): string[] => [...arms.map((arm) => join(arm, 'result.json')), 'report.md'];

/** The run's settings, written when it starts. */
const RUN_CONFIG = 'config.json';

/** Files a results tree does not keep: checkpoints and locks (a resume's), dream sheets' SVGs (their PNGs stay). */
function kept(path: string): boolean {
  const parts = path.split(sep);
  const name = basename(path);
  if (name === 'run.lock' || parts.includes('checkpoint')) return false;
  return !/^dreams-game\d+\.svg$/.test(name);
}

const same = (a: string, b: string): boolean => readFileSync(a).equals(readFileSync(b));

/**
 * Copies each finished RL job of `jobs` from `store` to `<out>/<schedule>/seed-<n>[-name]`, whole or not at all
 * (into a side folder, then renamed). A destination that holds this run already is left as it is; one that holds
 * another run is refused, naming it, before anything is copied.
 */
export function collectRuns(jobs: readonly SweepJob[], store: string, out: string, name?: string): Collected[] {
  if (!existsSync(store)) throw new Error(`--store: ${store} does not exist (the folder the workers were given as --store)`);
  if (name !== undefined && !FOLDER_WORD.test(name)) throw new Error(`--name: '${name}' is not a folder word (lower-case letters, digits and '-')`);
  const plans = jobs.map((job) => plan(job, store, out, job.collectAs ?? name));
  // Two runs of the spec bound for one folder: the second would be refused, or taken for the first.
  const bound = new Map<string, string>();
  for (const p of plans.filter((x) => x.outcome !== 'not an RL run')) {
    const other = bound.get(p.to);
    if (other) throw new Error(`${other} and ${p.id} would both be collected to ${p.to}: give their spec entries each a "name" (or collect them with --name from specs of their own)`);
    bound.set(p.to, p.id);
  }
  // The same run is the same config (a run resumed after it finished rewrites its files with a new wall time).
  for (const p of plans) {
    if (p.outcome !== 'collect' || !existsSync(p.to)) continue;
    const config = (dir: string): string => join(dir, RUN_CONFIG);
    if (!existsSync(config(p.to)) || !same(config(p.from), config(p.to))) {
      throw new Error(`${p.to} holds another run (its ${RUN_CONFIG} is not ${config(p.from)}'s); remove it or collect with another --name`);
    }
  }
  return plans.map((p) => {
    if (p.outcome !== 'collect') return { id: p.id, outcome: p.outcome, to: p.to };
    if (existsSync(p.to)) return { id: p.id, outcome: 'already there', to: p.to };
    const side = join(dirname(p.to), `.${basename(p.to)}.partial-${process.pid}`);
    rmSync(side, { recursive: true, force: true });
    cpSync(p.from, side, { recursive: true, filter: (source) => kept(relative(p.from, source)) });
    renameSync(side, p.to);
    return { id: p.id, outcome: 'collected', to: p.to };
  });
}

interface Plan {
  readonly id: string;
  readonly outcome: 'collect' | 'not finished' | 'not an RL run';
  readonly from: string;
  readonly to: string;
}

/** Where an RL job's run is collected to: `<out>/<schedule>/seed-<n>[-name]`. */
function destination(config: AgentConfig, out: string, name: string | undefined): string {
  return join(out, config.schedule.name ?? 'custom-schedule', seedFolderName(config.seed, name));
}

/**
 * Whether `out` holds the job's run, collected: its folder there (the spec entry's name, as `collectRuns` puts it)
 * has a config.json of the run's settings (where it computed aside: `sameRun`). A protocol that outlives a
 * session's queue is queued again with this, so the next session runs only the seeds not committed yet.
 */
export function collectedIn(job: SweepJob, out: string): boolean {
  if (job.data.kind !== 'rl') return false;
  const file = join(destination(job.data.config, out, job.collectAs), RUN_CONFIG);
  if (!existsSync(file)) return false;
  return sameRun(parseAgentConfig(configOf(readJsonFile(file, "a collected run's config")), file), job.data.config);
}

function plan(job: SweepJob, store: string, out: string, name: string | undefined): Plan {
  const from = join(store, ...kindOf(job.data).folder(job.data, job.hash));
  if (job.data.kind !== 'rl') return { id: job.id, outcome: 'not an RL run', from, to: from };
  const { config } = job.data;
  const to = destination(config, out, name);
  const finished = [RUN_CONFIG, ...finishedFiles(config.arms)].every((f) => existsSync(join(from, f)));
  return { id: job.id, outcome: finished ? 'collect' : 'not finished', from, to };
}
