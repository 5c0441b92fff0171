/**
 * One part of a run whose arms compute side by side (./arm-threads.ts), in a worker thread with its own engine:
 * the games' learners, trained into the learner cache, or one arm's run, waiting for each learner there. It
 * checkpoints in its own folder and resumes from it. Messages to the parent: the events a watcher of the whole
 * run needs, then done, stopped or error; from it: stop.
 */
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { BackendName } from '../core/engine/backend-names.ts';
import { EventStream } from '../core/events.ts';
import type { AgentArm, AgentConfig } from './config.ts';
import { defaultControl, type AgentEvent } from './events.ts';

export interface ArmThreadInput {
  readonly config: AgentConfig;
  /** The learners, the later games' learners trained ahead of them, or the arm this thread runs. */
  readonly part: 'learners' | 'learners-ahead' | AgentArm;
  readonly backend: BackendName;
  readonly native: boolean;
  readonly checkpointDir: string;
  readonly learnerCache: string;
  /** How many nice steps below the process this thread runs (./arm-threads.ts, ARM_THREAD_NICE). */
  readonly nice: number;
  /** A learner thread: the game whose learner the other one has in the middle of its game (./run.ts). */
  readonly leaveLearner?: number;
}

export type ArmThreadMessage = { type: 'event'; event: AgentEvent } | { type: 'done' } | { type: 'stopped' } | { type: 'error'; message: string };
export type ArmThreadRequest = { type: 'stop' };

/** What of a part's events the whole run's watchers see: the learner threads' learning, each arm's consolidation
 *  and rows. An arm's own learner phases only load from the cache, and frames stay in the thread (a viewer
 *  watches a run on one thread). */
export function forwarded(part: ArmThreadInput['part'], event: AgentEvent): boolean {
  if (event.type === 'frame' || event.type === 'arm-frames' || event.type === 'end') return false;
  if (part === 'learners') return event.type !== 'curve' || event.arm === null;
  // Training ahead: where it is; its learners' curves are the learner thread's to show once it loads them.
  if (part === 'learners-ahead') return event.type === 'progress' || event.type === 'error';
  if (event.type === 'progress') return event.phase !== 'learn';
  if (event.type === 'curve') return event.arm !== null;
  return event.type === 'task-end' || event.type === 'error';
}

const port = parentPort;
if (!port) throw new Error('agent/arm-thread.ts runs in a worker thread');
const post = (message: ArmThreadMessage): void => port.postMessage(message);

const input = workerData as ArmThreadInput;
// Linux keeps a nice value per thread, and setPriority(0, ...) sets the calling thread's (elsewhere it would set the
// whole process's, so it is left alone there). Relative to the process's own, so a process started niced stays as
// niced (lowering it would need privileges).
if (input.nice > 0 && process.platform === 'linux') setPriority(0, Math.min(19, getPriority(0) + input.nice));
const control = defaultControl();
port.on('message', (request: ArmThreadRequest) => {
  if (request.type === 'stop') control.stop = true;
});

const { useBackend } = await import('../core/engine/backend.ts');
const { runAgent, runLearners, RunStopped } = await import('./run.ts');
try {
  await useBackend(input.backend, { native: input.native });
  const events = new EventStream<AgentEvent>();
  events.subscribe((event) => {
    if (event.type !== 'subscriber-error' && forwarded(input.part, event)) post({ type: 'event', event });
  });
  const options = { backend: input.backend, events, control, checkpointDir: input.checkpointDir, learnerCache: input.learnerCache };
  if (input.part === 'learners' || input.part === 'learners-ahead') await runLearners(input.config, { ...options, learnersAhead: input.part === 'learners-ahead', leaveLearner: input.leaveLearner });
  else await runAgent({ ...input.config, arms: [input.part], parallel: false }, { ...options, awaitLearners: true });
  post({ type: 'done' });
} catch (error) {
  post(error instanceof RunStopped ? { type: 'stopped' } : { type: 'error', message: error instanceof Error ? error.message : String(error) });
}
port.close();
