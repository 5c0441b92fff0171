/**
 * Short-term learners kept for the next run. A learner depends on its game, its frames, the learner and evaluation
 * settings, how many observations it hands over, the seed, its place in the schedule and the engine's arithmetic —
 * never on the arm, the scholar or the generator (./run.ts forks its random stream by game index). So two runs that
 * differ only in the scholar or the generator train identical learners; with a cache folder the first run saves
 * each learner and the next loads it instead (in the full preset the learners are about 40 % of a seed's time).
 *
 * An entry is a core checkpoint: its config is the key below (written out, so a reader can see what it holds, and
 * compared whole on loading), its arrays the network and the observations, its progress the learner's record and
 * evaluation curve. The folder name is the key's digest.
 *
 * Runs sharing a cache (the workers of a sweep) train each learner once: a run claims a learner before training it
 * (a `.training` file beside the entry, naming its process), and a run that finds the claim held waits for the
 * entry instead. A claim whose process has died on this machine is taken over; one from another machine is
 * honoured (its process cannot be checked from here).
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { floatArrays, hasCheckpoint, loadCheckpoint, publishCheckpoint } from '../core/checkpoint.ts';
import { Rng } from '../core/engine/random.ts';
import { takeLock } from '../core/run-folder.ts';
import type { Solver } from '../core/solvers/solver.ts';
import type { Task } from '../env/task.ts';
import type { AgentConfig } from './config.ts';
import { setWeights, weightsOf } from './learner-state.ts';
import { createQSolver } from './network.ts';
import type { LearnerRecord, RunRecord } from './result.ts';

const CACHE_VERSION = 1;

/** Everything a learner's outcome depends on. */
export interface LearnerKey {
  readonly version: number;
  readonly seed: number;
  /** Its place in the schedule: the learner's random streams are named by it. */
  readonly game: number;
  readonly task: Task;
  readonly frames: number;
  readonly learner: AgentConfig['learner'];
  readonly evaluation: AgentConfig['evaluation'];
  readonly observations: number;
  /** The engine as a result's provenance names it (`wasm + OpenBLAS (Zen)`, ...): another engine's rounding, OpenBLAS's
   *  kernels for another CPU included, gives another learner. */
  readonly engine: string;
}

export function learnerKey(config: AgentConfig, game: number, task: Task, frames: number, engine: string): LearnerKey {
  return { version: CACHE_VERSION, seed: config.seed, game, task, frames, learner: config.learner, evaluation: config.evaluation, observations: config.scholar.observations, engine };
}

/** A learner as the run goes on from it: its network, its observations, what it measured (curve frames from the
 *  start of its game). */
export interface CachedLearner {
  readonly network: Solver;
  readonly observations: Uint8Array;
  readonly record: LearnerRecord;
  readonly curve: Omit<RunRecord['learnerCurves'][number], 'game'>[];
}

interface Entry {
  readonly record: LearnerRecord;
  readonly curve: CachedLearner['curve'];
}

const canonical = (value: unknown): string => JSON.stringify(value);

function entryDir(cache: string, key: LearnerKey): string {
  const digest = createHash('sha256').update(canonical(key)).digest('hex').slice(0, 20);
  return join(cache, `seed-${key.seed}-game-${key.game}-${digest}`);
}

/** Whether the cache holds `key`'s learner (without reading it). */
export const hasLearner = (cache: string, key: LearnerKey): boolean => hasCheckpoint(entryDir(cache, key));

/** The cached learner of `key`, or null when the cache has none. A damaged entry is an error naming it. */
export function loadLearner(cache: string, key: LearnerKey): CachedLearner | null {
  const dir = entryDir(cache, key);
  if (!hasCheckpoint(dir)) return null;
  const saved = loadCheckpoint<unknown, Entry>(dir, {
    parseConfig: (raw) => raw,
    expected: key,
    same: (a, b) => canonical(a) === canonical(b),
  });
  const weights = floatArrays(saved.arrays, 'network');
  const observations = saved.arrays.observations?.[0];
  if (!weights || !(observations instanceof Uint8Array)) throw new Error(`${dir}: cached learner holds no network or observations`);
  const network = createQSolver(key.learner.network, key.learner.adam, new Rng(0));
  try {
    setWeights(network, weights, 'cached');
  } catch (error) {
    network.dispose();
    throw new Error(`${dir}: ${(error as Error).message}`);
  }
  return { network, observations, record: { ...saved.progress.record, reused: true }, curve: saved.progress.curve };
}

/**
 * Saves a learner this run trained (its record as measured here), published whole (core's publishCheckpoint; were
 * two runs to train it despite the claim, as with a claim from another machine gone stale, the first is kept).
 */
export function saveLearner(cache: string, key: LearnerKey, learner: CachedLearner): void {
  publishCheckpoint<LearnerKey, Entry>(entryDir(cache, key), {
    config: key,
    progress: { record: learner.record, curve: learner.curve },
    arrays: { network: weightsOf(learner.network), observations: [learner.observations] },
  });
}

/** A claim on training one learner; released when the learner is saved, or when its training ends otherwise. */
export interface LearnerClaim {
  release(): void;
}

/** Claims `key`'s learner for this process (core's lock file, `.training` beside the entry), or says who holds
 *  the claim, and whether it is this process (another of its threads: ./arm-threads.ts). */
export function claimLearner(cache: string, key: LearnerKey): { claim: LearnerClaim } | { heldBy: string; byThisProcess: boolean } {
  const file = `${entryDir(cache, key)}.training`;
  mkdirSync(cache, { recursive: true });
  for (;;) {
    const taken = takeLock(file);
    // null: another process claimed it while a stale claim was removed; look again.
    if (taken === null) continue;
    if ('release' in taken) return { claim: { release: taken.release } };
    const { holder } = taken;
    return { heldBy: `process ${holder.pid} on ${holder.host} since ${holder.started}`, byThisProcess: holder.pid === process.pid && holder.host === hostname() };
  }
}
