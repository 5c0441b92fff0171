/**
 * A worker thread that trains the generator of each task while the main thread trains the solver: the two
 * halves of a scholar's update are independent (paper §3), and one tfjs-wasm instance uses one core, so this is
 * how a run uses both. Speaks the messages of ./parallel.ts.
 */
import { parentPort } from 'node:worker_threads';
import { useBackend, type BackendName } from '../engine/backend.ts';
import { Rng, type RngState } from '../engine/random.ts';
import type { ImageShape, Inputs } from '../data/types.ts';
import type { AdamState } from '../nn/adam.ts';
import type { WeightSet } from '../nn/weights.ts';
import { sized } from '../engine/capacity.ts';
import { createGenerator, type GeneratorSpec } from './create.ts';
import type { Generator } from './generator.ts';
import { trainGeneratorOnTask, type GeneratorTaskSettings } from './train.ts';

export type WorkerRequest =
  | { type: 'init'; backend: BackendName; native: boolean; spec: GeneratorSpec; shape: ImageShape }
  | {
      type: 'task';
      data: Inputs;
      weights: WeightSet;
      optimizer: AdamState[];
      previous: WeightSet | null;
      settings: GeneratorTaskSettings;
      rng: { train: RngState; noise: RngState; replay: RngState };
    };

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'progress'; iteration: number; loss: number }
  | { type: 'done'; weights: WeightSet; optimizer: AdamState[] }
  | { type: 'error'; message: string };

const port = parentPort;
if (port === null) throw new Error('core/generators/worker.ts must run in a worker thread');

let generator: Generator | null = null;
let previous: Generator | null = null;

async function handle(request: WorkerRequest): Promise<void> {
  if (request.type === 'init') {
    await useBackend(request.backend, { native: request.native });
    const setting = `generator ${JSON.stringify(request.spec)}`;
    generator = sized(setting, () => createGenerator(request.spec, request.shape, new Rng(0)));
    previous = sized(setting, () => createGenerator(request.spec, request.shape, new Rng(0)));
    port!.postMessage({ type: 'ready' } satisfies WorkerReply);
    return;
  }
  if (generator === null || previous === null) throw new Error('generator worker: task before init');
  generator.setWeights(request.weights);
  generator.restoreOptimizer(request.optimizer);
  generator.reseed(Rng.fromState(request.rng.noise));
  if (request.previous !== null) {
    previous.setWeights(request.previous);
    previous.reseed(Rng.fromState(request.rng.replay));
  }
  await trainGeneratorOnTask(
    generator,
    request.previous === null ? null : previous,
    request.data,
    request.settings,
    Rng.fromState(request.rng.train),
    (iteration, loss) => port!.postMessage({ type: 'progress', iteration, loss } satisfies WorkerReply),
  );
  port!.postMessage({
    type: 'done',
    weights: generator.weights(),
    optimizer: generator.optimizerState(),
  } satisfies WorkerReply);
}

port.on('message', (request: WorkerRequest) => {
  handle(request).catch((error: unknown) => {
    const message = error instanceof Error ? error.message.split('\n')[0].slice(0, 500) : String(error);
    port.postMessage({ type: 'error', message } satisfies WorkerReply);
  });
});
