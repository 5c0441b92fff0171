/** A classification run's events (core/run-events.ts) as protocol messages, in the job's worker thread. */
import type { RunConfig } from '../core/config.ts';
import type { SubscriberError } from '../core/events.ts';
import type { ContinualEvent } from '../core/run-events.ts';
import { encodeSamples } from '../protocol/binary.ts';
import type { RunInfo } from '../protocol/messages.ts';
import { postLifecycle, type JobOutput } from './job.ts';

/** Generated inputs (floats in [0, 1]) as bytes for the SAMPLES message. */
function quantise(x: Float32Array): Uint8Array {
  const out = new Uint8Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.round(255 * Math.min(1, Math.max(0, x[i])));
  return out;
}

export function classificationRunInfo(configs: readonly RunConfig[], tasks: readonly string[], shape: readonly number[]): RunInfo {
  return {
    kind: 'classification',
    config: { ...configs[0] },
    arms: configs.map((c) => c.arm),
    tasks: [...tasks],
    iterations: configs[0].iterations,
    shape: [...shape],
  };
}

/**
 * A subscriber of one arm's run. The first arm's start says what the run is; the curves of every arm share one x
 * axis (solver iterations over the run). `beforeStep` runs at each progress report: where a paused run holds.
 */
export function continualSubscriber(
  configs: readonly RunConfig[],
  armIndex: number,
  post: (o: JobOutput) => void,
  beforeStep: () => void,
): (e: ContinualEvent | SubscriberError) => void {
  const config = configs[armIndex];
  const series = config.arm;
  const iterations = config.iterations;
  let tasks = 0;
  return (e) => {
    switch (e.type) {
      case 'start':
        tasks = e.stream.taskNames.length;
        if (armIndex === 0) post({ kind: 'message', message: { type: 'run', run: classificationRunInfo(configs, e.stream.taskNames, e.stream.shape) } });
        post({ kind: 'message', message: { type: 'status', state: 'running' } });
        return;
      case 'progress':
        // The loop reports every 25 iterations.
        beforeStep();
        post({
          kind: 'message',
          message: {
            type: 'progress',
            task: e.task,
            phase: `${series}: train`,
            done: e.task * iterations + e.iteration,
            total: tasks * iterations,
            framesPerSecond: null,
            values: { solverLoss: e.solverLoss, generatorLoss: e.generatorLoss },
            etaSeconds: null,
          },
        });
        return;
      case 'curve':
        post({ kind: 'message', message: { type: 'curve', point: { series, x: e.task * iterations + e.iteration, task: e.task, values: e.accuracies } } });
        return;
      case 'task-end': {
        const x = (e.task + 1) * iterations;
        post({ kind: 'message', message: { type: 'task-end', series, task: e.task, x, row: e.accuracies } });
        // The end of a task is a point of its curves too, so a run without --eval-every still draws lines.
        post({ kind: 'message', message: { type: 'curve', point: { series, x, task: e.task, values: e.accuracies } } });
        if (e.samples && e.sampleLabels && e.samples.length > 0) {
          const [h, w, c] = e.shape;
          const bytes = encodeSamples({ arm: armIndex, task: e.task, shape: [h, w, c], labels: Array.from(e.sampleLabels), pixels: quantise(e.samples) });
          post({ kind: 'binary', bytes, frame: false });
        }
        return;
      }
      case 'end':
      case 'error':
      case 'subscriber-error':
        postLifecycle(e, post);
        return;
    }
  };
}
