/**
 * Environment speed: steps per second of one task on this thread, through the single-env API (one copy, a
 * fresh observation per step) and through the vectorised form (N copies into shared arrays). Actions come
 * from a precomputed random table so the policy costs nothing measurable. The clock is the caller's choice:
 * wall time by default; on a shared machine the CLI passes the process's CPU time, which measures speed per
 * core rather than the share of a core the scheduler happened to give.
 */
import { OBSERVATION_SIZE } from './layout.ts';
import { nextUint32, seedRng, STREAM_POLICY } from './rng.ts';
import { makeEnv } from './single.ts';
import { createVectorEnv, type Task } from './task.ts';
import { ACTIONS, type GameName } from './types.ts';

export interface BenchOptions {
  /** Environment steps to time per measurement (vectorised: summed over copies). */
  readonly steps: number;
  /** Copies in the vectorised form. */
  readonly numEnvs: number;
  readonly seed: number;
  /** Milliseconds from some fixed origin. */
  readonly clock?: () => number;
}

export interface GameBench {
  readonly game: GameName;
  readonly stepsPerSecond: number;
  readonly vectorisedStepsPerSecond: number;
  /** Bytes of state per copy in the vectorised form, observation buffers excluded. */
  readonly bytesPerEnv: number;
}

const ACTION_TABLE = 4096;

function actionTable(seed: number): Uint8Array {
  const rng = new Uint32Array(4);
  seedRng(rng, 0, seed, STREAM_POLICY);
  const table = new Uint8Array(ACTION_TABLE);
  for (let k = 0; k < ACTION_TABLE; k++) table[k] = nextUint32(rng, 0) % ACTIONS.length;
  return table;
}

type Clock = () => number;
const wallClock: Clock = () => performance.now();

export function benchSingle(task: Task, steps: number, seed: number, clock: Clock = wallClock): number {
  const env = makeEnv(task);
  const actions = actionTable(seed);
  env.reset(seed);
  const start = clock();
  for (let t = 0; t < steps; t++) {
    const result = env.step(actions[t & (ACTION_TABLE - 1)]);
    if (result.terminated || result.truncated) env.reset();
  }
  return steps / ((clock() - start) / 1000);
}

export function benchVector(task: Task, steps: number, numEnvs: number, seed: number, clock: Clock = wallClock): number {
  const env = createVectorEnv(task, numEnvs);
  const table = actionTable(seed);
  const actions = new Uint8Array(numEnvs);
  env.reset(seed);
  const rounds = Math.max(1, Math.round(steps / numEnvs));
  const start = clock();
  for (let t = 0; t < rounds; t++) {
    const o = (t * numEnvs) & (ACTION_TABLE - 1);
    for (let i = 0; i < numEnvs; i++) actions[i] = table[(o + i) & (ACTION_TABLE - 1)];
    env.step(actions);
  }
  return (rounds * numEnvs) / ((clock() - start) / 1000);
}

/** Typed-array bytes the env holds per copy, less its observation buffers (measured on a 1000-copy env). */
export function bytesPerEnv(task: Task): number {
  const n = 1000;
  const buffers = new Set<ArrayBufferLike>();
  const seen = new Set<object>();
  const visit = (holder: object): void => {
    seen.add(holder);
    for (const value of Object.values(holder)) {
      if (ArrayBuffer.isView(value)) buffers.add(value.buffer);
      // Wrappers hold the env they wrap: count its arrays too.
      else if (value !== null && typeof value === 'object' && 'numEnvs' in value && !seen.has(value)) visit(value);
    }
  };
  visit(createVectorEnv(task, n));
  let bytes = 0;
  for (const buffer of buffers) bytes += buffer.byteLength;
  return Math.round((bytes - 2 * n * OBSERVATION_SIZE) / n);
}

export function benchGame(task: Task, options: BenchOptions): GameBench {
  // A short warm-up so the JIT has compiled the step before the clock starts.
  benchVector(task, Math.min(options.steps, 50_000), options.numEnvs, options.seed);
  benchSingle(task, Math.min(options.steps, 20_000), options.seed);
  return {
    game: task.game,
    stepsPerSecond: Math.round(benchSingle(task, options.steps, options.seed, options.clock)),
    vectorisedStepsPerSecond: Math.round(benchVector(task, options.steps, options.numEnvs, options.seed, options.clock)),
    bytesPerEnv: bytesPerEnv(task),
  };
}
