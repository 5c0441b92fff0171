/** Test accuracy of a solver on the real test sets of every task of a stream. */
import * as tf from '@tensorflow/tfjs-core';
import { fillBatch } from './data/batch.ts';
import type { Dataset, TaskStream } from './data/types.ts';
import type { Solver } from './solvers/solver.ts';

const CHUNK = 1000;

/** Accuracy on `data`, answering with `units` only (task-IL heads) or with every output. */
export function accuracy(solver: Solver, data: Dataset, units?: readonly number[], limit = data.n): number {
  const n = Math.min(limit, data.n);
  const width = data.shape[0] * data.shape[1] * data.shape[2];
  let correct = 0;
  for (let start = 0; start < n; start += CHUNK) {
    const indices = Array.from({ length: Math.min(CHUNK, n - start) }, (_, k) => start + k);
    const batch = fillBatch(data, indices);
    const x = tf.tensor2d(batch.x, [batch.size, width]);
    const predicted = solver.predict(x, units);
    x.dispose();
    for (let k = 0; k < batch.size; k++) if (predicted[k] === batch.y[k]) correct++;
  }
  return correct / n;
}

/**
 * One row of the accuracy matrix: each task's test accuracy. Task-IL answers within each task's own head;
 * domain- and class-IL with every output unit (one shared head).
 */
export function evaluateStream(solver: Solver, stream: TaskStream, limit?: number): number[] {
  return stream.tasks.map((task) =>
    accuracy(solver, task.test, stream.scenario === 'task' ? task.units : undefined, limit),
  );
}
