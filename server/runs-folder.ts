/**
 * What `dgr serve --runs DIR` shows: the runs in a folder (a `runs/` tree, a sweep's store), read from the files
 * the runs themselves write — config.json, seed-<n>/ with its checkpoint and lock, <arm>/result.json, curves.csv
 * — each read through its schema, so a damaged file shows as that run's error, never as wrong numbers. Read
 * afresh on every request: a sweep's runs appear as they start.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parseAgentConfig, type AgentConfig } from '../agent/config.ts';
import { configOf } from '../core/provenance.ts';
import { rlResultSchema } from '../agent/report/result-file.ts';
import { lockHolder, SEED_ERROR_FILE } from '../core/run-folder.ts';
import { parseSchedule } from '../env/schedule.ts';
import { MAX_CURVE_ROWS, MAX_RUNS_LISTED, RUNS_API_VERSION, type ArmResult, type CurveRow, type RunDetail, type RunsListing, type RunSummary } from '../protocol/runs.ts';

/** How deep below the served folder runs are looked for (runs/rl/<name>/ is two levels down). */
const MAX_DEPTH = 4;

const SEED_FOLDER = /^seed-(\d+)$/;

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

const isDir = (path: string): boolean => existsSync(path) && statSync(path).isDirectory();
const seedDirs = (dir: string): string[] => readdirSync(dir).filter((name) => SEED_FOLDER.test(name) && isDir(join(dir, name)));

/** A folder is a run when it holds a config.json or seed folders that do. */
function isRun(dir: string): boolean {
  return existsSync(join(dir, 'config.json')) || seedDirs(dir).some((s) => existsSync(join(dir, s, 'config.json')));
}

/** The run folders under `root`, depth first, names sorted; a run's own subfolders are not searched. */
export function findRuns(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number): void => {
    if (isRun(dir)) return void found.push(dir);
    if (depth === MAX_DEPTH) return;
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const path = join(dir, name);
      if (isDir(path)) walk(path, depth + 1);
    }
  };
  walk(root, 0);
  return found;
}

/** Dotted keys to JSON text of the leaves (arrays are leaves): what a table of settings shows. */
export function flattenSettings(value: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flattenSettings(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix !== 'seed') out[prefix] = JSON.stringify(value);
  return out;
}

interface RlRun {
  readonly config: AgentConfig;
  readonly seeds: number[];
}

/** The RL run's config (the folder's, else its first seed's) and its seeds. */
function readRlRun(dir: string): RlRun {
  const seeds = seedDirs(dir).map((s) => Number(SEED_FOLDER.exec(s)![1])).sort((a, b) => a - b);
  const file = existsSync(join(dir, 'config.json')) ? join(dir, 'config.json') : join(dir, `seed-${seeds[0]}`, 'config.json');
  return { config: parseAgentConfig(configOf(readJson(file)), file), seeds };
}

/** Frames a seed has done, from its checkpoint's progress (the learner in progress included). */
function seedFrames(dir: string): number {
  const path = join(dir, 'checkpoint', 'checkpoint.json');
  if (!existsSync(path)) return 0;
  const progress = (readJson(path) as { progress?: { record?: { frames?: unknown }; learner?: { frame?: unknown } } }).progress;
  const frames = typeof progress?.record?.frames === 'number' ? progress.record.frames : 0;
  const learner = typeof progress?.learner?.frame === 'number' ? progress.learner.frame : 0;
  return frames + learner;
}

function rlSummary(root: string, dir: string): RunSummary {
  const { config, seeds } = readRlRun(dir);
  const schedule = parseSchedule(config.schedule);
  const finished = config.arms.every((arm) => existsSync(join(dir, arm, 'result.json')));
  const running = lockHolder(dir) !== null || seeds.some((s) => lockHolder(join(dir, `seed-${s}`)) !== null);
  const errors = seeds.map((s) => join(dir, `seed-${s}`, SEED_ERROR_FILE)).filter((p) => existsSync(p));
  const error = errors.length > 0 ? String((readJson(errors[0]) as { message?: unknown }).message ?? 'unknown error') : null;
  const total = schedule.totalSteps * Math.max(1, seeds.length);
  const done = seeds.reduce((sum, s) => sum + Math.min(schedule.totalSteps, seedFrames(join(dir, `seed-${s}`))), 0);
  return {
    id: runId(root, dir),
    kind: 'rl',
    state: running ? 'running' : finished ? 'finished' : error !== null ? 'failed' : 'stopped',
    progress: { done: finished && !running ? total : done, total, unit: 'frames' },
    error,
    arms: [...config.arms],
    seeds,
    games: schedule.tasks.map((t) => t.task.name),
    settings: flattenSettings(config),
  };
}

/** A classification experiment's folder: listed with its settings; its comparison is not drawn here yet. */
function experimentSummary(root: string, dir: string, config: Record<string, unknown>): RunSummary {
  const running = lockHolder(dir) !== null;
  return {
    id: runId(root, dir),
    kind: 'experiment',
    state: running ? 'running' : existsSync(join(dir, 'report.md')) ? 'finished' : 'stopped',
    progress: null,
    error: null,
    arms: typeof config.arm === 'string' ? [config.arm] : [],
    seeds: typeof config.seed === 'number' ? [config.seed] : [],
    games: [],
    settings: flattenSettings(config),
  };
}

const runId = (root: string, dir: string): string => relative(root, dir).split(sep).join('/') || '.';

/** One run's summary; a run whose files cannot be read is listed as failed, with what was wrong. */
export function summarise(root: string, dir: string): RunSummary {
  try {
    const top = join(dir, 'config.json');
    // Settings only: a config's provenance (who ran it, when) is not a setting to compare.
    const config = existsSync(top) ? (configOf(readJson(top)) as Record<string, unknown>) : null;
    if (config !== null && config.experiment !== 'rl') return experimentSummary(root, dir, config);
    return rlSummary(root, dir);
  } catch (error) {
    return { id: runId(root, dir), kind: 'rl', state: 'failed', progress: null, error: `cannot read the run: ${(error as Error).message}`, arms: [], seeds: [], games: [], settings: {} };
  }
}

/** Keys whose value differs between runs of the same kind (a key one run lacks differs too). */
function differing(runs: readonly RunSummary[]): string[] {
  const keys = new Set<string>();
  for (const kind of ['rl', 'experiment'] as const) {
    const same = runs.filter((r) => r.kind === kind);
    if (same.length < 2) continue;
    const all = new Set(same.flatMap((r) => Object.keys(r.settings)));
    for (const k of all) if (new Set(same.map((r) => r.settings[k])).size > 1) keys.add(k);
  }
  return [...keys].sort();
}

export function listRuns(root: string): RunsListing {
  const dirs = findRuns(root);
  const runs = dirs.slice(0, MAX_RUNS_LISTED).map((dir) => summarise(root, dir));
  return { version: RUNS_API_VERSION, root, runs, truncated: Math.max(0, dirs.length - MAX_RUNS_LISTED), differing: differing(runs) };
}

/** The folder of run `id` under `root`, or null when `id` names no run there (nothing outside `root`). */
export function runFolder(root: string, id: string): string | null {
  const dir = id === '.' ? root : join(root, ...id.split('/'));
  if (id.split('/').some((part) => part === '..' || part === '') || !(dir === root || dir.startsWith(root + sep))) return null;
  return isDir(dir) && isRun(dir) ? dir : null;
}

/** Keeps at most `max` of `rows`, evenly spaced, the first and the last among them. */
export function thin<T>(rows: readonly T[], max: number): T[] {
  if (rows.length <= max) return [...rows];
  return Array.from({ length: max }, (_, i) => rows[Math.round((i * (rows.length - 1)) / (max - 1))]);
}

/** The arms' scholar evaluations of curves.csv (agent/report/files.ts writes it), thinned per arm and seed. */
export function readCurves(path: string): CurveRow[] {
  if (!existsSync(path)) return [];
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const columns = header.split(',');
  if (columns.slice(0, 4).join(',') !== 'seed,who,frame,trained_game') throw new Error(`${path}: not an RL curves.csv (header ${header.slice(0, 60)})`);
  const groups = new Map<string, CurveRow[]>();
  for (const [n, line] of lines.entries()) {
    const cells = line.split(',');
    if (cells.length !== columns.length) throw new Error(`${path}: line ${n + 2} has ${cells.length} cells, the header ${columns.length}`);
    if (cells[1] === 'learner') continue;
    const row: CurveRow = { arm: cells[1], seed: Number(cells[0]), frame: Number(cells[2]), scores: cells.slice(4).map((c) => (c === '' ? null : Number(c))) };
    if (!Number.isFinite(row.seed) || !Number.isFinite(row.frame) || row.scores.some((s) => s !== null && !Number.isFinite(s))) throw new Error(`${path}: line ${n + 2} is not numbers`);
    const key = `${row.arm} ${row.seed}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()].flatMap((rows) => thin(rows, MAX_CURVE_ROWS));
}

function armResult(dir: string, arm: string): ArmResult | null {
  const path = join(dir, arm, 'result.json');
  if (!existsSync(path)) return null;
  const parsed = rlResultSchema.safeParse(readJson(path));
  if (!parsed.success) throw new Error(`${path}: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
  const r = parsed.data;
  const pictures = readdirSync(join(dir, arm))
    .filter((f) => /^(dreams-game\d+\.png|episode-game\d+\.gif)$/.test(f))
    .sort()
    .map((f) => {
      const k = Number(/\d+/.exec(f)![0]) - 1;
      return { title: `${f.startsWith('dreams') ? 'dreams after' : 'playing'} ${r.games[k] ?? `game ${k + 1}`}`, path: `${arm}/${f}` };
    });
  return { arm, seeds: r.seeds, R: r.R, RSem: r.RSem, acc: r.acc, accSem: r.accSem, retention: r.retention, retentionSem: r.retentionSem, pictures };
}

export function runDetail(root: string, dir: string): RunDetail {
  const run = summarise(root, dir);
  if (run.kind !== 'rl' || run.error?.startsWith('cannot read')) return { version: RUNS_API_VERSION, run, arms: [], curves: [], boundaries: [] };
  const { config } = readRlRun(dir);
  const steps = parseSchedule(config.schedule).tasks.map((t) => t.steps);
  const boundaries = steps.reduce<number[]>((b, s) => [...b, b[b.length - 1] + s], [0]);
  const arms = config.arms.map((arm) => armResult(dir, arm)).filter((a): a is ArmResult => a !== null);
  return { version: RUNS_API_VERSION, run, arms, curves: arms.length > 0 ? readCurves(join(dir, 'curves.csv')) : [], boundaries };
}
