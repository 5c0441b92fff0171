/**
 * The RL agent's step throughput, named and sized as ../shared/bench/torch_rl_reference.py names them, so the two
 * are read side by side (its header says what each step is). Each step runs the code the agent trains with:
 *   dqn-step          one double-DQN update (batch 32, Huber, Adam): learner.ts's tdUpdate
 *   act-16            greedy actions for 16 environments (one forward pass, argmax)
 *   distill-step      one consolidation step, 128 current + 128 replayed observations, MSE to two teachers
 *   obs-vae-step      the Bernoulli VAE 700-400-400-z32, 128 real + 128 replayed observations
 *   obs-grid-vae-step the grid VAE of `--generator grid-vae` (./grid-generator.ts), the same batches (not in the reference)
 *   obs-replay-sample 128 dreams from the VAE and the old network's Q-values on them
 * plus `loop` — whole-loop frames per second of a learner (acting, stepping 16 games, learning every 4 frames).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from '../core/engine/backend-names.ts';
import { Rng } from '../core/engine/random.ts';
import { solverStep } from '../core/continual.ts';
import { timeSteps } from '../core/bench/training.ts';
import { createGenerator } from '../core/generators/create.ts';
import { OBSERVATION_SIZE } from '../env/layout.ts';
import { resolveTask } from '../env/task.ts';
import { consolidationLesson, consolidationStreams } from './consolidate.ts';
import { learnGame, tdUpdate } from './learner.ts';
import { ACTION_COUNT, createQSolver, greedy, observationTensor } from './network.ts';
import { agentPreset } from './presets.ts';
import { RealFrames } from './arms/real-frames.ts';
import { OBSERVATION_SHAPE } from './scholar.ts';

export const RL_BENCHMARKS = ['dqn-step', 'act-16', 'distill-step', 'obs-vae-step', 'obs-grid-vae-step', 'obs-replay-sample', 'loop'] as const;
export type RlBenchmark = (typeof RL_BENCHMARKS)[number];

export interface RlBenchResult {
  readonly name: RlBenchmark;
  /** Median over repeats (for `loop`: ms per frame). */
  readonly msPerStep: number;
  readonly stepsPerSecond: number;
}

export interface RlBenchSettings {
  readonly backend: BackendName;
  readonly repeats: number;
  readonly stepsPerRepeat: number;
  readonly only?: readonly RlBenchmark[];
  /** Frames of the whole-loop benchmark. */
  readonly loopFrames: number;
  readonly onResult?: (r: RlBenchResult) => void;
}

/** Grids like the reference's: each cell set with probability 0.05. */
function grids(n: number, rng: Rng): Uint8Array {
  return Uint8Array.from({ length: n * OBSERVATION_SIZE }, () => (rng.uniform() < 0.05 ? 1 : 0));
}

/** The steps, built once; `dispose` frees every tensor they made. */
export function rlBenchSteps(): { steps: [RlBenchmark, () => void][]; dispose: () => void } {
  const preset = agentPreset('full');
  const rng = new Rng(0);
  const q = createQSolver(preset.learner.network, preset.learner.adam, rng.fork('q'));
  const target = createQSolver(preset.learner.network, preset.learner.adam, rng.fork('target'));
  // Every Q-network at MinAtar's size, as the reference's qnet(), whatever size a preset gives its scholar.
  const old = createQSolver(preset.learner.network, preset.scholar.adam, rng.fork('old'));
  const short = createQSolver(preset.learner.network, preset.scholar.adam, rng.fork('short'));
  const scholar = createQSolver(preset.learner.network, preset.scholar.adam, rng.fork('scholar'));
  const generator = createGenerator(preset.generator.model, OBSERVATION_SHAPE, rng.fork('generator'));
  const previousGenerator = createGenerator(preset.generator.model, OBSERVATION_SHAPE, rng.fork('old generator'));
  const gridGenerator = createGenerator(agentPreset('full', { generator: 'grid-vae' }).generator.model, OBSERVATION_SHAPE, rng.fork('grid generator'));
  const batch = {
    observations: Float32Array.from(grids(32, rng)),
    nextObservations: Float32Array.from(grids(32, rng)),
    actions: Int32Array.from({ length: 32 }, () => rng.int(ACTION_COUNT)),
    rewards: Float32Array.from({ length: 32 }, () => rng.uniform()),
    terminals: Float32Array.from({ length: 32 }, () => (rng.uniform() < 0.05 ? 1 : 0)),
    size: 32,
  };
  const obs16 = grids(16, rng);
  const current = grids(2048, rng);
  const memory = new RealFrames(4096);
  memory.memory.add(grids(2048, rng), null, rng);
  const real = observationTensor(grids(128, rng), 128);
  const replayed = observationTensor(grids(128, rng), 128);
  const distill = consolidationLesson(scholar, short, current, { source: memory, previous: old, dreams: null }, { iterations: 1, batchSize: 128, r: 0.5, loss: 'mse', scale: 1, reportEvery: 25 }, consolidationStreams(rng.fork('distill')));
  const steps: [RlBenchmark, () => void][] = [
    ['dqn-step', () => tdUpdate(q, target, batch, preset.learner).dispose()],
    ['act-16', () => greedy(q, obs16, 16)],
    ['distill-step', () => solverStep(scholar, null, distill).dispose()],
    ['obs-vae-step', () => tf.tidy(() => generator.trainStep(real, replayed, 0.5)).dispose()],
    ['obs-grid-vae-step', () => tf.tidy(() => gridGenerator.trainStep(real, replayed, 0.5)).dispose()],
    ['obs-replay-sample', () => tf.tidy(() => old.logits(previousGenerator.sample(128)).dataSync())],
  ];
  const dispose = (): void => {
    for (const s of [q, target, old, short, scholar]) s.dispose();
    generator.dispose();
    previousGenerator.dispose();
    gridGenerator.dispose();
    real.dispose();
    replayed.dispose();
  };
  return { steps, dispose };
}

/** Whole-loop frames per second of a Breakout learner with the full preset's settings, after learning starts. */
async function loopMsPerFrame(frames: number): Promise<number> {
  const learner = agentPreset('full').learner;
  const settings = { ...learner, learningStarts: 0, bufferSize: Math.max(1000, frames) };
  const task = resolveTask('breakout');
  const start = performance.now();
  await learnGame({ task, frames, settings, evaluation: { every: 0, episodes: 1, maxSteps: 1 }, keepObservations: 1 }, new Rng(1)).then((outcome) => {
    if (!outcome.stopped) outcome.learned.network.dispose();
  });
  return (performance.now() - start) / frames;
}

export async function benchRl(settings: RlBenchSettings): Promise<RlBenchResult[]> {
  const wanted = (name: RlBenchmark): boolean => !settings.only || settings.only.includes(name);
  const results: RlBenchResult[] = [];
  const report = (name: RlBenchmark, ms: number): void => {
    const r = { name, msPerStep: ms, stepsPerSecond: 1000 / ms };
    results.push(r);
    settings.onResult?.(r);
  };
  const { steps, dispose } = rlBenchSteps();
  try {
    for (const [name, step] of steps) if (wanted(name)) report(name, timeSteps(step, settings));
  } finally {
    dispose();
  }
  if (wanted('loop')) report('loop', await loopMsPerFrame(settings.loopFrames));
  return results;
}
