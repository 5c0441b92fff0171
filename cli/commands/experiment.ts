/**
 * `dgr experiment <name>`: one command per experiment of the paper. Each arm runs over the requested seeds
 * through the one training loop; each arm's folder gets config.json, result.json and the report files.
 */
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { ARM_NAMES, type ArmName } from '../../core/arms.ts';
import { parseRunConfig, type RunConfig } from '../../core/config.ts';
import { EXPERIMENTS } from '../../core/experiments/presets.ts';
import { readJsonFile } from '../../core/json-files.ts';
import { configOf } from '../../core/provenance.ts';
import type { ResultFile } from '../../core/results.ts';
import { ensureWritableDir } from '../../core/run-folder.ts';
import { experimentConfigs, requireSvhn, withOverrides, type RunOverrides } from '../../runner/experiment-configs.ts';
import { checkExperimentFolder, runArm } from '../../runner/experiment-runs.ts';
import { overrideOptions, presetOption } from '../experiment-options.ts';
import { backendOption, commandLine, distinctChoices, intOption, nativeOption, startBackend } from '../options.ts';
import { runOutput } from '../reporters/progress.ts';
import { sayStopped, stoppableRun } from '../stop-signals.ts';

export interface ExperimentOptions extends RunOverrides {
  arm?: ArmName[];
  seeds: number;
  backend: string;
  native: boolean;
  out?: string;
  config?: string;
}

export function timestamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 19);
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
    const saved = parseRunConfig(configOf(readJsonFile(opts.config, '--config')), opts.config);
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
  return experimentConfigs(name, opts.arm, opts);
}

export function registerExperiment(program: Command): void {
  const experiment = program
    .command('experiment')
    .argument('[name]', `one of: ${EXPERIMENTS.map((e) => e.name).join(', ')}`)
    .description("run one of the paper's experiments; writes config.json, result.json, curves, plots and report.md per arm")
    .option('--list', 'list the experiments, their arms and scenarios')
    .addOption(presetOption())
    .addOption(distinctChoices('--arm <arms...>', "arms to run (default: the experiment's own list)", ARM_NAMES))
    .addOption(new Option('--scenario <scenario>', 'split-mnist / permuted-mnist scenario (default: class / domain)').choices(['task', 'domain', 'class']))
    .option('--seed <n>', 'first seed', intOption('--seed', 0, 2 ** 31 - 1), 1)
    .option('--seeds <n>', 'number of seeds (seed, seed+1, ...); results get mean ± s.e.m.', intOption('--seeds', 1, 100), 1)
    .addOption(backendOption())
    .addOption(nativeOption())
    .option('--out <dir>', 'output folder (default runs/<experiment>/<timestamp>); a folder with checkpoints of the same config resumes')
    .option('--config <file>', "rerun a saved config.json; --arm, --seed(s), --iterations, --generator-iterations, --batch-size, --lr, --r, --eval-every and --no-parallel apply over it");
  for (const option of overrideOptions()) experiment.addOption(option);
  experiment.action(async (name: string | undefined, opts: ExperimentOptions & { list?: boolean }, command: Command) => {
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
      checkExperimentFolder(out, configs);
      const backend = await startBackend(opts.backend as never, opts.native);
      const seeds = Array.from({ length: opts.seeds }, (_, k) => configs[0].seed + k);
      const runCommand = commandLine();
      const summary: ResultFile[] = [];
      // Ctrl-C (or SIGTERM) asks the arm running to stop after its task with a checkpoint; a second one quits at once.
      const stopped = await stoppableRun(async (shouldStop) => {
        for (const config of configs) {
          const result = await runArm(config, seeds, backend, join(out, config.arm), runCommand, { ...runOutput(), shouldStop });
          if (result === 'stopped') return true;
          summary.push(result);
        }
        return false;
      });
      if (stopped) return sayStopped(out, opts.out !== undefined);
      process.stdout.write(`\nresults in ${out}\n`);
      for (const r of summary) {
        const sem = r.accSem !== null && r.seeds.length > 1 ? ` ± ${(100 * r.accSem).toFixed(2)}` : '';
        process.stdout.write(
          `${r.arm.padEnd(11)} ACC ${(100 * r.acc).toFixed(2)}${sem} %  BWT ${(100 * r.bwt).toFixed(2)}  forgetting ${(100 * r.forgetting).toFixed(2)}  (${r.seconds.toFixed(0)} s)\n`,
        );
      }
    });
}
