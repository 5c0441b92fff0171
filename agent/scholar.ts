/**
 * The agent's scholar <G, Q> for one arm: the long-term Q-network Q_k (a core Solver), the frozen previous
 * scholar that teaches it, the generator of past observations (gr only) and the memory of real observations
 * (er, offline). Checkpointed with core's scholar arrays plus the arm's memory, stored as uint8.
 */
import { floatArrays, type CheckpointArray } from '../core/checkpoint.ts';
import type { Inputs } from '../core/data/types.ts';
import type { Rng } from '../core/engine/random.ts';
import { createGenerator } from '../core/generators/create.ts';
import { freeze, restoreScholar, scholarArrays, type Scholar } from '../core/scholar.ts';
import { OBSERVATION_SIZE, GRID, CHANNEL_COUNT } from '../env/layout.ts';
import type { AgentArm, AgentConfig } from './config.ts';
import { createQSolver } from './network.ts';
import { ObservationMemory } from './replay.ts';

export const OBSERVATION_SHAPE = [GRID, GRID, CHANNEL_COUNT] as const;

/** A game's observations (m × 700 bytes of 0/1) as core's unlabelled inputs, for its generator and regularisers. */
export function observationInputs(observations: Uint8Array): Inputs {
  return { x: observations, n: observations.length / OBSERVATION_SIZE, shape: OBSERVATION_SHAPE, scale: 1 };
}

export interface ArmScholar {
  readonly arm: AgentArm;
  readonly scholar: Scholar;
  readonly previous: Scholar;
  readonly memory: ObservationMemory | null;
}

/** Every arm starts from the same network (and generator): the same seed forks, so arms differ only by replay. */
export function createArmScholar(arm: AgentArm, config: AgentConfig, root: Rng): ArmScholar {
  const make = (label: string): Scholar => ({
    solver: createQSolver(config.scholar.network, config.scholar.adam, root.fork('scholar network')),
    generator: arm === 'gr' ? createGenerator(config.generator.model, OBSERVATION_SHAPE, root.fork(`${label} generator`)) : null,
  });
  const memory = arm === 'er' ? new ObservationMemory(config.er.capacity) : arm === 'offline' ? new ObservationMemory(null) : null;
  return { arm, scholar: make('scholar'), previous: make('previous'), memory };
}

/** The arm's scholar and memory as checkpoint arrays, under names prefixed by the arm. */
export function armArrays(state: ArmScholar): Record<string, CheckpointArray[]> {
  const arrays: Record<string, CheckpointArray[]> = {};
  for (const [name, list] of Object.entries(scholarArrays(state.scholar))) arrays[`${state.arm}.${name}`] = list;
  if (state.memory) {
    arrays[`${state.arm}.memory`] = state.memory.games.map((g) => g.observations);
    if (state.arm === 'offline') arrays[`${state.arm}.memoryTargets`] = state.memory.games.map((g) => g.targets as Float32Array);
  }
  return arrays;
}

/** Restores what armArrays saved; the previous scholar is the restored one (it teaches the next game). */
export function restoreArm(state: ArmScholar, arrays: Record<string, CheckpointArray[]>): void {
  const prefix = `${state.arm}.`;
  const own: Record<string, CheckpointArray[]> = {};
  for (const [name, list] of Object.entries(arrays)) if (name.startsWith(prefix)) own[name.slice(prefix.length)] = list;
  restoreScholar(state.scholar, own);
  freeze(state.scholar, state.previous);
  if (state.memory) {
    const observations = (own.memory ?? []) as Uint8Array[];
    const targets = state.arm === 'offline' ? (floatArrays(own, 'memoryTargets') ?? []) : [];
    state.memory.games.length = 0;
    observations.forEach((o, i) => {
      if (!(o instanceof Uint8Array) || o.length % OBSERVATION_SIZE !== 0) throw new Error(`checkpoint: ${state.arm} memory of game ${i} is not uint8 observations`);
      state.memory?.games.push({ observations: o, targets: targets[i] ?? null });
    });
  }
}

export function disposeArm(state: ArmScholar): void {
  for (const s of [state.scholar, state.previous]) {
    s.solver.dispose();
    s.generator?.dispose();
  }
}
