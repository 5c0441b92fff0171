/**
 * What a continual run tells its subscribers (core/events.ts), whatever its kind: one event per moment every run
 * has — it starts, a task's work progresses, a point of the curves, a student's row of R after a task, the end,
 * an error — with the fields the kinds share at the top and, where they measure different things, the kind's
 * payload beside them under a `kind` discriminant (this file's classification payload; agent/events.ts's RL
 * one). Each event is small and serialisable — numbers, strings, typed arrays, never a dataset — so a progress
 * log, a job's progress or a WebSocket server takes it as it is. These names and fields are a contract.
 */
import type { RunConfig } from './config.ts';
import type { Scenario } from './data/types.ts';
import type { Metrics } from './metrics.ts';
import type { ReplayAudit } from './replay/audit.ts';

/** A kind of run's own part of each shared event; every part names its kind. */
export interface KindPayloads {
  readonly start: { readonly kind: string };
  readonly progress: { readonly kind: string };
  readonly curve: { readonly kind: string };
  readonly taskEnd: { readonly kind: string };
  readonly end: { readonly kind: string };
}

/** The events of one kind of run, `P` its payloads. A task is a classification task or an RL game (0-based). */
export type RunEvent<P extends KindPayloads> =
  /** The run starts (or resumes from its checkpoint) over these tasks. */
  | ({ readonly type: 'start'; readonly tasks: readonly string[] } & P['start'])
  /** Work on `task` moved on. */
  | ({ readonly type: 'progress'; readonly task: number } & P['progress'])
  /** A point of the learning curves, taken while `task` trains: a score per task (null where not measured). */
  | ({ readonly type: 'curve'; readonly task: number; readonly values: readonly (number | null)[] } & P['curve'])
  /** A student learnt `task`: its row of R (its score on every task). */
  | ({ readonly type: 'task-end'; readonly task: number; readonly row: readonly number[] } & P['taskEnd'])
  /** The run ended after its last task, `seconds` of work across resumes. */
  | ({ readonly type: 'end'; readonly seconds: number } & P['end'])
  /** The run failed; emitted before the run rethrows the error. */
  | { readonly type: 'error'; readonly message: string };

export interface CurvePoint {
  /** 0-based task being trained. */
  readonly task: number;
  /** Solver iteration within that task. */
  readonly iteration: number;
  /** Accuracy on each task's test set (a subset of `curveSamples` per task). */
  readonly accuracies: number[];
}

/** A classification task's progress: the solver's iterations and the generator's (which may train apart). */
export interface Progress {
  readonly task: number;
  readonly tasks: number;
  readonly iteration: number;
  readonly iterations: number;
  /** The solver's last reported loss; null before its first report (without a worker the generator trains first). */
  readonly solverLoss: number | null;
  /** The generator's iterations per task; null for arms without a generator. */
  readonly generatorIterations: number | null;
  readonly generatorIteration: number | null;
  readonly generatorLoss: number | null;
}

/** The task stream as subscribers see it: its description, not its data. */
export interface StreamInfo {
  readonly name: string;
  readonly scenario: Scenario;
  readonly outputs: number;
  readonly shape: readonly number[];
  readonly taskNames: string[];
}

/** A classification run's payloads: one arm's run over a stream of tasks, measured in solver iterations. */
export interface ClassificationPayloads extends KindPayloads {
  /** `resumedAt`: tasks already done (from a checkpoint); `generatorIterations` null when the arm has none. */
  readonly start: { readonly kind: 'classification'; readonly config: RunConfig; readonly stream: StreamInfo; readonly resumedAt: number; readonly generatorIterations: number | null };
  readonly progress: { readonly kind: 'classification' } & Omit<Progress, 'task'>;
  /** The accuracies are the curve's values (never null: every task is measured). */
  readonly curve: { readonly kind: 'classification'; readonly iteration: number; readonly values: readonly number[] };
  /** When the arm has a generator: samples of its inputs with the solver's labels for them, and the audit of what
   *  it would replay. */
  readonly taskEnd: {
    readonly kind: 'classification';
    readonly samples: Float32Array | null;
    readonly sampleLabels: Int32Array | null;
    readonly replay: ReplayAudit | null;
    readonly shape: readonly number[];
  };
  readonly end: { readonly kind: 'classification'; readonly accuracyMatrix: number[][] } & Metrics;
}

export type ClassificationEvent = RunEvent<ClassificationPayloads>;

export type ClassificationEventType = ClassificationEvent['type'];
