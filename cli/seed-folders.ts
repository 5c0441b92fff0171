/**
 * The seed folders of a run's output folder (`<dir>/seed-<n>/checkpoint`), shared by `dgr experiment` and
 * `dgr rl`: which seeds a folder holds, with the config each was started with and whether it finished, so a second
 * run into the folder adds its seeds to the result (never replaces it) and a folder of another config is refused
 * before any work.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { differences, sameRun, type RunSettings } from '../core/config.ts';
import { readJsonFile } from '../core/json-files.ts';

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
