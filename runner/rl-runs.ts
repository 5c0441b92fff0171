/**
 * Runs an RL config over its seeds into a folder (config.json, result.json per arm, report files, a checkpoint per
 * seed), for `dgr rl`, `dgr rerun` and a sweep's jobs alike, so an RL run is the same whichever started it. It
 * prints nothing: the caller's watchers see each seed's events (a terminal's progress, a job's progress).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseAgentConfig, type AgentConfig } from '../agent/config.ts';
import type { AgentControl, AgentEvent } from '../agent/events.ts';
import type { RlResultFile } from '../agent/report/result-file.ts';
import type { BackendName } from '../core/engine/backend-names.ts';
import { writeJson } from '../core/json-files.ts';
import { configFile, finishProvenance, startProvenance, type Provenance } from '../core/provenance.ts';
import { lockRunFolder, lockRunFolderWhenFree, SEED_ERROR_FILE } from '../core/run-folder.ts';
import { addFinishedSeeds, checkRunKind, checkSeedFolders, savedProvenance, takeOverLock, type SeedRunOptions, seedFolder, seedsIn, type SeedInFolder } from './seed-folders.ts';
import { watching } from './watchers.ts';

/** The seeds a run folder holds; a seed is finished when its checkpoint is past the schedule's last game. */
function seedsOfRun(out: string, config: AgentConfig): SeedInFolder<AgentConfig>[] {
  const games = config.schedule.tasks.length;
  return seedsIn(out, parseAgentConfig, (progress) => {
    const game = (progress as { position?: { game?: unknown } } | undefined)?.position?.game;
    return typeof game === 'number' && game >= games;
  });
}

/** Refuses, before any work, a run folder that holds an experiment, or seeds of another config: their results
 * would mix or be replaced. */
export function checkRunFolder(out: string, config: AgentConfig, options: { readonly served?: boolean } = {}): void {
  checkRunKind(out, 'rl');
  checkSeedFolders(out, config, seedsOfRun(out, config), parseAgentConfig, options.served ? 'dgr rl' : undefined);
}

/**
 * Runs the config over the seeds into `out`: each seed checkpoints under `out/seed-<n>/checkpoint` and resumes
 * from it; then `out` gets the config, each arm's result.json (mean ± s.e.m. over every finished seed in the
 * folder) and the report files, which are returned. 'stopped' when `shouldStop` ended a seed early: its last
 * checkpoint is kept, nothing else written.
 */
export async function runSeeds(
  config: AgentConfig,
  seeds: readonly number[],
  backend: BackendName,
  out: string,
  command: string,
  options: SeedRunOptions<AgentEvent> & {
    readonly learnerCache?: string;
    /** The run's controls, read between its steps (a served run's pause, speed, watched game and stop); without
     *  them the run only stops, when `shouldStop` says so. */
    readonly control?: AgentControl;
  },
): Promise<RlResultFile[] | 'stopped'> {
  // Loaded on use, so `dgr --help` and the env commands start without TensorFlow.js.
  const { runAgent, RunStopped } = await import('../agent/run.ts');
  const { defaultControl } = await import('../agent/events.ts');
  const { rlResultFile, seedResult } = await import('../agent/report/result-file.ts');
  const { writeRlRunFiles } = await import('../agent/report/files.ts');
  const { engineOf } = await import('../core/engine/backend.ts');
  type Run = { result: Awaited<ReturnType<typeof runAgent>>; provenance: Provenance };
  const shouldStop = options.shouldStop ?? (() => false);
  // The run reads `stop` between steps; here it asks whoever started the run.
  const control = options.control ?? { ...defaultControl(), get stop() { return shouldStop(); } };
  const run = async (seed: number, joining: boolean): Promise<Run> => {
    const seeded = { ...config, seed };
    const dir = seedFolder(out, seed);
    // A seed another process finished is read back from its checkpoint: the provenance it recorded is kept.
    const readBack = seedsOfRun(out, config).some((s) => s.seed === seed && s.finished);
    const started = readBack ? savedProvenance(out, seed) : startProvenance(engineOf(), command);
    await takeOverLock(dir, options);
    const release = lockRunFolder(dir, `the run folder of seed ${seed}`);
    try {
      writeJson(dir, 'config.json', configFile(seeded, started));
      const label = options.label ?? `rl ${config.arms.join('+')}${seeds.length > 1 ? ` seed ${seed}` : ''}`;
      rmSync(join(dir, SEED_ERROR_FILE), { force: true });
      try {
        const result = await watching(options.watch({ seed, label, joining }), (events) =>
          runAgent(seeded, { backend, events, control, checkpointDir: join(dir, 'checkpoint'), learnerCache: options.learnerCache }),
        );
        const provenance = readBack ? started : finishProvenance(started);
        writeJson(dir, 'config.json', configFile(seeded, provenance));
        return { result, provenance };
      } catch (error) {
        // A failed seed says why in its folder, for whoever lists the runs (dgr serve --runs).
        if (!(error instanceof RunStopped)) writeJson(dir, SEED_ERROR_FILE, { message: error instanceof Error ? error.message : String(error), at: new Date().toISOString() });
        throw error;
      }
    } finally {
      release();
    }
  };
  const runs = new Map<number, Run>();
  try {
    for (const seed of seeds) runs.set(seed, await run(seed, false));
  } catch (error) {
    // Asked to stop: the seed's checkpoint (of its learner mid-game, if it stopped there) is kept; it resumes from there.
    if (error instanceof RunStopped) return 'stopped';
    throw error;
  }

  // The run's files hold every finished seed in the folder. One process at a time writes them.
  await takeOverLock(out, options);
  const release = await lockRunFolderWhenFree(out, 'the run folder', 120_000);
  try {
    await addFinishedSeeds(out, seedsOfRun(out, config), runs, 'game', (seed) => run(seed, true), options.notice);
    const all = [...runs.entries()].sort(([a], [b]) => a - b).map(([seed, r]) => ({ seed, ...r }));
    const [first] = all;
    const files = config.arms.map((arm) =>
      rlResultFile({ ...config, seed: first.seed }, arm, backend, first.result.games, first.result.reference, all.map((r) => seedResult(r.seed, r.result, arm, r.provenance))),
    );
    writeJson(out, 'config.json', configFile({ ...config, seed: first.seed }, first.provenance));
    await writeRlRunFiles({ out, runs: all, files, command, checkpoint: join(seedFolder(out, first.seed), 'checkpoint') });
    return files;
  } finally {
    release();
  }
}
