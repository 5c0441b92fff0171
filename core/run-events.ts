/**
 * What a continual-learning run tells its subscribers (core/events.ts): one event type per moment of the loop,
 * each small and serialisable — numbers, strings, typed arrays, never a dataset — so a progress bar, a JSON log
 * or a WebSocket server can take it as it is. These names and fields are a contract: the server relies on them.
 */
import type { RunConfig } from './config.ts';
import type { Scenario } from './data/types.ts';
import type { Metrics } from './metrics.ts';
import type { ReplayAudit } from './replay/audit.ts';

export interface CurvePoint {
  /** 0-based task being trained. */
  readonly task: number;
  /** Solver iteration within that task. */
  readonly iteration: number;
  /** Accuracy on each task's test set (a subset of `curveSamples` per task). */
  readonly accuracies: number[];
}

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

export type ContinualEvent =
  /** `resumedAt`: tasks already done (from a checkpoint); `generatorIterations` null when the arm has none. */
  | { readonly type: 'start'; readonly config: RunConfig; readonly stream: StreamInfo; readonly resumedAt: number; readonly generatorIterations: number | null }
  | ({ readonly type: 'progress' } & Progress)
  | ({ readonly type: 'curve' } & CurvePoint)
  /** After each task: the accuracy row and, when the arm has a generator, samples of its inputs with the
   *  solver's labels for them, and the audit of what it would replay. */
  | {
      readonly type: 'task-end';
      readonly task: number;
      readonly accuracies: number[];
      readonly samples: Float32Array | null;
      readonly sampleLabels: Int32Array | null;
      readonly replay: ReplayAudit | null;
      readonly shape: readonly number[];
    }
  | ({ readonly type: 'end'; readonly accuracyMatrix: number[][]; readonly seconds: number } & Metrics)
  /** The run failed; emitted before the loop rethrows the error. */
  | { readonly type: 'error'; readonly message: string };

export type ContinualEventType = ContinualEvent['type'];
