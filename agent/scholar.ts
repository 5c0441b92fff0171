/**
 * The agent's scholar <G, Q> for one arm: the long-term Q-network Q_k (a core Solver), the frozen previous
 * scholar that teaches it, the generator of past observations (arms that replay dreams), the arm's replay source
 * (./arms: e.g. ER's memory of real frames) and its regulariser. Checkpointed with core's scholar arrays plus the
 * source's arrays (frames stored as uint8) and the regulariser's state.
 */
import type { CheckpointArray } from '../core/checkpoint.ts';
import type { ImageShape, Inputs } from '../core/data/types.ts';
import type { Rng } from '../core/engine/random.ts';
import { createGenerator, type GeneratorSpec } from '../core/generators/create.ts';
import type { Generator } from '../core/generators/generator.ts';
import { PerTaskGenerators } from '../core/generators/per-task.ts';
import { restoreStudent, studentArrays, type Scholar, type Student } from '../core/scholar.ts';
import { createRegulariser } from '../core/regularisers/create.ts';
import { OBSERVATION_SIZE, GRID, CHANNEL_COUNT } from '../env/layout.ts';
import { replaysFeatures, RL_ARMS } from './arms/index.ts';
import type { ReplaySource } from './arms/source.ts';
import type { AgentArm, AgentConfig } from './config.ts';
import { createQSolver } from './network.ts';

export const OBSERVATION_SHAPE = [GRID, GRID, CHANNEL_COUNT] as const;

/** A game's observations (m × 700 bytes of 0/1) as core's unlabelled inputs, for its generator and regularisers. */
export function observationInputs(observations: Uint8Array): Inputs {
  return { x: observations, n: observations.length / OBSERVATION_SIZE, shape: OBSERVATION_SHAPE, scale: 1 };
}

/** One arm's student (core/scholar.ts: Q_k with G_k, the previous scholar, its regulariser) and its replay source. */
export interface ArmScholar extends Student {
  readonly arm: AgentArm;
  /** What the arm replays (./arms). */
  readonly source: ReplaySource;
}

/** Every arm starts from the same network (and generator): the same seed forks, so arms differ only by what they
 *  keep the old games with. */
export function createArmScholar(arm: AgentArm, config: AgentConfig, root: Rng): ArmScholar {
  const plan = RL_ARMS[arm];
  // Hidden replay's scholar takes the learner's convolution (its filter count), frozen; its G learns features.
  const hidden = replaysFeatures(arm);
  const network = hidden ? { ...config.scholar.network, channels: config.learner.network.channels } : config.scholar.network;
  const dreamt = hidden ? featureGenerator(config) : { model: config.generator.model, shape: OBSERVATION_SHAPE };
  const make = (label: string): Scholar => ({
    solver: createQSolver(network, config.scholar.adam, root.fork('scholar network'), hidden),
    generator: plan.generator ? createArmGenerator(config, dreamt, root, label) : null,
  });
  const scholar = make('scholar');
  // Its Fisher inputs are drawn from each game's own stream (endTask's rng), so this one is never drawn from.
  const regulariser = plan.regulariser && createRegulariser(plan.regulariser, config, scholar.solver, root.fork(`${arm} regulariser`));
  return { arm, scholar, previous: make('previous'), source: plan.replay(config), regulariser };
}

/** What a scholar's generator models: a spec and the shape of its inputs. */
interface Dreamt {
  readonly model: GeneratorSpec;
  readonly shape: ImageShape;
}

/** Hidden replay's generator: config.hidden's model of the features of the learner's convolution. */
function featureGenerator(config: AgentConfig): Dreamt {
  if (!config.hidden) throw new Error('the gr-hidden arm needs config hidden.model');
  return { model: config.hidden.model, shape: [GRID, GRID, config.learner.network.channels] };
}

/** The scholar's generator: one, or one per game of the schedule (config generator.perGame). */
function createArmGenerator(config: AgentConfig, { model, shape }: Dreamt, root: Rng, label: string): Generator {
  if (!config.generator.perGame) return createGenerator(model, shape, root.fork(`${label} generator`));
  return new PerTaskGenerators(config.schedule.tasks.map((_, k) => createGenerator(model, shape, root.fork(`${label} generator of game ${k}`))));
}

/** The arm's scholar, source and regulariser as checkpoint arrays, under names prefixed by the arm. */
export function armArrays(state: ArmScholar): Record<string, CheckpointArray[]> {
  const own: Record<string, CheckpointArray[]> = { ...studentArrays(state), ...state.source.arrays() };
  return Object.fromEntries(Object.entries(own).map(([name, list]) => [`${state.arm}.${name}`, list]));
}

/** Restores what armArrays saved; the previous scholar is the restored one (it teaches the next game). */
export function restoreArm(state: ArmScholar, arrays: Record<string, CheckpointArray[]>): void {
  const prefix = `${state.arm}.`;
  const own: Record<string, CheckpointArray[]> = {};
  for (const [name, list] of Object.entries(arrays)) if (name.startsWith(prefix)) own[name.slice(prefix.length)] = list;
  restoreStudent(state, own, prefix);
  state.source.restore(own);
}
