/**
 * A classification run (core/continual.ts) as protocol messages. core's loop still reports through its
 * `observer` callbacks; when it emits an EventStream of ContinualEvents instead, this becomes a subscriber.
 */
import type { RunConfig } from '../core/config.ts';
import type { RunObserver } from '../core/continual.ts';
import { encodeSamples } from '../protocol/binary.ts';
import type { RunInfo } from '../protocol/messages.ts';
import type { JobOutput } from './job.ts';

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
 * The observer of one arm's run. `onRun` is called at the first arm's start with the run's identity; the curves
 * of every arm share one x axis (solver iterations over the run).
 */
export function continualObserver(
  configs: readonly RunConfig[],
  armIndex: number,
  post: (o: JobOutput) => void,
  beforeStep: () => void,
): RunObserver {
  const config = configs[armIndex];
  const series = config.arm;
  const iterations = config.iterations;
  let tasks = 0;
  return {
    onStart({ stream }) {
      tasks = stream.tasks.length;
      if (armIndex === 0) {
        const run = classificationRunInfo(configs, stream.tasks.map((t) => t.name), stream.shape);
        post({ kind: 'message', message: { type: 'run', run } });
      }
      post({ kind: 'message', message: { type: 'status', state: 'running' } });
    },
    onProgress(p) {
      // The loop reports every 25 iterations: where a paused run holds.
      beforeStep();
      post({
        kind: 'message',
        message: {
          type: 'progress',
          task: p.task,
          phase: `${series}: train`,
          done: p.task * iterations + p.iteration,
          total: tasks * iterations,
          framesPerSecond: null,
          values: { solverLoss: p.solverLoss, generatorLoss: p.generatorLoss },
          etaSeconds: null,
        },
      });
    },
    onCurve(point) {
      post({
        kind: 'message',
        message: { type: 'curve', point: { series, x: point.task * iterations + point.iteration, task: point.task, values: point.accuracies } },
      });
    },
    onTaskEnd(e) {
      const x = (e.task + 1) * iterations;
      post({ kind: 'message', message: { type: 'task-end', series, task: e.task, x, row: e.accuracies } });
      // The end of a task is a point of its curves too, so a run without --eval-every still draws lines.
      post({ kind: 'message', message: { type: 'curve', point: { series, x, task: e.task, values: e.accuracies } } });
      if (e.samples && e.sampleLabels && e.samples.length > 0) {
        const [h, w, c] = e.shape;
        const bytes = encodeSamples({ arm: armIndex, task: e.task, shape: [h, w, c], labels: Array.from(e.sampleLabels), pixels: quantise(e.samples) });
        post({ kind: 'binary', bytes, frame: false });
      }
    },
  };
}
