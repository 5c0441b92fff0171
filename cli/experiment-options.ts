/** The command-line options of experiment runs (`dgr experiment`, `dgr serve experiment`, `dgr sweep`) that
 * choose a preset and override its settings: runner/experiment-configs.ts's RunOverrides, parsed at the boundary. */
import { InvalidArgumentError, Option } from 'commander';
import { GENERATOR_CHOICES, PRESETS, SOLVER_KINDS } from '../core/experiments/presets.ts';
import { intOption, numberOption } from './options.ts';

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

