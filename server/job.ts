/**
 * A job is what the server serves: a run training in a worker thread (./job-worker.ts) or a finished run's
 * folder read back (./replay.ts). Either way it hands the server protocol messages, already shaped, so the
 * server only records and forwards them; the controls travel through shared memory (./control.ts).
 */
import { Worker } from 'node:worker_threads';
import type { AgentConfig } from '../agent/config.ts';
import type { RunConfig } from '../core/config.ts';
import type { BackendRequest } from '../core/engine/backend-names.ts';
import type { Capability, ControlCommand, ControlState, ErrorCode, JobState, ServerMessage } from '../protocol/messages.ts';
import { SharedControl } from './control.ts';

/** What a job tells the server. `frame` outputs may be dropped for a slow viewer; nothing else is. */
export type JobOutput =
  | { readonly kind: 'message'; readonly message: ServerMessage }
  | { readonly kind: 'binary'; readonly bytes: Uint8Array; readonly frame: boolean }
  | { readonly kind: 'end'; readonly state: Extract<JobState, 'finished' | 'stopped' | 'failed'>; readonly message?: string };

/** The events every run's stream ends or fails with, the classification loop's and the agent's alike. */
export type LifecycleEvent = { readonly type: 'end' } | { readonly type: 'error'; readonly message: string } | { readonly type: 'subscriber-error' };

/** What a run's lifecycle event tells the viewers: only a failure, as a status. */
export function postLifecycle(e: LifecycleEvent, post: (o: JobOutput) => void): void {
  // The end itself is the worker's to announce (with how the run ended); a subscriber error can only be this
  // worker's one subscriber, so there is no one else to tell.
  if (e.type === 'error') post({ kind: 'message', message: { type: 'status', state: 'failed', message: e.message } });
}

/** A viewer's request the job may refuse: a control command, or the arms side by side. */
export type JobRequest = ControlCommand | { readonly op: 'side-by-side' };

/** Why a job cannot carry out a request, as the error the viewer is sent. */
export interface Refusal {
  readonly code: Extract<ErrorCode, 'unsupported' | 'invalid'>;
  readonly message: string;
}

const CAPABILITY: Record<JobRequest['op'], Capability> = { pause: 'pause', resume: 'pause', speed: 'speed', watch: 'watch', 'side-by-side': 'side-by-side' };

/** The checks every job makes of a request: the capability it needs, and that a game to watch is one of the run's
 *  `games` (null: the run has none). */
export function refusalOf(capabilities: readonly Capability[], games: number | null, request: JobRequest): Refusal | null {
  if (!capabilities.includes(CAPABILITY[request.op])) {
    return { code: 'unsupported', message: request.op === 'side-by-side' ? 'this run has no arms playing side by side' : `this run cannot ${request.op}` };
  }
  if (request.op === 'watch' && request.game !== null && (games === null || request.game >= games)) {
    return { code: 'invalid', message: `command.game: no game ${request.game} in this run` };
  }
  return null;
}

export interface Job {
  readonly capabilities: readonly Capability[];
  /** Why this job cannot do `request` (a capability it lacks, a game it does not have), or null when it can. */
  refusal(request: JobRequest): Refusal | null;
  /** Starts the job; outputs arrive through `output` until an `end`. */
  start(output: (o: JobOutput) => void): void;
  control(): ControlState;
  /** Applies a control command the job does not refuse. */
  apply(command: ControlCommand): ControlState;
  /** Who watches what (frames, and the arms side by side, are made only while someone does). */
  setWatched(watching: Watching): void;
  /** Asks the job to stop cleanly (with a checkpoint where it writes them) and resolves when it has. */
  stop(): Promise<void>;
}

/** Whether any subscribed viewer is there for the frames, and whether any wants the arms side by side. */
export interface Watching {
  readonly frames: boolean;
  readonly sideBySide: boolean;
}

/** What the worker thread runs: the configs of a classification experiment's arms, or one RL run. */
export type JobSpec =
  | { readonly kind: 'classification'; readonly configs: readonly RunConfig[]; readonly backend: BackendRequest; readonly native?: boolean; readonly out: string; readonly command: string }
  | { readonly kind: 'rl'; readonly config: AgentConfig; readonly backend: BackendRequest; readonly native?: boolean; readonly out: string; readonly command: string };

export interface WorkerData {
  readonly spec: JobSpec;
  readonly control: SharedArrayBuffer;
  /** Most frames per second posted to the server (the agent emits one per vector step). */
  readonly frameRate: number;
}

/** Messages from the worker: the job's outputs (binary ones transferred, not copied), and lines for the console. */
export type WorkerOutput = JobOutput | { readonly kind: 'log'; readonly line: string };

export class WorkerJob implements Job {
  readonly capabilities: readonly Capability[];
  private readonly shared = new SharedControl();
  private worker: Worker | null = null;
  /** Resolves at the job's `end` output (or the worker's exit without one). */
  private ended: Promise<void> | null = null;

  constructor(
    private readonly spec: JobSpec,
    private readonly frameRate: number,
    /** Where the worker's console lines go (which backend it runs on). */
    private readonly log: (line: string) => void = () => {},
  ) {
    this.capabilities = spec.kind === 'rl' ? ['frames', 'dreams', 'pause', 'speed', 'watch', 'side-by-side'] : ['samples', 'pause'];
  }

  refusal(request: JobRequest): Refusal | null {
    return refusalOf(this.capabilities, this.spec.kind === 'rl' ? this.spec.config.schedule.tasks.length : null, request);
  }

  start(output: (o: JobOutput) => void): void {
    const data: WorkerData = { spec: this.spec, control: this.shared.buffer, frameRate: this.frameRate };
    // Worker threads do not inherit tsx's loader: the .mjs entry registers it (as core/generators does).
    const worker = new Worker(new URL('./job-worker.mjs', import.meta.url), { workerData: data });
    this.worker = worker;
    let ended = false;
    this.ended = new Promise((resolve) => {
      const end = (o: Extract<JobOutput, { kind: 'end' }>): void => {
        if (ended) return;
        ended = true;
        output(o);
        // The run is over: nothing in the worker is needed any more (tfjs and timers may keep it alive).
        void worker.terminate();
        resolve();
      };
      worker.on('message', (o: WorkerOutput) => {
        if (o.kind === 'log') this.log(o.line);
        else if (o.kind === 'end') end(o);
        else output(o);
      });
      worker.on('error', (error) => end({ kind: 'end', state: 'failed', message: error.message }));
      worker.on('exit', (code) =>
        end(this.shared.stopRequested ? { kind: 'end', state: 'stopped' } : { kind: 'end', state: 'failed', message: `the job's worker exited with code ${code}` }),
      );
    });
  }

  control(): ControlState {
    return this.shared.state();
  }

  apply(command: ControlCommand): ControlState {
    switch (command.op) {
      case 'pause':
        this.shared.setPaused(true);
        break;
      case 'resume':
        this.shared.setPaused(false);
        break;
      case 'speed':
        this.shared.setSpeed(command.framesPerSecond);
        break;
      case 'watch':
        this.shared.setWatch(command.game);
        break;
    }
    return this.shared.state();
  }

  setWatched(watching: Watching): void {
    this.shared.setWatched(watching);
  }

  async stop(): Promise<void> {
    if (!this.worker || !this.ended) return;
    this.shared.requestStop();
    // A classification run has no stop of its own: its checkpoint is the last finished task's.
    if (this.spec.kind === 'classification') await this.worker.terminate();
    await this.ended;
  }
}
