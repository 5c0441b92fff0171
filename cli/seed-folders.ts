/**
 * The seed folders of a run's output folder (`<dir>/seed-<n>/checkpoint`), shared by `dgr experiment` and
 * `dgr rl`: which seeds a folder holds, with the config each was started with and whether it finished, so a second
 * run into the folder adds its seeds to the result (never replaces it) and a folder of another config is refused
 * before any work.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { differences, sameRun, type RunSettings } from '../core/config.ts';
import type { Subscriber } from '../core/events.ts';
import { readJsonFile } from '../core/json-files.ts';
import { provenanceSchema, unknownProvenance, type Provenance } from '../core/provenance.ts';
import { lockHolder } from '../core/run-folder.ts';

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

/** Refuses, before any work, a folder that holds seeds of another config: their results would mix. */
export function checkSeedFolders<C extends RunSettings>(dir: string, config: C, seeds: readonly SeedInFolder<C>[]): void {
  for (const other of seeds) {
    if (!sameRun({ ...other.config, seed: 0 }, { ...config, seed: 0 })) {
      throw new Error(
        `${dir} holds seed ${other.seed} of another run (its config differs in ${differences(other.config, config).join(', ')}): ` +
          'its result would be replaced or mixed with this one; choose another --out',
      );
    }
  }
}

/**
 * Adds to `runs` the seeds of `dir` that finished in other processes (--seed 2 beside --seed 3), read back from
 * their finished checkpoints by `readBack`, so the folder's result holds every finished seed and a second run into
 * it adds to its result, never replaces it. Says which of its seeds are still running, or stopped before their
 * last `step` (task, game).
 */
export async function addFinishedSeeds<C, R>(
  dir: string,
  seeds: readonly SeedInFolder<C>[],
  runs: Map<number, R>,
  step: string,
  readBack: (seed: number) => Promise<R>,
): Promise<void> {
  for (const other of seeds) {
    if (runs.has(other.seed)) continue;
    if (!other.finished) {
      const holder = lockHolder(seedFolder(dir, other.seed));
      process.stderr.write(
        holder
          ? `dgr: seed ${other.seed} in ${dir} is still running (process ${holder.pid}): the result holds it once that run ends\n`
          : `dgr: seed ${other.seed} in ${dir} stopped before its last ${step}: run it again with this --out to finish it\n`,
      );
      continue;
    }
    process.stderr.write(`dgr: seed ${other.seed}, finished earlier in ${dir}, joins the result\n`);
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

/** How a command or a sweep job runs seeds into a folder, beside the run's own settings. */
export interface SeedRunOptions<Event> {
  /** Watches each seed's run beside its progress lines (a sweep worker reports progress to its job). */
  readonly subscriber?: Subscriber<Event>;
  /** True stops the run at its next checkpoint or step (a sweep worker told to shut down); it resumes from its
   *  last checkpoint. */
  readonly shouldStop?: () => boolean;
  /** The progress lines' label (default: what runs, and the seed when there are several). */
  readonly label?: string;
  /** No other process writes this folder (a sweep job: its queue gives a run to one worker at a time), so a lock
   *  left in it, even by a process on another machine that cannot be checked from here, is stale. */
  readonly takeOverLocks?: boolean;
}

/** With `takeOverLocks`, removes the lock a lost process left in `folder`, before taking it. */
export function takeOverLock(folder: string, options: Pick<SeedRunOptions<never>, 'takeOverLocks'>): void {
  if (options.takeOverLocks) rmSync(join(folder, 'run.lock'), { force: true });
}
