/**
 * Runs generator training in a worker thread (./worker.ts). The main thread keeps its own copy of the
 * generator; at the end of each task the worker's weights and optimiser state are copied back into it.
 */
import { Worker } from 'node:worker_threads';
import type { ImageShape, Inputs } from '../data/types.ts';
import type { BackendName } from '../engine/backend.ts';
import { isOutOfMemory, tooLarge } from '../engine/capacity.ts';
import { matMulPath } from '../engine/wasm-kernels.ts';
import type { Rng } from '../engine/random.ts';
import type { Generator } from './generator.ts';
import type { GeneratorSpec } from './create.ts';
import type { GeneratorTaskSettings } from './train.ts';
import type { WorkerReply, WorkerRequest } from './worker.ts';

export class GeneratorWorker {
  private readonly worker: Worker;
  private pending: { resolve: (reply: WorkerReply) => void; reject: (e: Error) => void } | null = null;
  private onProgress: ((iteration: number, loss: number) => void) | null = null;

  private constructor() {
    // The worker runs TypeScript through the same loader as the command line.
    this.worker = new Worker(new URL('./worker-entry.mjs', import.meta.url));
    this.worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'progress') {
        this.onProgress?.(reply.iteration, reply.loss);
        return;
      }
      const pending = this.pending;
      this.pending = null;
      if (reply.type === 'error') pending?.reject(new Error(`generator worker: ${reply.message}`));
      else pending?.resolve(reply);
    });
    // A worker that throws outside a request's handler, or dies, fails the request it was serving with an error
    // that says where it came from (its engine's memory, when that is what ran out outside a sized step).
    this.worker.on('error', (error) => this.fail(`generator worker: ${(isOutOfMemory(error) ? tooLarge('the generator', error) : error).message}`));
    this.worker.on('exit', (code) => this.fail(`generator worker: exited (code ${code}) while training`));
  }

  private fail(message: string): void {
    this.pending?.reject(new Error(message));
    this.pending = null;
  }

  /** Starts the worker on `backend`, with the main thread's matrix-product path (OpenBLAS or pure wasm). */
  static async start(backend: BackendName, spec: GeneratorSpec, shape: ImageShape): Promise<GeneratorWorker> {
    const native = backend === 'wasm' && matMulPath() === 'openblas';
    const w = new GeneratorWorker();
    try {
      await w.request({ type: 'init', backend, native, spec, shape });
    } catch (error) {
      await w.stop();
      throw error;
    }
    return w;
  }

  private request(message: WorkerRequest): Promise<WorkerReply> {
    if (this.pending) throw new Error('generator worker is busy');
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(message);
    });
  }

  /** Trains `generator`'s weights on one task in the worker and writes the result back into it. */
  async trainTask(
    generator: Generator,
    previous: Generator | null,
    data: Inputs,
    settings: GeneratorTaskSettings,
    rng: { train: Rng; noise: Rng; replay: Rng },
    onProgress?: (iteration: number, loss: number) => void,
  ): Promise<void> {
    this.onProgress = onProgress ?? null;
    const reply = await this.request({
      type: 'task',
      data,
      weights: generator.weights(),
      optimizer: generator.optimizerState(),
      previous: previous?.weights() ?? null,
      settings,
      rng: { train: rng.train.state(), noise: rng.noise.state(), replay: rng.replay.state() },
    });
    this.onProgress = null;
    if (reply.type !== 'done') throw new Error(`generator worker: unexpected reply ${reply.type}`);
    generator.setWeights(reply.weights);
    generator.restoreOptimizer(reply.optimizer);
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}
