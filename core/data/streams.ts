/**
 * The MNIST task streams of the paper's experiments 1 and 3, in the three scenarios of van de Ven & Tolias:
 *   task-IL   each task has its own head (units); the solver is told which task it is on,
 *   domain-IL one shared head; the task is not told and need not be inferred,
 *   class-IL  one growing head; the task must be inferred (active units: every task's units so far).
 * Labels are already mapped to output units; Task.units lists the units a task's labels use.
 */
import { Rng } from '../engine/random.ts';
import { makeDataset, limitSplits, pixelsPerImage, type Limit } from './dataset.ts';
import { loadMnist } from './mnist.ts';
import type { Dataset, Scenario, Task, TaskStream } from './types.ts';

const range = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i);

// ---------------------------------------------------------------------------------------------------------------
// Permuted MNIST

export interface PermutedMnistOptions {
  /** Number of tasks (permutations). */
  readonly tasks: number;
  readonly seed: number;
  /** Default 'domain': 10 shared outputs. 'task' and 'class': 10 units per task, task t on units 10t..10t+9. */
  readonly scenario?: Scenario;
  /** Whether task 1 is permuted too; default false (task 1 is plain MNIST, as in the paper's experiments). */
  readonly permuteFirst?: boolean;
  /** Samples kept per task (each task draws its own seeded subset before permuting). */
  readonly limit?: Limit;
  /** Directory of one's own MNIST copy (see loadMnist). */
  readonly mnistDir?: string;
}

/**
 * The pixel permutation of each task: permuted image pixel j = original pixel perm[j]. Task t's permutation
 * depends only on (seed, t), not on the number of tasks or on permuteFirst.
 */
export function mnistPermutations(options: { tasks: number; seed: number; permuteFirst?: boolean }): Int32Array[] {
  const { tasks, seed, permuteFirst = false } = options;
  if (!Number.isInteger(tasks) || tasks < 1) throw new Error(`permuted MNIST: tasks must be a positive integer, got ${tasks}`);
  const root = new Rng(seed).fork('permuted-mnist permutations');
  const pixels = 28 * 28;
  return range(0, tasks).map((t) => {
    const perm = root.fork(`task ${t}`).permutation(pixels);
    return t === 0 && !permuteFirst ? Int32Array.from(range(0, pixels)) : perm;
  });
}

/** Applies one permutation to every image: out pixel j = in pixel perm[j] (all channels of that pixel). */
export function permutePixels(dataset: Dataset, perm: Int32Array): Dataset {
  const [h, w, c] = dataset.shape;
  if (perm.length !== h * w) throw new Error(`permutation of ${perm.length} pixels for images of ${h}×${w}`);
  const size = pixelsPerImage(dataset.shape);
  const x = new Uint8Array(dataset.x.length);
  for (let i = 0; i < dataset.n; i++) {
    const base = i * size;
    for (let j = 0; j < perm.length; j++) {
      for (let k = 0; k < c; k++) x[base + j * c + k] = dataset.x[base + perm[j] * c + k];
    }
  }
  return makeDataset(x, dataset.y, dataset.shape);
}

function offsetLabels(dataset: Dataset, offset: number): Dataset {
  if (offset === 0) return dataset;
  return makeDataset(dataset.x, dataset.y.map((label) => label + offset), dataset.shape);
}

function isIdentity(perm: Int32Array): boolean {
  return perm.every((v, i) => v === i);
}

export function permutedMnist(options: PermutedMnistOptions): TaskStream {
  const { tasks, seed, scenario = 'domain', limit } = options;
  const mnist = loadMnist({ dir: options.mnistDir });
  const perms = mnistPermutations(options);
  const limitRoot = new Rng(seed).fork('permuted-mnist limit');
  const built: Task[] = perms.map((perm, t) => {
    const splits = limitSplits(mnist, limit, limitRoot.fork(`task ${t}`));
    const offset = scenario === 'domain' ? 0 : 10 * t;
    const permute = (d: Dataset) => (isIdentity(perm) ? d : permutePixels(d, perm));
    return {
      index: t,
      name: isIdentity(perm) ? `permutation ${t + 1} (identity)` : `permutation ${t + 1}`,
      train: offsetLabels(permute(splits.train), offset),
      test: offsetLabels(permute(splits.test), offset),
      units: range(offset, 10),
    };
  });
  return {
    name: 'permuted-mnist',
    scenario,
    outputs: scenario === 'domain' ? 10 : 10 * tasks,
    shape: mnist.train.shape,
    tasks: built,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Split MNIST

export interface SplitMnistOptions {
  readonly scenario: Scenario;
  /** The digits in task order, two per task; a permutation of 0-9. Default 0..9 (tasks 0/1, 2/3, ...). */
  readonly classOrder?: readonly number[];
  /** How many of the pairs to use, 1-5; default 5. */
  readonly tasksCount?: number;
  /** Samples kept per task, drawn with `seed`. */
  readonly limit?: Limit;
  /** Seeds the `limit` subsets (nothing else is random here); default 0. */
  readonly seed?: number;
  readonly mnistDir?: string;
}

/** Rejects anything that is not a permutation of the digits 0-9. */
export function checkClassOrder(order: readonly number[]): void {
  const sorted = [...order].sort((a, b) => a - b);
  if (order.length !== 10 || sorted.some((d, i) => d !== i)) {
    throw new Error(`split MNIST: classOrder must be a permutation of 0-9, got [${order.join(', ')}]`);
  }
}

/** The images of the given digits, labelled by `labelOf(digit)`. */
function digitsOf(dataset: Dataset, digits: readonly number[], labelOf: (digit: number) => number): Dataset {
  const size = pixelsPerImage(dataset.shape);
  const keep: number[] = [];
  for (let i = 0; i < dataset.n; i++) if (digits.includes(dataset.y[i])) keep.push(i);
  const x = new Uint8Array(keep.length * size);
  const y = new Uint8Array(keep.length);
  keep.forEach((i, k) => {
    x.set(dataset.x.subarray(i * size, (i + 1) * size), k * size);
    y[k] = labelOf(dataset.y[i]);
  });
  return makeDataset(x, y, dataset.shape);
}

export function splitMnist(options: SplitMnistOptions): TaskStream {
  const { scenario, classOrder = range(0, 10), tasksCount = 5, limit, seed = 0 } = options;
  checkClassOrder(classOrder);
  if (!Number.isInteger(tasksCount) || tasksCount < 1 || tasksCount > 5) {
    throw new Error(`split MNIST: tasksCount must be an integer in 1..5, got ${tasksCount}`);
  }
  const mnist = loadMnist({ dir: options.mnistDir });
  const position = (digit: number) => classOrder.indexOf(digit);
  // task-IL and class-IL share the labelling (position in classOrder); they differ in the active units.
  const labelOf = scenario === 'domain' ? (digit: number) => position(digit) % 2 : position;
  const limitRoot = new Rng(seed).fork('split-mnist limit');
  const tasks: Task[] = range(0, tasksCount).map((t) => {
    const digits = classOrder.slice(2 * t, 2 * t + 2);
    const splits = {
      train: digitsOf(mnist.train, digits, labelOf),
      test: digitsOf(mnist.test, digits, labelOf),
    };
    return {
      index: t,
      name: `digits ${digits.join('/')}`,
      ...limitSplits(splits, limit, limitRoot.fork(`task ${t}`)),
      units: scenario === 'domain' ? [0, 1] : [2 * t, 2 * t + 1],
    };
  });
  return {
    name: 'split-mnist',
    scenario,
    outputs: scenario === 'domain' ? 2 : 2 * tasksCount,
    shape: mnist.train.shape,
    tasks,
  };
}

/**
 * The output units the solver may answer with while training or testing task `taskIndex` (0-based):
 * task-IL its own units, class-IL the union of all tasks' units so far, domain-IL every output.
 */
export function activeUnits(stream: TaskStream, taskIndex: number): number[] {
  if (stream.scenario === 'domain') return range(0, stream.outputs);
  if (stream.scenario === 'task') return [...stream.tasks[taskIndex].units];
  const units = new Set<number>();
  for (const task of stream.tasks.slice(0, taskIndex + 1)) for (const u of task.units) units.add(u);
  return [...units].sort((a, b) => a - b);
}
