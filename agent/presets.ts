/**
 * The RL presets and named schedules, as data: `quick` (minutes: CI and a first look), `demo` (what `npm start`
 * shows live: three games a person can watch being learnt and kept or forgotten), `full` (the measured protocol:
 * three games of 500k frames, the retention targets). Every number is a default of one typed settings
 * object (./config.ts) that the CLI, the server and sweeps share; the command line overrides a few of them.
 */
import type { ScheduleSchema } from '../env/schedule.ts';
import type { z } from 'zod';
import { resolveTask } from '../env/task.ts';
import { ADDED_SETTINGS, AGENT_ARMS, parseAgentConfig, type AgentArm, type AgentConfig, type AgentConfigInput, type DreamKeep } from './config.ts';
import { observationGridVae } from './grid-generator.ts';

export const AGENT_PRESETS = ['quick', 'demo', 'full'] as const;
export type AgentPresetName = (typeof AGENT_PRESETS)[number];

type ScheduleJson = z.input<typeof ScheduleSchema>;

/** Games in sequence, each for `frames` frames. Seaquest needs millions of frames to learn (MinAtar), so the
 *  measured schedules leave it out. */
const sequence = (name: string, games: readonly string[]) => (frames: number): ScheduleJson => ({
  name,
  tasks: games.map((task) => ({ task, steps: frames })),
});

export const SCHEDULES: Record<string, { readonly description: string; readonly build: (frames: number) => ScheduleJson }> = {
  // Freeway as MinAtar plays it (freeway/steady: traffic that does not speed up as the chicken scores), so its
  // learner is measured against MinAtar's DQN on the same game (docs/RESULTS.md).
  'three-games': { description: 'Breakout → Freeway (steady traffic, as MinAtar) → Space Invaders', build: sequence('three-games', ['breakout', 'freeway/steady', 'space-invaders']) },
  // The other two rotations of the same three games: the protocol measures every arm on all three orders, so a
  // result cannot rest on one order (docs/RL.md, issue 30).
  'three-games-from-freeway': { description: 'Freeway (steady traffic) → Space Invaders → Breakout', build: sequence('three-games-from-freeway', ['freeway/steady', 'space-invaders', 'breakout']) },
  'three-games-from-space-invaders': { description: 'Space Invaders → Breakout → Freeway (steady traffic)', build: sequence('three-games-from-space-invaders', ['space-invaders', 'breakout', 'freeway/steady']) },
  'two-games': { description: 'Freeway with slow traffic → Breakout', build: sequence('two-games', ['freeway/slow', 'breakout']) },
  'breakout-mirrored': { description: 'Breakout → Breakout with mirrored controls → Breakout', build: sequence('breakout-mirrored', ['breakout', 'breakout/mirrored', 'breakout']) },
  'four-games': { description: 'Breakout → Freeway → Space Invaders → Asterix', build: sequence('four-games', ['breakout', 'freeway', 'space-invaders', 'asterix']) },
};

interface PresetSpec {
  readonly description: string;
  readonly schedule: string;
  readonly framesPerGame: number;
  readonly arms: readonly AgentArm[];
  /** The generator it replays with unless told otherwise: its config's VAE, or the grid VAE at the VAE's β. */
  readonly generator: PresetGenerator;
  readonly config: Omit<AgentConfigInput, 'experiment' | 'preset' | 'schedule' | 'arms' | 'seed' | 'parallel'>;
}

const adam = (lr: number) => ({ lr, beta1: 0.9, beta2: 0.999 });
const network = { channels: 16, hidden: 128 };
const wideScholar = { channels: 32, hidden: 256 };
/** The generator of observations: a Bernoulli VAE 700-400-400-z32 as in ../shared/bench/torch_rl_reference.py,
 *  its samples drawn to 0/1 cells. The presets replay only its valid dreams (`keep: 'valid'`, ./valid-dreams.ts):
 *  replaying all of them kept 79 ± 19 % of Breakout and 65 ± 15 % of Freeway over 3 seeds of the full preset
 *  (docs/RESULTS.md). */
const observationVae = { kind: 'vae' as const, hidden: [400, 400], latent: 32, draw: 'bernoulli' as const, adam: adam(1e-3) };
/** The alternative (`generator: 'grid-vae'`): a 3×3 conv of 32 channels, dense 256, z 32, its decoder drawing each channel
 *  as the schedule's games occupy it (./grid-generator.ts); a training step costs about what the VAE's does. */
const observationGridVaeSize = { channels: [32], hidden: 256, latent: 32, adam: adam(1e-3) };

/** Hidden replay's generator (the gr-hidden arm): a VAE of the learner's convolution features (10×10×16 values in
 *  [0, 1]) with the observation VAE's layers and β, its samples the decoder's means. */
const featureVae = { kind: 'vae' as const, hidden: [400, 400], latent: 32, beta: 0.1, adam: adam(1e-3) };

/** Generators a preset can replay with: its own VAE, or the grid VAE at the same β. */
export const PRESET_GENERATORS = ['vae', 'grid-vae'] as const;
export type PresetGenerator = (typeof PRESET_GENERATORS)[number];

/** MinAtar's DQN settings (./config.ts cites them), updating every 4 frames; presets change what they must. */
const minatarLearner: PresetSpec['config']['learner'] = {
  numEnvs: 16,
  bufferSize: 100_000,
  batchSize: 32,
  gamma: 0.99,
  learningStarts: 5_000,
  updateEvery: 4,
  targetUpdateEvery: 250,
  epsilon: { start: 1, end: 0.1, decayFrames: 100_000 },
  network,
  adam: adam(2.5e-4),
  loss: 'huber',
};

const PRESETS: Record<AgentPresetName, PresetSpec> = {
  quick: {
    description: 'two games of 40k frames: minutes, for a first look and CI',
    schedule: 'two-games',
    framesPerGame: 40_000,
    arms: ['gr', 'none'],
    generator: 'vae',
    config: {
      learner: {
        ...minatarLearner,
        bufferSize: 40_000,
        learningStarts: 1_000,
        // Short games learn faster with more, larger updates (measured: slow-traffic Freeway in 16k frames).
        updateEvery: 2,
        epsilon: { start: 1, end: 0.05, decayFrames: 20_000 },
        adam: adam(1e-3),
      },
      scholar: { network, adam: adam(1e-3), iterations: 600, batchSize: 64, importance: 'tasks-so-far', loss: 'mse', normalise: true, observations: 8_000 },
      generator: { model: observationVae, iterations: 600, batchSize: 64, keep: 'valid' },
      er: { capacity: 8_000 },
      evaluation: { every: 10_000, episodes: 8, maxSteps: 1_000, referenceEpisodes: 10 },
    },
  },
  demo: {
    description: 'three games of 150k frames, to watch live (npm start)',
    schedule: 'three-games',
    framesPerGame: 150_000,
    arms: ['gr', 'none'],
    generator: 'vae',
    config: {
      learner: { ...minatarLearner, epsilon: { start: 1, end: 0.1, decayFrames: 60_000 } },
      scholar: { network, adam: adam(1e-3), iterations: 2_000, batchSize: 128, importance: 'tasks-so-far', loss: 'mse', normalise: true, observations: 20_000 },
      generator: { model: observationVae, iterations: 2_000, batchSize: 128, keep: 'valid' },
      er: { capacity: 20_000 },
      evaluation: { every: 25_000, episodes: 8, maxSteps: 2_500, referenceEpisodes: 20 },
    },
  },
  full: {
    description: 'three games of 500k frames, all five arms: the measured protocol',
    schedule: 'three-games',
    framesPerGame: 500_000,
    arms: ['gr', 'er', 'noise', 'none', 'offline'],
    // Policy distillation with the grid VAE: of three candidates run on all three orders of the games (development
    // seed 101), the only one whose GR kept every earlier game at 90 % or more on every order (docs/RESULTS.md,
    // "The choice"); the MLP VAE (`generator: 'vae'`) with MSE was the preset before.
    generator: 'grid-vae',
    config: {
      learner: minatarLearner,
      // The scholar is twice a learner's width and its VAE weighs KL by β = 0.1 (a β-VAE, Higgins et al. 2017):
      // with MinAtar's Freeway, the learner-sized scholar and β = 1 kept 77 and 55 % of Breakout and Freeway, the
      // wide one 73 and 74 %, the wide one at β = 0.1 87 and 82 % (3 seeds each, docs/RESULTS.md). It distils the
      // learner's policy, a cross-entropy to its Q-values sharpened at T = 0.01 (Rusu et al. 2016, their best T):
      // with MSE the scholar played Space Invaders right after its game at half its learner's score. It trains
      // 15 000 iterations a game, not 5 000: of the second round's candidates (a generator per game, the generator or
      // the scholar at 15 000 iterations, hidden replay; development seeds 102-103 on all three orders) it kept the
      // most, 96.7 % of the earlier games by the mean and 84.2 % at the lowest (5 000: 92.7 and 62.9 %). At 5 000 the
      // scholar had not fitted its teacher: at the third game Q_k kept Q_(k-1)'s action on 75 % of Space Invaders'
      // frames, at 15 000 on 87 % (docs/RESULTS.md, "The second round"). It triples the consolidations' time.
      scholar: { network: wideScholar, adam: adam(1e-3), iterations: 15_000, batchSize: 128, importance: 'tasks-so-far', loss: { kind: 'policy', temperature: 0.01 }, normalise: true, observations: 20_000 },
      generator: { model: { ...observationVae, beta: 0.1 }, iterations: 5_000, batchSize: 128, keep: 'valid' },
      er: { capacity: 20_000 },
      // 30 greedy episodes per evaluation: with 10, a Freeway learner's mean return swung by ±8 between two
      // evaluations of one network, and retention is a ratio of two such means (docs/RESULTS.md).
      evaluation: { every: 50_000, episodes: 30, maxSteps: 2_500, referenceEpisodes: 20 },
    },
  },
};

export function describePreset(name: AgentPresetName): string {
  const p = PRESETS[name];
  return `${p.description} (schedule ${p.schedule}, arms ${p.arms.join(', ')})`;
}

export interface PresetOverrides {
  readonly schedule?: ScheduleJson | string;
  readonly framesPerGame?: number;
  readonly arms?: readonly AgentArm[];
  readonly seed?: number;
  readonly iterations?: number;
  readonly generatorIterations?: number;
  readonly dreams?: DreamKeep;
  readonly generator?: PresetGenerator;
  /** One generator per game (config generator.perGame); default: one generator. */
  readonly generatorPerGame?: boolean;
  readonly parallel?: AgentConfig['parallel'];
  /** Greedy episodes per evaluation (default: the preset's). */
  readonly evaluationEpisodes?: number;
  /** EWC's and online EWC's penalty strength λ (default: core's, ADDED_SETTINGS). */
  readonly ewcLambda?: number;
  /** SI's penalty strength c (default: core's, ADDED_SETTINGS). */
  readonly siC?: number;
}

/** A preset's config with the command line's overrides, validated as a whole like a saved config; labelled
 * `custom` (based on the preset) when the overrides change its settings. */
export function agentPreset(name: AgentPresetName, overrides: PresetOverrides = {}): AgentConfig {
  return labelPreset(buildPreset(name, overrides));
}

const isPreset = (name: string | undefined): name is AgentPresetName => (AGENT_PRESETS as readonly string[]).includes(name ?? '');

/**
 * The config with a true preset label: `preset` names a preset only when the settings are that preset's (the
 * seed, the arms, where the generator trains and which named schedule runs at the preset's frames per game aside);
 * otherwise `preset: 'custom'` and `basedOn` the preset it started from (none when it names no preset of today).
 */
export function labelPreset(config: AgentConfig): AgentConfig {
  const { preset: _label, basedOn: _base, ...settings } = config;
  const name = config.preset === 'custom' ? config.basedOn : config.preset;
  if (!isPreset(name)) return relabel(config, { preset: 'custom' });
  const named = config.schedule.name !== undefined && config.schedule.name in SCHEDULES ? config.schedule.name : undefined;
  const { preset: _p, basedOn: _b, ...expected } = buildPreset(name, { schedule: named, arms: config.arms, seed: config.seed, parallel: config.parallel });
  const same = JSON.stringify(settings) === JSON.stringify(expected);
  return relabel(config, same ? { preset: name } : { preset: 'custom', basedOn: name });
}

/** The config with its label in the label's place (after `experiment`, as the schema orders it). */
function relabel(config: AgentConfig, label: Pick<AgentConfig, 'preset' | 'basedOn'>): AgentConfig {
  const { experiment, preset: _p, basedOn: _b, ...rest } = config;
  return { experiment, ...label, ...rest };
}

function buildPreset(name: AgentPresetName, overrides: PresetOverrides): AgentConfig {
  const preset = PRESETS[name];
  const frames = overrides.framesPerGame ?? preset.framesPerGame;
  const schedule = typeof overrides.schedule === 'object' ? overrides.schedule : namedSchedule(overrides.schedule ?? preset.schedule, frames);
  const { scholar, generator, evaluation } = preset.config;
  const arms = [...(overrides.arms ?? preset.arms)];
  const games = schedule.tasks.map((t) => resolveTask(t.task).game);
  const beta = generator.model.kind === 'wgan-gp' ? undefined : generator.model.beta;
  const model = (overrides.generator ?? preset.generator) === 'grid-vae' ? observationGridVae(games, { ...observationGridVaeSize, ...(beta !== undefined ? { beta } : {}) }) : generator.model;
  return parseAgentConfig(
    {
      experiment: 'rl',
      preset: name,
      schedule,
      arms,
      seed: overrides.seed ?? 1,
      ...preset.config,
      scholar: { ...scholar, iterations: overrides.iterations ?? scholar.iterations },
      generator: { ...generator, model, iterations: overrides.generatorIterations ?? generator.iterations, keep: overrides.dreams ?? generator.keep, ...(overrides.generatorPerGame ? { perGame: true } : {}) },
      ...(arms.includes('gr-hidden') ? { hidden: { model: featureVae } } : {}),
      evaluation: { ...evaluation, episodes: overrides.evaluationEpisodes ?? evaluation.episodes },
      // Left out unless set: a config that omits them means their defaults, and a sweep job's id stays what it was.
      ...(overrides.ewcLambda !== undefined ? { ewc: { ...ADDED_SETTINGS.ewc, lambda: overrides.ewcLambda } } : {}),
      ...(overrides.siC !== undefined ? { si: { ...ADDED_SETTINGS.si, c: overrides.siC } } : {}),
      parallel: overrides.parallel ?? true,
    },
    'command line',
  );
}

export function namedSchedule(name: string, framesPerGame: number): ScheduleJson {
  const schedule = SCHEDULES[name];
  if (!schedule) throw new Error(`unknown schedule '${name}' (expected a JSON file or one of: ${Object.keys(SCHEDULES).join(', ')})`);
  return schedule.build(framesPerGame);
}

export { AGENT_ARMS };
