/**
 * One job's run, in a worker thread of `dgr worker`. A thread per job gives each run its own TensorFlow.js
 * engine (one wasm instance computes on one core), and leaves the worker's main thread free to renew the job's
 * lock with Redis: a main thread busy training would let the lock lapse and BullMQ would hand the job to another
 * worker as stalled. Messages to the parent: progress, then done, stopped or error; from it: stop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { BackendRequest } from '../core/engine/backend-names.ts';
import { kindOf, type JobPayload } from './kinds/index.ts';

export interface RunJobInput {
  readonly payload: JobPayload;
  readonly folder: string;
  readonly store: string;
  readonly backend: BackendRequest;
  readonly native: boolean;
  readonly command: string;
  readonly label: string;
}

export type RunJobMessage =
  /** The kind's progress (its `progress.schema`). */
  | { type: 'progress'; progress: unknown }
  /** The kind's result (for experiments, the run's result.json; for RL, each arm's). */
  | { type: 'done'; result: unknown }
  | { type: 'stopped' }
  | { type: 'error'; message: string };

export type RunJobRequest = { type: 'stop' };

const port = parentPort;
if (!port) throw new Error('sweep/run-job.ts runs in a worker thread');
const post = (message: RunJobMessage): void => port.postMessage(message);

let stopping = false;
port.on('message', (request: RunJobRequest) => {
  if (request.type === 'stop') stopping = true;
});

const input = workerData as RunJobInput;
try {
  const { useBackend } = await import('../core/engine/backend.ts');
  const backend = await useBackend(input.backend, { native: input.native });
  const result = await kindOf(input.payload).run(input.payload, {
    backend,
    folder: input.folder,
    store: input.store,
    command: input.command,
    label: input.label,
    progress: (progress) => post({ type: 'progress', progress }),
    shouldStop: () => stopping,
  });
  post(result === 'stopped' ? { type: 'stopped' } : { type: 'done', result });
} catch (error) {
  post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
}
port.close();
