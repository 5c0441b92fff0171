/**
 * Runs one experiment arm over its seeds into a folder (config.json, result.json, report files, a checkpoint per
 * seed), for `dgr experiment`, `dgr rerun` and a sweep's jobs alike, so a run is the same whichever started it.
 * It prints nothing: the caller's watchers see each seed's events (a terminal's progress, a job's progress).
 */
import { join } from 'node:path';
import { parseRunConfig, type RunConfig } from '../core/config.ts';
import type { RunResult } from '../core/continual.ts';
import type { BackendName } from '../core/engine/backend-names.ts';
import { writeJson } from '../core/json-files.ts';
import { resultFile, type ResultFile } from '../core/results.ts';
import type { ClassificationEvent } from '../core/run-events.ts';
import { configFile, finishProvenance, startProvenance, type Provenance } from '../core/provenance.ts';
import { lockRunFolder, lockRunFolderWhenFree } from '../core/run-folder.ts';
import { taskCount } from '../core/stream.ts';
import { addFinishedSeeds, checkRunKind, checkSeedFolders, savedProvenance, takeOverLock, type SeedRunOptions, seedFolder, seedsIn, type SeedInFolder } from './seed-folders.ts';
import { watching } from './watchers.ts';

/** The seeds an arm folder holds; a seed is finished when its checkpoint is past the last task. */
function seedsOfArm(dir: string, config: RunConfig): SeedInFolder<RunConfig>[] {
  const tasks = taskCount(config.stream);
  return seedsIn(dir, parseRunConfig, (progress) => {
    const next = (progress as { nextTask?: unknown } | undefined)?.nextTask;
    return typeof next === 'number' && next >= tasks;
  });
}

/** Refuses, before any work, an experiment's folder that holds an RL run, or arm folders that hold seeds of
 * another config: their results would mix or be replaced. */
export function checkExperimentFolder(out: string, configs: readonly RunConfig[], options: { readonly served?: boolean } = {}): void {
  checkRunKind(out, 'experiment');
  for (const config of configs) {
    const dir = join(out, config.arm);
    checkSeedFolders(dir, config, seedsOfArm(dir, config), parseRunConfig, options.served ? 'dgr experiment' : undefined);
  }
}

/**
 * Runs one arm's config over the seeds into `dir`: each seed checkpoints under `dir/seed-<n>/checkpoint` and
 * resumes from it; then `dir` gets the config, the result (mean ± s.e.m. over every finished seed in the folder)
 * and the report files. 'stopped' when `shouldStop` ended a seed early: its checkpoint is kept, nothing else
 * written.
 */
export async function runArm(
  config: RunConfig,
  seeds: readonly number[],
  backend: BackendName,
  dir: string,
  command: string,
  options: SeedRunOptions<ClassificationEvent>,
): Promise<ResultFile | 'stopped'> {
  // Loaded on use, so `dgr --help` and the env commands start without TensorFlow.js.
  const { runContinual } = await import('../core/continual.ts');
  const { writeRunFiles } = await import('../core/report/write.ts');
  const { describeBackend, engineOf } = await import('../core/engine/backend.ts');
  type Run = { result: RunResult; provenance: Provenance };
  const run = async (seed: number, joining: boolean): Promise<Run> => {
    const seeded = { ...config, seed };
    // A seed another process finished is read back from its checkpoint: the provenance it recorded is kept.
    const readBack = seedsOfArm(dir, config).some((s) => s.seed === seed && s.finished);
    const started = readBack ? savedProvenance(dir, seed) : startProvenance(engineOf(), command);
    const label = options.label ?? `${config.experiment}/${config.arm}${seeds.length > 1 ? ` seed ${seed}` : ''}`;
    await takeOverLock(seedFolder(dir, seed), options);
    const release = lockRunFolder(seedFolder(dir, seed), `the run folder of seed ${seed}`);
    try {
      const result = await watching(options.watch({ seed, label, joining }), (events) =>
        runContinual(seeded, {
          backend,
          events,
          checkpointDir: join(seedFolder(dir, seed), 'checkpoint'),
          shouldStop: options.shouldStop,
        }),
      );
      const provenance = readBack ? started : finishProvenance(started);
      writeJson(seedFolder(dir, seed), 'config.json', configFile(seeded, provenance));
      return { result, provenance };
    } finally {
      release();
    }
  };
  const runs = new Map<number, Run>();
  for (const seed of seeds) {
    const done = await run(seed, false);
    // A row per finished task after the starting row: fewer rows, the run stopped before its end.
    if (done.result.accuracyMatrix.length <= done.result.taskNames.length) return 'stopped';
    runs.set(seed, done);
  }

  // The arm's files hold every finished seed in the folder. One process at a time writes them.
  await takeOverLock(dir, options);
  const release = await lockRunFolderWhenFree(dir, 'the arm folder', 120_000);
  try {
    await addFinishedSeeds(dir, seedsOfArm(dir, config), runs, 'task', (seed) => run(seed, true), options.notice);
    const all = [...runs.entries()].sort(([a], [b]) => a - b).map(([seed, r]) => ({ seed, ...r }));
    const first = { ...config, seed: all[0].seed };
    writeJson(dir, 'config.json', configFile(first, all[0].provenance));
    const result = resultFile(first, backend, all);
    writeJson(dir, 'result.json', result);
    // report.md names the matrix-product path too (wasm + OpenBLAS); result.json keeps the backend's name, so
    // seeds run with and without OpenBLAS still merge.
    await writeRunFiles(dir, { config: first, results: all.map((r) => r.result), seeds: all.map((r) => r.seed), backend: describeBackend(), command });
    return result;
  } finally {
    release();
  }
}
