/**
 * One task of generator training (paper §3, first part of the scholar's update): G_i learns the mixture of the
 * new task's real inputs and inputs replayed by G_(i−1), weighted r : (1 − r). Runs in the main thread or in
 * a worker (./worker.ts) with the same code.
 */
import * as tf from '@tensorflow/tfjs-core';
import { EpochSampler, fillInputs } from '../data/batch.ts';
import type { Inputs } from '../data/types.ts';
import { sizedStep } from '../engine/capacity.ts';
import { EventLoopTurns } from '../event-loop.ts';
import type { Rng, RngSnapshot } from '../engine/random.ts';
import type { Generator } from './generator.ts';
import type { GeneratorWorker } from './parallel.ts';

export interface GeneratorTaskSettings {
  readonly iterations: number;
  readonly batchSize: number;
  /** Importance of the new task; 0 means learn only from the previous generator (the scholar chain). */
  readonly r: number;
  /** Read and report the loss every this many iterations. */
  readonly reportEvery: number;
}

/** G learns the task's inputs mixed with `previous`'s samples. Asynchronous only to let the event loop turn between
 *  steps (on the main thread a long training would otherwise hold off a second Ctrl-C or a viewer's message).
 *  `from` steps were done before (a lesson checkpointed in its middle: the minibatches go on from the same
 *  place); `pause`, asked after each report but the last, stops it there. Returns true when paused. */
export async function trainGeneratorOnTask(
  generator: Generator,
  previous: Generator | null,
  data: Inputs,
  settings: GeneratorTaskSettings,
  rng: Rng,
  onProgress?: (iteration: number, loss: number) => void,
  training: { readonly from?: number; readonly pause?: (iteration: number) => boolean } = {},
): Promise<boolean> {
  const { iterations, batchSize, r, reportEvery } = settings;
  const turns = new EventLoopTurns();
  if (previous === null && r === 0) throw new Error('a generator with nothing to replay must learn from real data (r > 0)');
  const sampler = new EpochSampler(data.n, batchSize, rng);
  const realBatches = !(r === 0 && previous !== null);
  const from = training.from ?? 0;
  // The minibatches the steps before drew: an epoch's order is drawn from the stream, so the sampler replays them.
  if (realBatches) for (let it = 0; it < from; it++) sampler.nextBatch();
  const width = data.shape[0] * data.shape[1] * data.shape[2];
  for (let it = from + 1; it <= iterations; it++) {
    const loss = sizedStep(batchSize, () =>
      tf.tidy(() => {
        const replayed = previous === null ? null : previous.sample(batchSize);
        if (!realBatches && replayed !== null) return generator.trainStep(replayed, null, 1);
        return generator.trainStep(tf.tensor2d(fillInputs(data, sampler.nextBatch()), [batchSize, width]), replayed, r);
      }),
    );
    const reporting = it % reportEvery === 0 || it === iterations;
    if (onProgress && reporting) onProgress(it, loss.dataSync()[0]);
    loss.dispose();
    await turns.between();
    if (reporting && it < iterations && training.pause?.(it)) return true;
  }
  return false;
}

/** The random streams of one task's generator training: minibatches, the generator's noise, its teacher's. */
export interface GeneratorRngs {
  readonly train: Rng;
  readonly noise: Rng;
  readonly replay: Rng;
}

/** One task of a generator's training: G_i, its teacher G_(i−1), the new task's inputs, how long, which streams. */
export interface GeneratorTask {
  readonly generator: Generator;
  /** G_(i−1), replayed with weight 1 − r; null for the first task. */
  readonly teacher: Generator | null;
  /** The new task's real inputs (no labels: a generator learns inputs only). */
  readonly inputs: Inputs;
  readonly settings: GeneratorTaskSettings;
  readonly rng: GeneratorRngs;
}

/** A task's generator training checkpointed in its middle: the steps done, and where G's and its teacher's noise
 *  streams stood (its minibatches are replayed from the task's stream). */
export interface GeneratorProgress {
  readonly iterations: number;
  readonly noise: RngSnapshot[];
  readonly replay: RngSnapshot[];
}

/**
 * One task of generator training, in `worker` when given (in parallel with the solver, paper §3: the two halves
 * of a scholar's update are independent) or on this thread; both draw from the same streams, so where it runs
 * does not change what it computes. On this thread it can go on `from` a checkpoint in its middle, and `pause`
 * (given where it stands) stops it after a report; returns true when paused.
 */
export async function trainGenerator(
  task: GeneratorTask,
  worker: GeneratorWorker | null,
  onProgress?: (iteration: number, loss: number) => void,
  training: { readonly from?: GeneratorProgress; readonly pause?: (progress: GeneratorProgress) => boolean } = {},
): Promise<boolean> {
  const { generator, teacher, inputs, settings, rng } = task;
  if (worker) {
    if (training.from || training.pause) throw new Error('a generator training in a worker is checkpointed between tasks only');
    await worker.trainTask(generator, teacher, inputs, settings, rng, onProgress);
    return false;
  }
  generator.reseed(rng.noise);
  teacher?.reseed(rng.replay);
  const { from, pause } = training;
  if (from) {
    generator.resumeNoise(from.noise);
    teacher?.resumeNoise(from.replay);
  }
  const where = (iterations: number): GeneratorProgress => ({ iterations, noise: generator.noiseStreams(), replay: teacher?.noiseStreams() ?? [] });
  return trainGeneratorOnTask(generator, teacher, inputs, settings, rng.train, onProgress, { from: from?.iterations, pause: pause && ((it) => pause(where(it))) });
}
