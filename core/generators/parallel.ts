/**
 * Runs generator training in a worker thread (./worker.ts). The main thread keeps its own copy of the
 * generator; at the end of each task the worker's weights and optimiser state are copied back into it.
 */
import { Worker } from 'node:worker_threads';
import type { ImageShape, Inputs } from '../data/types.ts';
import type { BackendName } from '../engine/backend.ts';
import { matMulPath } from '../engine/wasm-kernels.ts';
import type { Rng } from '../engine/random.ts';
import type { Generator } from './generator.ts';
import type { GeneratorSpec } from './create.ts';
import type { GeneratorTaskSettings } from './train.ts';
import type { WorkerReply, WorkerRequest } from './worker.ts';

/**
 * The worker's error as the user can act on it. Emscripten's wasm module ends with a bare "Aborted()" when the
 * engine's memory cannot grow to what a step needs (tfjs-wasm's heap, 32-bit: a batch too large to hold).
 */
export function workerError(message: string): string {
  if (!/^Aborted\(/.test(message)) return `generator worker: ${message}`;
  return (
    'generator worker: the wasm engine ran out of memory (its heap, at most a few GB, cannot hold what a training step ' +
    `needs: "${message.split('.')[0]}"); lower --batch-size (or the generator's size) and run again`
  );
}

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
      if (reply.type === 'error') pending?.reject(new Error(workerError(reply.message)));
      else pending?.resolve(reply);
    });
    // A worker that throws outside a request's handler, or dies, fails the request it was serving with an error
    // that says where it came from.
    this.worker.on('error', (error) => this.fail(workerError(error.message)));
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
