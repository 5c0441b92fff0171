/**
 * How `dgr experiment` turns a preset and overrides into run configs, and runs one arm over its seeds into a
 * folder (config.json, result.json, report files, a checkpoint per seed). A sweep worker (sweep/) runs its jobs
 * through the same two functions, so a run is the same whichever command started it.
 */
import { join } from 'node:path';
import { InvalidArgumentError, Option } from 'commander';
import type { ArmName } from '../core/arms.ts';
import { parseRunConfig, type RunConfig } from '../core/config.ts';
import type { RunObserver, RunResult } from '../core/continual.ts';
import type { BackendName } from '../core/engine/backend-names.ts';
import { findExperiment, GENERATOR_CHOICES, PRESETS, SOLVER_KINDS, type GeneratorChoice, type PresetName, type SolverKind } from '../core/experiments/presets.ts';
import { DEFAULT_SVHN_DIR, missingSvhnFiles, SVHN_FILES, SVHN_URL } from '../core/data/domains/svhn.ts';
import { intOption, numberOption } from './options.ts';
import { progressReporter } from './reporters/progress.ts';
import { resultFile, writeJson, type ResultFile } from './run-files.ts';

/** A preset's settings a run may override (the command line's options, a sweep spec's fields). */
export interface RunOverrides {
  preset: PresetName;
  scenario?: 'task' | 'domain' | 'class';
  seed: number;
  iterations?: number;
  generatorIterations?: number;
  batchSize?: number;
  lr?: number;
  r?: number | 'tasks-so-far';
  generator?: GeneratorChoice;
  solver?: SolverKind;
  evalEvery?: number;
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
    const config: RunConfig = {
      ...preset,
      ...(opts.iterations !== undefined ? { iterations: opts.iterations } : {}),
      ...(opts.generatorIterations !== undefined ? { generatorIterations: opts.generatorIterations } : {}),
      ...(opts.batchSize !== undefined ? { batchSize: opts.batchSize } : {}),
      ...(opts.r !== undefined ? { importance: opts.r === 'tasks-so-far' ? opts.r : { fixed: opts.r } } : {}),
      ...(opts.evalEvery !== undefined ? { evalEvery: opts.evalEvery } : {}),
      parallel: opts.parallel,
    };
    if (opts.lr !== undefined) config.solver = { ...config.solver, adam: { ...config.solver.adam, lr: opts.lr } };
    // Validate the combination as a whole, as a saved config would be.
    return parseRunConfig(config, 'command line');
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

export interface ArmRunOptions {
  /** Watches each seed's run beside its progress lines (a sweep worker reports progress to its job). */
  readonly observer?: RunObserver;
  /** Asked after each task's checkpoint: true stops the run there (a sweep worker told to shut down). */
  readonly shouldStop?: () => boolean;
  /** The progress lines' label (default: experiment/arm, and the seed when there are several). */
  readonly label?: string;
}

/** Both observers see every event (the progress lines first). */
function alongside(a: RunObserver, b: RunObserver | undefined): RunObserver {
  if (!b) return a;
  return {
    onStart: (e) => (a.onStart?.(e), b.onStart?.(e)),
    onProgress: (e) => (a.onProgress?.(e), b.onProgress?.(e)),
    onCurve: (e) => (a.onCurve?.(e), b.onCurve?.(e)),
    onTaskEnd: (e) => (a.onTaskEnd?.(e), b.onTaskEnd?.(e)),
  };
}

/**
 * Runs one arm's config over the seeds into `dir`: each seed checkpoints under `dir/seed-<n>/checkpoint` and
 * resumes from it; when all are done, `dir` gets the config, the result (mean ± s.e.m. over seeds) and the
 * report files. 'stopped' when `shouldStop` ended a seed early: its checkpoint is kept and nothing else written.
 */
export async function runArm(
  config: RunConfig,
  seeds: readonly number[],
  backend: BackendName,
  dir: string,
  command: string,
  options: ArmRunOptions = {},
): Promise<ResultFile | 'stopped'> {
  // Loaded on use, so `dgr --help` and the env commands start without TensorFlow.js.
  const { runContinual } = await import('../core/continual.ts');
  const { writeRunFiles } = await import('../core/report/write.ts');
  const runs: { seed: number; result: RunResult }[] = [];
  for (const seed of seeds) {
    const seeded = { ...config, seed };
    const label = options.label ?? `${config.experiment}/${config.arm}${seeds.length > 1 ? ` seed ${seed}` : ''}`;
    const progress = progressReporter(label);
    try {
      const result = await runContinual(seeded, {
        backend,
        observer: alongside(progress, options.observer),
        checkpointDir: join(dir, `seed-${seed}`, 'checkpoint'),
        shouldStop: options.shouldStop,
      });
      // A row per finished task after the starting row: fewer rows, the run stopped before its end.
      if (result.accuracyMatrix.length <= result.taskNames.length) return 'stopped';
      runs.push({ seed, result });
      writeJson(join(dir, `seed-${seed}`), 'config.json', seeded);
    } finally {
      progress.finish();
    }
  }
  writeJson(dir, 'config.json', { ...config, seed: seeds[0] });
  const result = resultFile(config, backend, runs);
  writeJson(dir, 'result.json', result);
  await writeRunFiles(dir, { config, results: runs.map((r) => r.result), seeds: [...seeds], backend, command });
  return result;
}
