/**
 * The paper's experiments as data: each names a stream, a solver, a generator, its arms and its numbers, at
 * two scales. `paper` is the full protocol; `quick` runs in minutes on a laptop core (CI and a first look).
 * Nothing here trains: core/continual.ts runs every one of them.
 */
import type { ArmName } from '../arms.ts';
import type { RunConfig, StreamSpec } from '../config.ts';
import type { Scenario } from '../data/types.ts';

export const PRESETS = ['quick', 'paper'] as const;
export type PresetName = (typeof PRESETS)[number];
export const SOLVER_KINDS = ['mlp', 'cnn'] as const;
export type SolverKind = (typeof SOLVER_KINDS)[number];
/** The generators a run may ask for (conv-vae is the VAE model with convolutions: see generatorSpec). */
export const GENERATOR_CHOICES = ['vae', 'conv-vae', 'wgan-gp'] as const;
export type GeneratorChoice = (typeof GENERATOR_CHOICES)[number];

export interface BuildOptions {
  arm: ArmName;
  seed: number;
  scenario?: Scenario;
  svhnDir?: string;
  /** The solver network; each experiment has its own default (`solver`). */
  solver?: SolverKind;
  /** The generator; every experiment's default is the VAE, sized by its preset. */
  generator?: GeneratorChoice;
}

export interface Experiment {
  readonly name: string;
  readonly title: string;
  /** Where it stands in the paper. */
  readonly paper: string;
  /** Arms run when none is named. */
  readonly arms: readonly ArmName[];
  /** Its arms are the only ones that make sense for it (the scholar chain is generative replay itself);
   * otherwise any arm may be asked for. */
  readonly armsOnly?: boolean;
  readonly scenarios?: readonly Scenario[];
  /** The solver network used unless another is asked for. */
  readonly solver: SolverKind;
  build(preset: PresetName, options: BuildOptions): RunConfig;
}

/** What a preset sets: iterations per task, the MLP's layers and learning rate, and how curves are sampled. */
interface Scale {
  readonly iterations: number;
  readonly hidden: number[];
  readonly lr: number;
  readonly curveSamples: number;
  readonly evalEvery: number;
}

/** An experiment as data: its stream, its scale at each preset, and where it departs from the common settings. */
interface ExperimentDefinition extends Omit<Experiment, 'build'> {
  readonly scales: Readonly<Record<PresetName, Scale>>;
  /** The task stream at full size; the quick preset limits its data (QUICK_LIMIT). */
  stream(preset: PresetName, options: BuildOptions): StreamSpec;
  /** r when it is not 1/(tasks so far). */
  readonly importance?: RunConfig['importance'];
}

const QUICK_LIMIT = { train: 6000, test: 1000 };

/** The one place an experiment's settings become a run config. */
function defineExperiment(definition: ExperimentDefinition): Experiment {
  const { scales, stream, importance, ...experiment } = definition;
  return {
    ...experiment,
    build: (preset, options) => {
      if (experiment.armsOnly && !experiment.arms.includes(options.arm)) {
        throw new Error(`${experiment.name} runs only the ${experiment.arms.join(', ')} arm, not '${options.arm}'`);
      }
      const spec = stream(preset, options);
      const config = base(
        experiment.name,
        preset === 'quick' ? { ...spec, limit: QUICK_LIMIT } : spec,
        options.arm,
        options.seed,
        options.solver ?? experiment.solver,
        scales[preset],
      );
      const settled = importance ? { ...config, importance } : config;
      // Every preset trains the VAE it sizes itself; any other generator comes with its own settings.
      return !options.generator || options.generator === 'vae' ? settled : { ...settled, generator: generatorSpec(options.generator) };
    },
  };
}

const adam = (lr: number, beta1 = 0.9, beta2 = 0.999) => ({ lr, beta1, beta2 });

function base(experiment: string, stream: StreamSpec, arm: ArmName, seed: number, solver: SolverKind, scale: Scale): RunConfig {
  return {
    experiment,
    stream,
    arm,
    seed,
    solver: solver === 'cnn' ? cnnSolver(adam(scale.lr)) : { kind: 'mlp', hidden: scale.hidden, adam: adam(scale.lr) },
    // van de Ven & Tolias size the VAE like the classifier's fully connected layers and train it with the same
    // learning rate (their param_values.py: g_fc_uni = fc_units, lr_gen = lr): 2×1000 and 1e-4 on permuted
    // MNIST. Beside a CNN solver the VAE keeps 400 units and 1e-3.
    generator: solver === 'mlp' ? generatorSpec('vae', { hidden: scale.hidden, lr: scale.lr }) : generatorSpec('vae'),
    iterations: scale.iterations,
    generatorIterations: scale.iterations,
    batchSize: 128,
    importance: 'tasks-so-far',
    temperature: 2,
    ewc: { lambda: 5000, samples: 200, gamma: 1 },
    si: { c: 0.1, epsilon: 0.1 },
    evalEvery: scale.evalEvery,
    curveSamples: scale.curveSamples,
    parallel: true,
  };
}

/**
 * The generators a run may use: the VAE of van de Ven & Tolias (400 units and lr 1e-3 unless `fc` sizes it),
 * the same VAE behind convolutions (the CNN solver's 32 and 64 channels, one dense layer of 400 units), or the
 * paper's WGAN-GP (kuc2477's settings).
 */
export function generatorSpec(kind: GeneratorChoice, fc?: { hidden: number[]; lr: number }): RunConfig['generator'] {
  if (kind === 'conv-vae') return { kind: 'vae', channels: [32, 64], hidden: [400], latent: 100, adam: adam(1e-3) };
  return kind === 'vae'
    ? { kind: 'vae', hidden: fc?.hidden ?? [400, 400], latent: 100, adam: adam(fc?.lr ?? 1e-3) }
    : { kind: 'wgan-gp', hidden: [400, 400], latent: 100, criticSteps: 5, penalty: 10, adam: adam(1e-4, 0.5, 0.9) };
}

/** A small CNN in place of a preset's MLP (two strided 5×5 conv layers, 32 and 64 channels, then 128 units). */
export function cnnSolver(adamSettings: RunConfig['solver']['adam']): RunConfig['solver'] {
  return { kind: 'cnn', channels: [32, 64], dense: 128, adam: adamSettings };
}

const splitMnist = defineExperiment({
  name: 'split-mnist',
  title: 'Split MNIST: 5 tasks of 2 digits',
  paper: '§4.3, Fig. 5; van de Ven & Tolias 2019 Table 2',
  arms: ['gr', 'er', 'noise', 'none'],
  scenarios: ['class', 'task', 'domain'],
  solver: 'mlp',
  stream: (_preset, { scenario = 'class' }) => ({ kind: 'split-mnist', scenario, tasks: 5 }),
  scales: {
    quick: { iterations: 300, hidden: [400, 400], lr: 1e-3, curveSamples: 200, evalEvery: 100 },
    paper: { iterations: 2000, hidden: [400, 400], lr: 1e-3, curveSamples: 500, evalEvery: 200 },
  },
});

const permutedMnist = defineExperiment({
  name: 'permuted-mnist',
  title: 'Permuted MNIST: 10 tasks, one pixel permutation each',
  paper: '§4.1, Fig. 3; van de Ven & Tolias 2019',
  arms: ['gr', 'er', 'noise', 'none'],
  scenarios: ['domain', 'task', 'class'],
  solver: 'mlp',
  stream: (preset, { scenario = 'domain' }) => ({ kind: 'permuted-mnist', scenario, tasks: preset === 'quick' ? 3 : 10 }),
  scales: {
    quick: { iterations: 400, hidden: [400, 400], lr: 1e-3, curveSamples: 200, evalEvery: 100 },
    paper: { iterations: 5000, hidden: [1000, 1000], lr: 1e-4, curveSamples: 500, evalEvery: 500 },
  },
});

const scholarChain = defineExperiment({
  name: 'scholar-chain',
  title: 'Scholar chain: solvers 2-5 learn only from the previous scholar',
  paper: '§4.0, Table 1',
  arms: ['gr'],
  armsOnly: true,
  // Paper preset, seed 1: the MLP 784-400-400 reaches 98.39 % on real MNIST and hands on 97.59 % after four
  // generations; this CNN reaches 98.90 % and hands on 98.64 % (Table 1: 98.81 → 98.56). The paper does not
  // name its chain solver; kuc2477's code uses a convolutional one.
  solver: 'cnn',
  stream: (preset) => ({ kind: 'mnist-chain', generations: preset === 'quick' ? 3 : 5 }),
  scales: {
    quick: { iterations: 400, hidden: [400, 400], lr: 1e-3, curveSamples: 500, evalEvery: 0 },
    paper: { iterations: 10000, hidden: [400, 400], lr: 1e-3, curveSamples: 1000, evalEvery: 0 },
  },
  // r = 0: after the first generation the real data is never seen again.
  importance: { fixed: 0 },
});

function domainExperiment(name: string, first: 'mnist' | 'svhn' | 'synthetic', second: 'mnist' | 'svhn' | 'synthetic', arms: ArmName[]): Experiment {
  return defineExperiment({
    name,
    title: `New domain: ${first} → ${second}`,
    paper: '§4.2, Fig. 4',
    arms,
    // Colour digits defeat a small MLP (15.6 % on the synthetic domain after 400 iterations, against 84 % for
    // the CNN), and the paper's code (kuc2477) gives its solver convolutions.
    solver: 'cnn',
    stream: (_preset, { svhnDir }) => ({ kind: 'domains', domains: [first, second], ...(svhnDir ? { svhnDir } : {}) }),
    scales: {
      quick: { iterations: 400, hidden: [400, 400], lr: 1e-3, curveSamples: 200, evalEvery: 100 },
      paper: { iterations: 4000, hidden: [1000, 1000], lr: 1e-3, curveSamples: 500, evalEvery: 250 },
    },
    // kuc2477's setting for the domain pairs: r = 0.4.
    importance: { fixed: 0.4 },
  });
}

export const EXPERIMENTS: readonly Experiment[] = [
  scholarChain,
  permutedMnist,
  splitMnist,
  domainExperiment('mnist-svhn', 'mnist', 'svhn', ['gr', 'er', 'none']),
  domainExperiment('svhn-mnist', 'svhn', 'mnist', ['gr', 'er', 'none']),
  domainExperiment('mnist-synthetic', 'mnist', 'synthetic', ['gr', 'er', 'none']),
  domainExperiment('synthetic-mnist', 'synthetic', 'mnist', ['gr', 'er', 'none']),
  domainExperiment('lwf-gr', 'mnist', 'synthetic', ['lwf', 'lwf-gr']),
];

export function findExperiment(name: string): Experiment {
  const found = EXPERIMENTS.find((e) => e.name === name);
  if (!found) throw new Error(`unknown experiment '${name}': choose one of ${EXPERIMENTS.map((e) => e.name).join(', ')}`);
  return found;
}
