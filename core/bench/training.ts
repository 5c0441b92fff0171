/**
 * Training-step throughput at the paper's sizes (batch 128, Adam), named as ../shared/bench/torch_reference.py
 * names them so the two can be read side by side. Each step runs the same code the product trains with.
 */
import * as tf from '@tensorflow/tfjs-core';
import { runContinual, type ClassificationEvent } from '../continual.ts';
import { EventStream } from '../events.ts';
import type { BackendName } from '../engine/backend.ts';
import { Rng } from '../engine/random.ts';
import { cnnSolver, findExperiment } from '../experiments/presets.ts';
import { Vae } from '../generators/vae.ts';
import { solverObjective } from '../scholar.ts';
import { createGenerator } from '../generators/create.ts';
import { createSolver } from '../solvers/create.ts';
import { MNIST_SHAPE } from '../data/mnist.ts';
import { DIGIT_DOMAIN_SHAPE } from '../data/domains/index.ts';

import type { TrainingBenchmark } from './names.ts';

export interface BenchResult {
  readonly name: TrainingBenchmark;
  /** Median over repeats. */
  readonly msPerStep: number;
  readonly stepsPerSecond: number;
}

export interface BenchSettings {
  readonly backend: BackendName;
  /** Timed repeats (each of `stepsPerRepeat` steps); the median repeat is reported. */
  readonly repeats: number;
  readonly stepsPerRepeat: number;
  readonly only?: readonly TrainingBenchmark[];
  readonly onResult?: (result: BenchResult) => void;
}

const B = 128;
const INPUT = 784;
const adam = { lr: 1e-3, beta1: 0.9, beta2: 0.999 };

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** The median over `repeats` of the mean time of `stepsPerRepeat` steps, after a warm-up of three. */
export function timeSteps(step: () => void, settings: Pick<BenchSettings, 'repeats' | 'stepsPerRepeat'>): number {
  // Warm-up: the references in ../shared/bench take 20 steps (compiled code); V8 needs some hundreds of calls of
  // a fast step before its JavaScript runs at the speed a training run sees, so also at least half a second.
  const warmUpUntil = performance.now() + 500;
  for (let i = 0; i < Math.max(3, Math.min(20, settings.stepsPerRepeat)) || performance.now() < warmUpUntil; i++) step();
  const times: number[] = [];
  for (let r = 0; r < settings.repeats; r++) {
    const start = performance.now();
    for (let i = 0; i < settings.stepsPerRepeat; i++) step();
    times.push((performance.now() - start) / settings.stepsPerRepeat);
  }
  return median(times);
}

/**
 * One DGR iteration as the product runs it: a split-MNIST GR run of up to 5 tasks (1 + repeats), each replaying
 * task one timed repeat and the median reported, like every other benchmark. A task is timed from the previous
 * task's end to the moment its solver and its generator have both done their iterations, so the task end's
 * evaluation and replay audit are not in it.
 */
async function dgrIteration(settings: BenchSettings): Promise<number> {
  const iterations = Math.max(50, settings.stepsPerRepeat);
  const tasks = Math.min(5, settings.repeats + 1);
  const preset = findExperiment('split-mnist').build('paper', { arm: 'gr', seed: 0, scenario: 'class' });
  const config = {
    ...preset,
    stream: { kind: 'split-mnist' as const, scenario: 'class' as const, tasks, limit: { train: 2000, test: 100 } },
    iterations,
    generatorIterations: iterations,
    evalEvery: 0,
  };
  const perIteration: number[] = [];
  let taskStarted: number | null = null;
  const events = new EventStream<ClassificationEvent>();
  events.subscribe((event) => {
    if (event.type === 'task-end') taskStarted = performance.now();
    const bothDone = event.type === 'progress' && event.iteration === event.iterations && event.generatorIteration === event.generatorIterations;
    if (bothDone && taskStarted !== null) {
      perIteration.push((performance.now() - taskStarted) / iterations);
      taskStarted = null;
    }
  });
  await runContinual(config, { backend: settings.backend, sampleCount: 1, events });
  return median(perIteration);
}

/** The single-step benchmarks on random inputs, ready to call; `dispose` frees their models. */
export function benchSteps(): { steps: [TrainingBenchmark, () => void][]; dispose: () => void } {
  const rng = new Rng(0);
  const x = tf.tensor2d(rng.fillUniform(new Float32Array(B * INPUT)), [B, INPUT]);
  const xr = tf.tensor2d(rng.fillUniform(new Float32Array(B * INPUT)), [B, INPUT]);
  const y = tf.tensor1d(Int32Array.from({ length: B }, () => rng.int(10)), 'int32');
  const units = Array.from({ length: 10 }, (_, i) => i);
  const solver = createSolver({ kind: 'mlp', hidden: [400, 400], adam }, MNIST_SHAPE, 10, rng.fork('solver'));
  const teacher = createSolver({ kind: 'mlp', hidden: [400, 400], adam }, MNIST_SHAPE, 10, rng.fork('teacher'));
  const vae = new Vae({ inputSize: INPUT, hidden: [400, 400], latent: 100, adam }, rng.fork('vae'));
  const previousVae = new Vae({ inputSize: INPUT, hidden: [400, 400], latent: 100, adam }, rng.fork('previous vae'));
  const current = { x, labels: y, units };
  // The domain pairs' solver on 32×32 colour digits (core/experiments/presets.ts cnnSolver).
  const [h, w, c] = DIGIT_DOMAIN_SHAPE;
  const cnn = createSolver(cnnSolver(adam), DIGIT_DOMAIN_SHAPE, 10, rng.fork('cnn'));
  const image = tf.tensor2d(rng.fillUniform(new Float32Array(B * h * w * c)), [B, h * w * c]);
  const imageReplay = tf.tensor2d(rng.fillUniform(new Float32Array(B * h * w * c)), [B, h * w * c]);
  // The domain pairs' convolutional VAE (core/experiments/presets.ts generatorSpec('conv-vae')).
  const convVae = new Vae(
    { inputSize: h * w * c, hidden: [400], latent: 100, adam, image: { shape: DIGIT_DOMAIN_SHAPE, channels: [32, 64] } },
    rng.fork('conv vae'),
  );

  // Permuted MNIST's paper preset: solver and VAE with two layers of 1000 units (van de Ven & Tolias).
  const permuted = findExperiment('permuted-mnist').build('paper', { arm: 'gr', seed: 0 });
  const wideSolver = createSolver(permuted.solver, MNIST_SHAPE, 10, rng.fork('permuted solver'));
  const wideVae = createGenerator(permuted.generator, MNIST_SHAPE, rng.fork('permuted vae'));
  const replayStep = (model: typeof solver, input: tf.Tensor2D, replayed: tf.Tensor2D) => () =>
    tf.tidy(() => {
      const replay = { x: replayed, targets: { kind: 'labels' as const, labels: y, units } };
      model.optimizer.minimize(() => solverObjective(model, { x: input, labels: y, units }, replay, 0.5)).dispose();
    });

  const steps: [TrainingBenchmark, () => void][] = [
    ['mlp-step', () => solver.optimizer.minimize(() => solverObjective(solver, current, null, 1)).dispose()],
    ['solver-replay-step', replayStep(solver, x, xr)],
    ['vae-step', () => vae.trainStep(x, null, 1).dispose()],
    ['generator-replay-step', () => vae.trainStep(x, xr, 0.5).dispose()],
    [
      'replay-sample',
      () =>
        tf.tidy(() => {
          const samples = previousVae.sample(B);
          teacher.predict(samples);
        }),
    ],
    ['cnn-replay-step', replayStep(cnn, image, imageReplay)],
    ['conv-vae-replay-step', () => convVae.trainStep(image, imageReplay, 0.5).dispose()],
    ['permuted-solver-replay-step', replayStep(wideSolver, x, xr)],
    ['permuted-generator-replay-step', () => wideVae.trainStep(x, xr, 0.5).dispose()],
  ];
  const dispose = (): void => {
    for (const t of [x, xr, y, image, imageReplay]) t.dispose();
    for (const m of [solver, teacher, vae, previousVae, cnn, convVae, wideSolver, wideVae]) m.dispose();
  };
  return { steps, dispose };
}

export async function benchTraining(settings: BenchSettings): Promise<BenchResult[]> {
  const wanted = (name: TrainingBenchmark): boolean => !settings.only || settings.only.includes(name);
  const { steps, dispose } = benchSteps();
  const results: BenchResult[] = [];
  const report = (name: TrainingBenchmark, ms: number): void => {
    const result = { name, msPerStep: ms, stepsPerSecond: 1000 / ms };
    results.push(result);
    settings.onResult?.(result);
  };
  for (const [name, step] of steps) if (wanted(name)) report(name, timeSteps(step, settings));
  dispose();
  if (wanted('dgr-iteration')) report('dgr-iteration', await dgrIteration(settings));
  return results;
}
