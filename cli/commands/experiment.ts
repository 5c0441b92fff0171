/**
 * `dgr experiment <name>`: one command per experiment of the paper. Each arm runs over the requested seeds
 * through the one training loop; each arm's folder gets config.json, result.json and the report files.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { ARM_NAMES, type ArmName } from '../../core/arms.ts';
import { differences, parseRunConfig, sameRun, type RunConfig } from '../../core/config.ts';
import type { RunResult } from '../../core/continual.ts';
import type { BackendName } from '../../core/engine/backend-names.ts';
import { EXPERIMENTS, findExperiment, GENERATOR_CHOICES, PRESETS, SOLVER_KINDS, type GeneratorChoice, type PresetName, type SolverKind } from '../../core/experiments/presets.ts';
import { DEFAULT_SVHN_DIR, missingSvhnFiles, SVHN_FILES, SVHN_URL } from '../../core/data/domains/svhn.ts';
import { backendOption, intOption, numberOption, startBackend } from '../options.ts';
import { readJsonFile, writeJson } from '../../core/json-files.ts';
import { resultFile, type ResultFile } from '../../core/results.ts';
import { ensureWritableDir, lockHolder, lockRunFolder, lockRunFolderWhenFree } from '../../core/run-folder.ts';
import { taskCount } from '../../core/stream.ts';
import { withProgress } from '../reporters/progress.ts';

export interface ExperimentOptions {
  preset: PresetName;
  arm?: ArmName[];
  scenario?: 'task' | 'domain' | 'class';
  seed: number;
  seeds: number;
  backend: string;
  out?: string;
  iterations?: number;
  generatorIterations?: number;
  batchSize?: number;
  lr?: number;
  r?: number | 'tasks-so-far';
  generator?: GeneratorChoice;
  solver?: SolverKind;
  evalEvery?: number;
  svhnDir?: string;
  config?: string;
  parallel: boolean;
}

function importanceOption(value: string): number | 'tasks-so-far' {
  if (value === 'tasks-so-far') return value;
  const r = Number(value);
  if (!Number.isFinite(r) || r < 0 || r > 1) throw new InvalidArgumentError(`--r must be in [0, 1] or 'tasks-so-far', got '${value}'`);
  return r;
}

export function timestamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 19);
}

/** Settings the command line may change in any config, preset or saved: applied over `base`. */
function withOverrides(base: RunConfig, opts: ExperimentOptions, parallel: boolean, source: string): RunConfig {
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

/** Options that choose what a preset builds (its stream and models): a saved config has already chosen them. */
const PRESET_CHOICES = [
  ['preset', '--preset'],
  ['scenario', '--scenario'],
  ['solver', '--solver'],
  ['generator', '--generator'],
  ['svhnDir', '--svhn-dir'],
] as const;

/**
 * The configs to run: from a saved config.json with the command line's run settings over it (arms, seed,
 * iterations, r, ...), or from the preset with the same overrides. Options a saved config cannot take are
 * refused by name, never dropped.
 */
export function configsFor(name: string | undefined, opts: ExperimentOptions, given: (option: string) => boolean): RunConfig[] {
  if (opts.config) {
    const saved = parseRunConfig(readJsonFile(opts.config, '--config'), opts.config);
    const refused: string[] = PRESET_CHOICES.filter(([key]) => given(key)).map(([, flag]) => flag);
    if (name !== undefined && name !== saved.experiment) refused.unshift(`the experiment name '${name}' (the file runs '${saved.experiment}')`);
    if (refused.length > 0) {
      throw new Error(
        `--config ${opts.config} already fixes the experiment, its stream and its models: ${refused.join(', ')} cannot be combined with it; ` +
          'drop them, or leave out --config to build the run from a preset',
      );
    }
    const seed = given('seed') ? opts.seed : saved.seed;
    const parallel = given('parallel') ? opts.parallel : saved.parallel;
    return (opts.arm ?? [saved.arm]).map((arm) => withOverrides({ ...saved, arm, seed }, opts, parallel, `${opts.config} with the command line's options`));
  }
  if (!name) throw new Error('name an experiment (see `dgr experiment --list`) or give --config <config.json>');
  const experiment = findExperiment(name);
  if (opts.scenario && !experiment.scenarios?.includes(opts.scenario)) {
    throw new Error(`experiment ${name} has no scenarios to choose from (--scenario is for split-mnist and permuted-mnist)`);
  }
  const arms = opts.arm ?? experiment.arms;
  return arms.map((arm) => {
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

/** Says which SVHN files are missing before any work starts, in terms of this command's options. */
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

const seedFolder = (dir: string, seed: number): string => join(dir, `seed-${seed}`);

/** The seeds whose folders an arm folder holds, with the config each was started with (from its checkpoint). */
function seedsIn(dir: string): { seed: number; config: RunConfig; nextTask: number }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /^seed-\d+$/.test(name))
    .map((name) => join(dir, name, 'checkpoint', 'checkpoint.json'))
    .filter((path) => existsSync(path))
    .map((path) => {
      const manifest = readJsonFile(path, 'checkpoint') as { config?: unknown; progress?: { nextTask?: unknown } };
      const config = parseRunConfig(manifest.config, path);
      const nextTask = typeof manifest.progress?.nextTask === 'number' ? manifest.progress.nextTask : 0;
      return { seed: config.seed, config, nextTask };
    })
    .sort((a, b) => a.seed - b.seed);
}

/** Refuses, before any work, an arm folder that holds seeds of another config: their results would mix. */
function checkArmFolder(dir: string, config: RunConfig): void {
  for (const other of seedsIn(dir)) {
    if (!sameRun({ ...other.config, seed: 0 }, { ...config, seed: 0 })) {
      throw new Error(
        `${dir} holds seed ${other.seed} of another run (its config differs in ${differences(other.config, config).join(', ')}): ` +
          'its result would be replaced or mixed with this one; choose another --out',
      );
    }
  }
}

async function runArm(
  config: RunConfig,
  seeds: number[],
  backend: BackendName,
  dir: string,
  command: string,
): Promise<ResultFile> {
  // Loaded on use, so `dgr --help` and the env commands start without TensorFlow.js.
  const { runContinual } = await import('../../core/continual.ts');
  const { writeRunFiles } = await import('../../core/report/write.ts');
  const run = async (seed: number): Promise<RunResult> => {
    const seeded = { ...config, seed };
    const label = `${config.experiment}/${config.arm}${seeds.length > 1 ? ` seed ${seed}` : ''}`;
    const release = lockRunFolder(seedFolder(dir, seed), `the run folder of seed ${seed}`);
    try {
      const result = await withProgress(label, (events) =>
        runContinual(seeded, { backend, events, checkpointDir: join(seedFolder(dir, seed), 'checkpoint') }),
      );
      writeJson(seedFolder(dir, seed), 'config.json', seeded);
      return result;
    } finally {
      release();
    }
  };
  const runs = new Map<number, RunResult>();
  for (const seed of seeds) runs.set(seed, await run(seed));

  // The arm's files hold every finished seed in the folder: other processes' (--seed 2 beside --seed 3) are
  // read back from their finished checkpoints, so a second run into the folder adds to its result, never
  // replaces it. One process at a time writes them.
  const release = await lockRunFolderWhenFree(dir, 'the arm folder', 120_000);
  try {
    const tasks = taskCount(config.stream);
    for (const other of seedsIn(dir)) {
      if (runs.has(other.seed)) continue;
      if (other.nextTask < tasks) {
        const holder = lockHolder(seedFolder(dir, other.seed));
        process.stderr.write(
          holder
            ? `dgr: seed ${other.seed} in ${dir} is still running (process ${holder.pid}): the result holds it once that run ends\n`
            : `dgr: seed ${other.seed} in ${dir} stopped after task ${other.nextTask} of ${tasks}: run it again with this --out to finish it\n`,
        );
        continue;
      }
      process.stderr.write(`dgr: seed ${other.seed}, finished earlier in ${dir}, joins the result\n`);
      runs.set(other.seed, await run(other.seed));
    }
    const all = [...runs.entries()].sort(([a], [b]) => a - b).map(([seed, result]) => ({ seed, result }));
    const first = { ...config, seed: all[0].seed };
    writeJson(dir, 'config.json', first);
    const result = resultFile(first, backend, all);
    writeJson(dir, 'result.json', result);
    await writeRunFiles(dir, { config: first, results: all.map((r) => r.result), seeds: all.map((r) => r.seed), backend, command });
    return result;
  } finally {
    release();
  }
}

/** The options that choose and adjust a classification run; `dgr serve` takes the same ones. */
export function addExperimentOptions(command: Command, { preset = true, seed = true } = {}): Command {
  if (preset) command.addOption(new Option('--preset <name>', 'quick: minutes, for a first look and CI; paper: the full protocol').choices(PRESETS).default('quick'));
  if (seed) command.option('--seed <n>', 'first seed', intOption('--seed', 0, 2 ** 31 - 1), 1);
  return command
    .addOption(new Option('--arm <arms...>', "arms to run (default: the experiment's own list)").choices(ARM_NAMES))
    .addOption(new Option('--scenario <scenario>', 'split-mnist / permuted-mnist scenario (default: class / domain)').choices(['task', 'domain', 'class']))
    .addOption(backendOption())
    .option('--out <dir>', 'output folder (default runs/<experiment>/<timestamp>); a folder with checkpoints of the same config resumes')
    .option('--iterations <n>', 'solver iterations per task', intOption('--iterations', 1))
    .option('--generator-iterations <n>', 'generator iterations per task', intOption('--generator-iterations', 1))
    .option('--batch-size <n>', 'minibatch size', intOption('--batch-size', 1, 65536))
    .option('--lr <x>', "solver's Adam learning rate", numberOption('--lr', 1e-8, 10))
    .option('--r <x>', "importance of the new task: a number in [0, 1] or 'tasks-so-far'", importanceOption)
    .addOption(new Option('--generator <kind>', "generator model (default: the preset's VAE: like the solver's MLP layers and learning rate, or 400 units beside a CNN; conv-vae: the VAE behind 5x5 convolutions of 32 and 64 channels)").choices(GENERATOR_CHOICES))
    .addOption(
      new Option('--solver <kind>', "solver network (default: the experiment's: MLP, or CNN for the domain pairs)").choices(SOLVER_KINDS),
    )
    .option('--eval-every <n>', 'evaluate all tasks every n iterations for the curves (0: task ends only)', intOption('--eval-every', 0))
    .option('--svhn-dir <dir>', 'folder with your train_32x32.mat and test_32x32.mat (mnist-svhn, svhn-mnist)')
    .option('--config <file>', "rerun a saved config.json; --arm, --seed(s), --iterations, --generator-iterations, --batch-size, --lr, --r, --eval-every and --no-parallel apply over it")
    .option('--no-parallel', 'train the generator in the main thread instead of a worker');
}

export function registerExperiment(program: Command): void {
  const experiment = program
    .command('experiment')
    .argument('[name]', `one of: ${EXPERIMENTS.map((e) => e.name).join(', ')}`)
    .description("run one of the paper's experiments; writes config.json, result.json, curves, plots and report.md per arm")
    .option('--list', 'list the experiments, their arms and scenarios');
  addExperimentOptions(experiment)
    .option('--seeds <n>', 'number of seeds (seed, seed+1, ...); results get mean ± s.e.m.', intOption('--seeds', 1, 100), 1)
    .action(async (name: string | undefined, opts: ExperimentOptions & { list?: boolean }, command: Command) => {
      if (opts.list) {
        for (const e of EXPERIMENTS) {
          const scenarios = e.scenarios ? `; scenarios ${e.scenarios.join(', ')}` : '';
          const arms = e.armsOnly ? `arm ${e.arms.join(', ')} only` : `arms ${e.arms.join(', ')}`;
          process.stdout.write(`${e.name.padEnd(16)} ${e.title} (${e.paper}); solver ${e.solver}; ${arms}${scenarios}\n`);
        }
        return;
      }
      const given = (option: string): boolean => command.getOptionValueSource(option) === 'cli';
      const configs = configsFor(name, opts, given);
      requireSvhn(configs);
      const out = opts.out ?? join('runs', configs[0].experiment, timestamp());
      // Before any work: the folder can be written, and holds no other run's seeds.
      ensureWritableDir(out, '--out');
      for (const config of configs) checkArmFolder(join(out, config.arm), config);
      const backend = await startBackend(opts.backend as never);
      const seeds = Array.from({ length: opts.seeds }, (_, k) => configs[0].seed + k);
      const commandLine = ['dgr', ...process.argv.slice(2)].join(' ');
      const summary: ResultFile[] = [];
      for (const config of configs) {
        const result = await runArm(config, seeds, backend, join(out, config.arm), commandLine);
        summary.push(result);
      }
      process.stdout.write(`\nresults in ${out}\n`);
      for (const r of summary) {
        const sem = r.accSem !== null && r.seeds.length > 1 ? ` ± ${(100 * r.accSem).toFixed(2)}` : '';
        process.stdout.write(
          `${r.arm.padEnd(11)} ACC ${(100 * r.acc).toFixed(2)}${sem} %  BWT ${(100 * r.bwt).toFixed(2)}  forgetting ${(100 * r.forgetting).toFixed(2)}  (${r.seconds.toFixed(0)} s)\n`,
        );
      }
    });
}
