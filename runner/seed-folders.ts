/**
 * The seed folders of a run's output folder (`<dir>/seed-<n>/checkpoint`), shared by experiment and RL runs
 * (`dgr experiment`, `dgr rl`, a sweep's jobs): which seeds a folder holds, with the config each was started with and whether it finished, so a second
 * run into the folder adds its seeds to the result (never replaces it) and a folder of another config is refused
 * before any work.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { differences, sameRun, type RunSettings } from '../core/config.ts';
import { readJsonFile } from '../core/json-files.ts';
import { configOf, provenanceSchema, unknownProvenance, type Provenance } from '../core/provenance.ts';
import { lockFreed, lockHolder } from '../core/run-folder.ts';
import type { SeedWatcher, WatchedSeed } from './watchers.ts';

export const seedFolder = (dir: string, seed: number): string => join(dir, `seed-${seed}`);

export interface SeedInFolder<C> {
  readonly seed: number;
  readonly config: C;
  readonly finished: boolean;
}

/** The seeds `dir` holds, from their checkpoints; `finished` reads a checkpoint's progress for its config. */
export function seedsIn<C extends RunSettings>(
  dir: string,
  parseConfig: (raw: unknown, source: string) => C,
  finished: (progress: unknown, config: C) => boolean,
): SeedInFolder<C>[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /^seed-\d+$/.test(name))
    .map((name) => join(dir, name, 'checkpoint', 'checkpoint.json'))
    .filter((path) => existsSync(path))
    .map((path) => {
      const manifest = readJsonFile(path, 'checkpoint') as { config?: unknown; progress?: unknown };
      const config = parseConfig(manifest.config, path);
      return { seed: config.seed, config, finished: finished(manifest.progress, config) };
    })
    .sort((a, b) => a.seed - b.seed);
}

/**
 * Refuses, before any work, a folder that holds seeds of another config, or a config.json of another config
 * (the folder's own, or a seed's that stopped before its first checkpoint): their results would mix. A served
 * run (`served`: the command that adds seeds instead) also refuses the run's other seeds (refuseOtherSeeds).
 */
export function checkSeedFolders<C extends RunSettings>(
  dir: string,
  config: C,
  seeds: readonly SeedInFolder<C>[],
  parseConfig: (raw: unknown, source: string) => C,
  served?: string,
): void {
  const refuse = (what: string, other: C): never => {
    throw new Error(
      `${dir} holds ${what} of another run (its config differs in ${differences(other, config).join(', ')}): ` +
        'its result would be replaced or mixed with this one; choose another --out',
    );
  };
  for (const other of seeds) {
    if (!sameRun({ ...other.config, seed: 0 }, { ...config, seed: 0 })) refuse(`seed ${other.seed}`, other.config);
  }
  const seedConfigs = existsSync(dir) ? readdirSync(dir).filter((name) => /^seed-\d+$/.test(name)).map((name) => join(dir, name, 'config.json')) : [];
  for (const path of [join(dir, 'config.json'), ...seedConfigs].filter((p) => existsSync(p))) {
    const other = parseConfig(configOf(readJsonFile(path, 'the run folder\'s')), path);
    if (!sameRun({ ...other, seed: 0 }, { ...config, seed: 0 })) refuse(path.slice(dir.length + 1), other);
  }
  if (served) refuseOtherSeeds(dir, config.seed, seeds, served);
}

/**
 * For `dgr serve`, whose job writes the result of its one seed alone: refuses a folder that holds other seeds of
 * the run, whose results would drop out of its result.json (`command`, which joins seeds, adds one instead).
 */
function refuseOtherSeeds<C>(dir: string, seed: number, seeds: readonly SeedInFolder<C>[], command: string): void {
  const others = seeds.filter((s) => s.seed !== seed).map((s) => s.seed);
  if (others.length === 0) return;
  throw new Error(
    `${dir} holds seed${others.length > 1 ? 's' : ''} ${others.join(', ')} of this run: \`dgr serve\` writes the result of its one seed ` +
      `(${seed}) alone, which would replace theirs; add seed ${seed} with \`${command}\` and this --out, or serve into another --out`,
  );
}

/** The two kinds of run a folder can hold, as their commands name them. */
export type RunKind = 'rl' | 'experiment';
const COMMANDS: Record<RunKind, string> = { rl: 'dgr rl', experiment: 'dgr experiment' };

/** The `experiment` field of a JSON file a run left ('rl' for RL runs), or null when there is none to read. */
function experimentField(path: string): string | null {
  try {
    const field = (JSON.parse(readFileSync(path, 'utf8')) as { experiment?: unknown } | null)?.experiment;
    return typeof field === 'string' ? field : null;
  } catch {
    return null;
  }
}

const subfolders = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(dir, e.name));

/**
 * Refuses, before any work, a folder that holds the other kind of run. An RL run's folder holds config.json,
 * seed-<n>/ and a folder per arm; an experiment's holds a folder per arm, each with config.json, result.json and
 * seed-<n>/: both have e.g. none/result.json, so one kind run into the other's folder would replace its results.
 * The files runs leave say which kind wrote them (`experiment`: "rl", or the experiment's name).
 */
export function checkRunKind(dir: string, kind: RunKind): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return;
  const level = (folder: string): string[] => [join(folder, 'config.json'), join(folder, 'result.json')];
  const below = subfolders(dir).flatMap((sub) => [...level(sub), ...subfolders(sub).flatMap(level)]);
  for (const path of [...level(dir), ...below]) {
    const field = existsSync(path) ? experimentField(path) : null;
    if (field === null || (field === 'rl') === (kind === 'rl')) continue;
    const other: RunKind = field === 'rl' ? 'rl' : 'experiment';
    throw new Error(
      `${dir} holds a \`${COMMANDS[other]}\` run (${other === 'rl' ? 'RL' : field}: ${path}); a \`${COMMANDS[kind]}\` run there ` +
        'would replace its results. A folder holds one kind of run and one config: choose another --out',
    );
  }
}

/**
 * Adds to `runs` the seeds of `dir` that finished in other processes (--seed 2 beside --seed 3), read back from
 * their finished checkpoints by `readBack`, so the folder's result holds every finished seed and a second run into
 * it adds to its result, never replaces it. Tells `notice` which of its seeds are still running, or stopped before
 * their last `step` (task, game).
 */
export async function addFinishedSeeds<C, R>(
  dir: string,
  seeds: readonly SeedInFolder<C>[],
  runs: Map<number, R>,
  step: string,
  readBack: (seed: number) => Promise<R>,
  notice: (line: string) => void,
): Promise<void> {
  for (const other of seeds) {
    if (runs.has(other.seed)) continue;
    if (!other.finished) {
      const holder = lockHolder(seedFolder(dir, other.seed));
      notice(
        holder
          ? `seed ${other.seed} in ${dir} is still running (process ${holder.pid}): the result holds it once that run ends`
          : `seed ${other.seed} in ${dir} stopped before its last ${step}: run it again with this --out to finish it`,
      );
      continue;
    }
    notice(`seed ${other.seed}, finished earlier in ${dir}, joins the result`);
    runs.set(other.seed, await readBack(other.seed));
  }
}

/** The provenance a seed's folder recorded when its run ended (its config.json), or unknown when it has none
 * (a seed finished by a dgr that did not record it). */
export function savedProvenance(dir: string, seed: number): Provenance {
  const path = join(seedFolder(dir, seed), 'config.json');
  if (!existsSync(path)) return unknownProvenance();
  const saved = provenanceSchema.safeParse((readJsonFile(path, 'seed config') as { provenance?: unknown }).provenance);
  return saved.success ? saved.data : unknownProvenance();
}

/** How a command or a sweep job runs seeds into a folder, beside the run's own settings. The run prints nothing:
 * what it has to say goes to the watchers and notices given here. */
export interface SeedRunOptions<Event> {
  /** The watchers of each seed's run, asked for as the seed starts (progress lines in a terminal or a worker's
   *  log, a sweep job's progress). */
  readonly watch: (seed: WatchedSeed) => readonly SeedWatcher<Event>[];
  /** Told, in a line, of the folder's other seeds: finished earlier and joining the result, still running, or
   *  stopped before their end. */
  readonly notice: (line: string) => void;
  /** True stops the run at its next checkpoint or step (a sweep worker told to shut down); it resumes from its
   *  last checkpoint. */
  readonly shouldStop?: () => boolean;
  /** The progress lines' label (default: what runs, and the seed when there are several). */
  readonly label?: string;
  /** The queue, not the folder's lock, says who runs (a sweep job: its queue gives a run to one worker at a time),
   *  so a lock left from another machine, which cannot be checked from here, is stale; one held by a live process
   *  here is waited for (see takeOverLock). */
  readonly takeOverLocks?: boolean;
}

/** How often a run waiting for a folder's lock looks again. */
const LOCK_POLL_MS = 1000;

/**
 * With `takeOverLocks`, clears the way to `folder`'s lock before the run takes it. A lock held from another machine
 * is a lost worker's (the queue gave the run to this one) and is removed; so is one this process holds (`dgr serve`
 * locks its folders before it starts the run's thread). One held by another live process on this machine is waited
 * for: a worker starved past its job lock's lifetime lost the job to the queue but its run goes on until its next
 * checkpoint (sweep/worker.ts stops it there), and two processes never write one folder.
 */
export async function takeOverLock(folder: string, options: Pick<SeedRunOptions<never>, 'takeOverLocks' | 'notice'>): Promise<void> {
  if (!options.takeOverLocks) return;
  const holder = lockHolder(folder);
  if (holder === null) return;
  if (holder.host !== hostname() || holder.pid === process.pid) {
    rmSync(join(folder, 'run.lock'), { force: true });
    return;
  }
  options.notice(`${folder} is still written by process ${holder.pid} on this machine (a worker that lost this job stops at its next checkpoint): waiting for it`);
  await lockFreed(folder, LOCK_POLL_MS);
}
