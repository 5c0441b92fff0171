/**
 * How `dgr experiment` turns a preset and overrides into run configs, and runs one arm over its seeds into a
 * folder (config.json, result.json, report files, a checkpoint per seed). A sweep worker (sweep/) runs its jobs
 * through the same functions, so a run is the same whichever command started it.
 */
import { join } from 'node:path';
import { InvalidArgumentError, Option } from 'commander';
import type { ArmName } from '../core/arms.ts';
import { parseRunConfig, type RunConfig } from '../core/config.ts';
import type { RunResult } from '../core/continual.ts';
import type { BackendName } from '../core/engine/backend-names.ts';
import { findExperiment, GENERATOR_CHOICES, PRESETS, SOLVER_KINDS, type GeneratorChoice, type PresetName, type SolverKind } from '../core/experiments/presets.ts';
import { DEFAULT_SVHN_DIR, missingSvhnFiles, SVHN_FILES, SVHN_URL } from '../core/data/domains/svhn.ts';
import { writeJson } from '../core/json-files.ts';
import { resultFile, type ResultFile } from '../core/results.ts';
import type { ContinualEvent } from '../core/run-events.ts';
import { configFile, finishProvenance, startProvenance, type Provenance } from '../core/provenance.ts';
import { lockRunFolder, lockRunFolderWhenFree } from '../core/run-folder.ts';
import { taskCount } from '../core/stream.ts';
import { intOption, numberOption } from './options.ts';
import { withProgress } from './reporters/progress.ts';
import { addFinishedSeeds, checkRunKind, checkSeedFolders, savedProvenance, takeOverLock, type SeedRunOptions, seedFolder, seedsIn, type SeedInFolder } from './seed-folders.ts';

/** Run settings the command line may change in any config, preset or saved. */
export interface RunSettingOverrides {
  iterations?: number;
  generatorIterations?: number;
  batchSize?: number;
  lr?: number;
  r?: number | 'tasks-so-far';
  evalEvery?: number;
}

/** A preset's settings a run may override (the command line's options, a sweep spec's fields). */
export interface RunOverrides extends RunSettingOverrides {
  preset: PresetName;
  scenario?: 'task' | 'domain' | 'class';
  seed: number;
  generator?: GeneratorChoice;
  solver?: SolverKind;
  svhnDir?: string;
  parallel: boolean;
}

function importanceOption(value: string): number | 'tasks-so-far' {
  if (value === 'tasks-so-far') return value;
  const r = Number(value);
  if (!Number.isFinite(r) || r < 0 || r > 1) throw new InvalidArgumentError(`--r must be in [0, 1] or 'tasks-so-far', got '${value}'`);
  return r;
}

export function presetOption(): Option {
  return new Option('--preset <name>', 'quick: minutes, for a first look and CI; paper: the full protocol').choices(PRESETS).default('quick');
}

/** The command-line options that override a preset's settings (RunOverrides but the preset, scenario and seed). */
export function overrideOptions(): Option[] {
  return [
    new Option('--iterations <n>', 'solver iterations per task').argParser(intOption('--iterations', 1)),
    new Option('--generator-iterations <n>', 'generator iterations per task').argParser(intOption('--generator-iterations', 1)),
    new Option('--batch-size <n>', 'minibatch size').argParser(intOption('--batch-size', 1, 65536)),
    new Option('--lr <x>', "solver's Adam learning rate").argParser(numberOption('--lr', 1e-8, 10)),
    new Option('--r <x>', "importance of the new task: a number in [0, 1] or 'tasks-so-far'").argParser(importanceOption),
    new Option(
      '--generator <kind>',
      "generator model (default: the preset's VAE: like the solver's MLP layers and learning rate, or 400 units beside a CNN; conv-vae: the VAE behind 5x5 convolutions of 32 and 64 channels)",
    ).choices(GENERATOR_CHOICES),
    new Option('--solver <kind>', "solver network (default: the experiment's: MLP, or CNN for the domain pairs)").choices(SOLVER_KINDS),
    new Option('--eval-every <n>', 'evaluate all tasks every n iterations for the curves (0: task ends only)').argParser(intOption('--eval-every', 0)),
    new Option('--svhn-dir <dir>', 'folder with your train_32x32.mat and test_32x32.mat (mnist-svhn, svhn-mnist)'),
    new Option('--no-parallel', 'train the generator in the main thread instead of a worker'),
  ];
}

/** Run settings applied over `base` (a preset's config or a saved one), validated as a whole. */
export function withOverrides(base: RunConfig, opts: RunSettingOverrides, parallel: boolean, source: string): RunConfig {
  const config: RunConfig = {
    ...base,
    ...(opts.iterations !== undefined ? { iterations: opts.iterations } : {}),
    ...(opts.generatorIterations !== undefined ? { generatorIterations: opts.generatorIterations } : {}),
    ...(opts.batchSize !== undefined ? { batchSize: opts.batchSize } : {}),
    ...(opts.r !== undefined ? { importance: opts.r === 'tasks-so-far' ? opts.r : { fixed: opts.r } } : {}),
    ...(opts.evalEvery !== undefined ? { evalEvery: opts.evalEvery } : {}),
    parallel,
  };
  if (opts.lr !== undefined) config.solver = { ...config.solver, adam: { ...config.solver.adam, lr: opts.lr } };
  // Validate the combination as a whole, as a saved config would be.
  return parseRunConfig(config, source);
}

/** One validated config per arm (default: the experiment's own arms) from the preset and the overrides. */
export function experimentConfigs(name: string, arms: readonly ArmName[] | undefined, opts: RunOverrides): RunConfig[] {
  const experiment = findExperiment(name);
  if (opts.scenario && !experiment.scenarios?.includes(opts.scenario)) {
    throw new Error(`experiment ${name} has no scenarios to choose from (--scenario is for split-mnist and permuted-mnist)`);
  }
  return (arms ?? experiment.arms).map((arm) => {
    const preset = experiment.build(opts.preset, {
      arm,
      seed: opts.seed,
      scenario: opts.scenario,
      svhnDir: opts.svhnDir,
      solver: opts.solver,
      generator: opts.generator,
    });
    return withOverrides(preset, opts, opts.parallel, 'command line');
  });
}

/** Says which SVHN files are missing before any work starts, in terms of the command's options. */
export function requireSvhn(configs: readonly RunConfig[]): void {
  for (const { stream } of configs) {
    if (stream.kind !== 'domains' || !stream.domains.includes('svhn')) continue;
    const missing = missingSvhnFiles(stream.svhnDir);
    if (missing.length === 0) continue;
    const where = stream.svhnDir === undefined ? `the default folder ${DEFAULT_SVHN_DIR}` : `--svhn-dir ${stream.svhnDir}`;
    throw new Error(
      `${where}: missing ${missing.join(' and ')}. This experiment needs your own copy of SVHN: download ` +
        `${SVHN_FILES.train} and ${SVHN_FILES.test} (format 2, cropped digits) from ${SVHN_URL} and pass ` +
        `--svhn-dir <the folder that holds them>.`,
    );
  }
}

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
export function checkExperimentFolder(out: string, configs: readonly RunConfig[]): void {
  checkRunKind(out, 'experiment');
  for (const config of configs) {
    const dir = join(out, config.arm);
    checkSeedFolders(dir, config, seedsOfArm(dir, config), parseRunConfig);
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
  options: SeedRunOptions<ContinualEvent> = {},
): Promise<ResultFile | 'stopped'> {
  // Loaded on use, so `dgr --help` and the env commands start without TensorFlow.js.
  const { runContinual } = await import('../core/continual.ts');
  const { writeRunFiles } = await import('../core/report/write.ts');
  const { describeBackend, engineOf } = await import('../core/engine/backend.ts');
  type Run = { result: RunResult; provenance: Provenance };
  const run = async (seed: number): Promise<Run> => {
    const seeded = { ...config, seed };
    // A seed another process finished is read back from its checkpoint: the provenance it recorded is kept.
    const readBack = seedsOfArm(dir, config).some((s) => s.seed === seed && s.finished);
    const started = readBack ? savedProvenance(dir, seed) : startProvenance(engineOf(), command);
    const label = options.label ?? `${config.experiment}/${config.arm}${seeds.length > 1 ? ` seed ${seed}` : ''}`;
    takeOverLock(seedFolder(dir, seed), options);
    const release = lockRunFolder(seedFolder(dir, seed), `the run folder of seed ${seed}`);
    try {
      const result = await withProgress(label, (events) => {
        if (options.subscriber) events.subscribe(options.subscriber);
        return runContinual(seeded, {
          backend,
          events,
          checkpointDir: join(seedFolder(dir, seed), 'checkpoint'),
          shouldStop: options.shouldStop,
        });
      });
      const provenance = readBack ? started : finishProvenance(started);
      writeJson(seedFolder(dir, seed), 'config.json', configFile(seeded, provenance));
      return { result, provenance };
    } finally {
      release();
    }
  };
  const runs = new Map<number, Run>();
  for (const seed of seeds) {
    const done = await run(seed);
    // A row per finished task after the starting row: fewer rows, the run stopped before its end.
    if (done.result.accuracyMatrix.length <= done.result.taskNames.length) return 'stopped';
    runs.set(seed, done);
  }

  // The arm's files hold every finished seed in the folder. One process at a time writes them.
  takeOverLock(dir, options);
  const release = await lockRunFolderWhenFree(dir, 'the arm folder', 120_000);
  try {
    await addFinishedSeeds(dir, seedsOfArm(dir, config), runs, 'task', run);
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
