/**
 * `dgr experiment <name>`: one command per experiment of the paper. Each arm runs over the requested seeds
 * through the one training loop; each arm's folder gets config.json, result.json and the report files.
 */
import { join } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { ARM_NAMES, type ArmName } from '../../core/arms.ts';
import { parseRunConfig, type RunConfig } from '../../core/config.ts';
import type { RunResult } from '../../core/continual.ts';
import type { BackendName } from '../../core/engine/backend-names.ts';
import { EXPERIMENTS, findExperiment, GENERATOR_CHOICES, PRESETS, SOLVER_KINDS, type GeneratorChoice, type PresetName, type SolverKind } from '../../core/experiments/presets.ts';
import { DEFAULT_SVHN_DIR, missingSvhnFiles, SVHN_FILES, SVHN_URL } from '../../core/data/domains/svhn.ts';
import { backendOption, intOption, numberOption, startBackend } from '../options.ts';
import { progressReporter } from '../reporters/progress.ts';
import { readJsonFile, resultFile, writeJson, type ResultFile } from '../run-files.ts';

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

/** The configs to run: from a saved config.json, or from the preset with the command line's overrides. */
export function configsFor(name: string | undefined, opts: ExperimentOptions): RunConfig[] {
  if (opts.config) {
    const data = readJsonFile(opts.config, '--config');
    return [parseRunConfig(data, opts.config)];
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
  const runs: { seed: number; result: RunResult }[] = [];
  for (const seed of seeds) {
    const seeded = { ...config, seed };
    const label = `${config.experiment}/${config.arm}${seeds.length > 1 ? ` seed ${seed}` : ''}`;
    const progress = progressReporter(label);
    try {
      const result = await runContinual(seeded, {
        backend,
        observer: progress,
        checkpointDir: join(dir, `seed-${seed}`, 'checkpoint'),
      });
      runs.push({ seed, result });
      writeJson(join(dir, `seed-${seed}`), 'config.json', seeded);
    } finally {
      progress.finish();
    }
  }
  writeJson(dir, 'config.json', { ...config, seed: seeds[0] });
  const result = resultFile(config, backend, runs);
  writeJson(dir, 'result.json', result);
  await writeRunFiles(dir, { config, results: runs.map((r) => r.result), seeds, backend, command });
  return result;
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
    .option('--config <file>', 'rerun a saved config.json exactly (other settings come from the file)')
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
    .action(async (name: string | undefined, opts: ExperimentOptions & { list?: boolean }) => {
      if (opts.list) {
        for (const e of EXPERIMENTS) {
          const scenarios = e.scenarios ? `; scenarios ${e.scenarios.join(', ')}` : '';
          const arms = e.armsOnly ? `arm ${e.arms.join(', ')} only` : `arms ${e.arms.join(', ')}`;
          process.stdout.write(`${e.name.padEnd(16)} ${e.title} (${e.paper}); solver ${e.solver}; ${arms}${scenarios}\n`);
        }
        return;
      }
      const configs = configsFor(name, opts);
      requireSvhn(configs);
      const backend = await startBackend(opts.backend as never);
      const out = opts.out ?? join('runs', configs[0].experiment, timestamp());
      const seeds = Array.from({ length: opts.seeds }, (_, k) => configs[0].seed + k);
      const command = ['dgr', ...process.argv.slice(2)].join(' ');
      const summary: ResultFile[] = [];
      for (const config of configs) {
        const result = await runArm(config, seeds, backend, join(out, config.arm), command);
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
