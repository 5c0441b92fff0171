/**
 * The scholar H = <G, S> and its training objective (Shin et al. 2017, §3).
 *
 * The solver of scholar i minimises
 *
 *     L_train(θ_i) = r · E_(x,y)~D_i [ L(S(x; θ_i), y) ] + (1 − r) · E_x'~G_(i−1) [ L(S(x'; θ_i), S(x'; θ_(i−1))) ]
 *
 * where r is the importance of the new task. The first term is the new task's real data; the second is the
 * replayed data: inputs x' from a replay source (the previous generator for GR; real past inputs, noise or the
 * current inputs for the comparison arms) and targets y' from the previous solver (or, for joint training,
 * the true labels). A regulariser (EWC, SI) adds its penalty to the same objective. The generator is trained
 * separately (core/generators) on the mixture of real and replayed inputs with the same r.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Generator } from './generators/generator.ts';
import type { Solver } from './solvers/solver.ts';
import { floatArrays, type CheckpointArray } from './checkpoint.ts';
import type { Regulariser } from './regularisers/regulariser.ts';

export interface Scholar {
  readonly solver: Solver;
  /** Null for arms that replay without a generator (ER, Noise, LwF, None, EWC, SI, Offline). */
  readonly generator: Generator | null;
}

/** One learner of a continual run (core/continual.ts): a scholar, the frozen previous scholar that teaches it,
 *  and its arm's regulariser (null for none). */
export interface Student {
  readonly scholar: Scholar;
  readonly previous: Scholar;
  readonly regulariser: Regulariser | null;
}

/** Real data of the new task: labels are output-unit indices, `units` the units the loss is taken over. */
export interface CurrentBatch {
  readonly x: tf.Tensor2D;
  readonly labels: tf.Tensor1D;
  readonly units: readonly number[];
}

/** What the replayed inputs are taught. */
export type ReplayTargets =
  /** True labels over `units` (joint training on stored data). */
  | { readonly kind: 'labels'; readonly labels: tf.Tensor1D; readonly units: readonly number[] }
  /**
   * The previous solver's outputs on x', taught per group (one per earlier head in task-incremental learning,
   * one otherwise). The teacher answers over `teacher` units; hard targets (temperature null) are its argmax,
   * learned over the `student` units (in class-IL every class so far, so old inputs are kept away from new
   * classes); soft targets distil its softened outputs over the same units (Hinton et al.), scaled by T² so
   * their gradients match the hard loss.
   */
  | {
      readonly kind: 'solver';
      readonly logits: tf.Tensor2D;
      readonly groups: readonly ReplayGroup[];
      readonly temperature: number | null;
    };

export interface ReplayGroup {
  readonly teacher: readonly number[];
  readonly student: readonly number[];
}

export interface ReplayBatch {
  readonly x: tf.Tensor2D;
  readonly targets: ReplayTargets;
}

function columns(t: tf.Tensor2D, units: readonly number[]): tf.Tensor2D {
  return units.length === t.shape[1] && units.every((u, i) => u === i)
    ? t
    : tf.gather(t, tf.tensor1d(units as number[], 'int32'), 1);
}

const sameUnits = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((u, i) => u === b[i]);

/** The 0/1 matrix [teacher units × student units] that moves each teacher unit's column to its student column. */
function placement(teacher: readonly number[], student: readonly number[]): tf.Tensor2D {
  const at = teacher.map((u) => student.indexOf(u));
  if (at.some((i) => i < 0)) throw new Error(`replay: teacher units ${teacher} are not all among the student's ${student}`);
  return tf.cast(tf.oneHot(tf.tensor1d(at, 'int32'), student.length), 'float32') as tf.Tensor2D;
}

/** Cross-entropy of `logits` restricted to `units` against labels given as unit indices. */
function labelLoss(logits: tf.Tensor2D, labels: tf.Tensor1D, units: readonly number[], outputs: number): tf.Scalar {
  const oneHot = columns(tf.cast(tf.oneHot(labels, outputs), 'float32') as tf.Tensor2D, units);
  return tf.losses.softmaxCrossEntropy(oneHot, columns(logits, units));
}

/**
 * Distillation at temperature T (Hinton et al. 2015): the cross-entropy of the student's softmax(logits / T)
 * against the teacher's softened distribution, times T² so its gradients keep their size as T changes.
 */
function softenedCrossEntropy(logits: tf.Tensor2D, softened: tf.Tensor, temperature: number): tf.Scalar {
  return tf.mul(tf.losses.softmaxCrossEntropy(softened, tf.div(logits, temperature)), temperature * temperature);
}

/** L(S(x'; θ_i), y'): the loss on replayed data against the targets the replay source chose. */
export function replayLoss(logits: tf.Tensor2D, targets: ReplayTargets, outputs: number): tf.Scalar {
  if (targets.kind === 'labels') return labelLoss(logits, targets.labels, targets.units, outputs);
  const { groups, temperature } = targets;
  const perGroup = groups.map(({ teacher: teacherUnits, student: studentUnits }) => {
    const teacher = columns(targets.logits, teacherUnits);
    if (temperature === null) {
      const unitIds = tf.tensor1d(teacherUnits as number[], 'int32');
      const predicted = tf.gather(unitIds, tf.argMax(teacher, 1)) as tf.Tensor1D;
      return labelLoss(logits, predicted, studentUnits, outputs);
    }
    // The teacher's softened outputs over its units, placed among the student's; units the teacher never had
    // (in class-IL, the new task's classes) get no mass, so replayed inputs are kept away from them.
    const softened = tf.softmax(tf.div(teacher, temperature));
    const soft = sameUnits(teacherUnits, studentUnits) ? softened : tf.matMul(softened, placement(teacherUnits, studentUnits));
    return softenedCrossEntropy(columns(logits, studentUnits), soft, temperature);
  });
  return tf.div(tf.addN(perGroup), groups.length) as tf.Scalar;
}

/**
 * The paper's importance mix, the one place it is computed: r · L_current + (1 − r) · L_replay. With only one
 * of the two terms (the first task, or a generation that learns only from its teacher) that term has weight 1.
 * Any pair of losses can be mixed: labels, distillation targets, or value vectors (the RL agent teaches Q-values).
 */
export function mixByImportance(r: number, current: tf.Scalar | null, replayed: tf.Scalar | null): tf.Scalar {
  if (current === null && replayed === null) throw new Error('mixByImportance: no loss term to mix');
  if (replayed === null) return current as tf.Scalar;
  if (current === null) return replayed;
  return tf.add(tf.mul(r, current), tf.mul(1 - r, replayed));
}

/** How a vector of values is taught: regressed (MSE, Huber) or distilled as a policy at a temperature. */
export type ValueLossKind = 'mse' | 'huber' | { readonly kind: 'policy'; readonly temperature: number };

/**
 * L between vectors of values (rows of `predicted` against rows of `target`), averaged over rows: the mean
 * squared error, or the Huber loss with δ = 1 (quadratic within 1 of the target, linear beyond, as in DQN's error
 * clipping, Mnih et al. 2015), averaged over units too; or policy distillation (Rusu et al. 2016): the values read
 * as the logits of a softmax policy at temperature T on both sides, so a low T teaches the teacher's greedy
 * action sharply and the student's outputs stay on the teacher's scale (a chain of students teaches alike).
 */
export function valueLoss(predicted: tf.Tensor2D, target: tf.Tensor2D, kind: ValueLossKind): tf.Scalar {
  if (kind === 'mse') return tf.losses.meanSquaredError(target, predicted);
  if (kind === 'huber') return tf.losses.huberLoss(target, predicted, undefined, 1);
  return softenedCrossEntropy(predicted, tf.softmax(tf.div(target, kind.temperature)), kind.temperature);
}

/** The paper's L_train: r · L(S(x), y) + (1 − r) · L(S(x'), y'), plus an optional regulariser penalty. */
export function solverObjective(
  solver: Solver,
  current: CurrentBatch | null,
  replay: ReplayBatch | null,
  r: number,
  penalty?: () => tf.Scalar | null,
): tf.Scalar {
  const currentLoss = current && labelLoss(solver.logits(current.x), current.labels, current.units, solver.outputs);
  const replayedLoss = replay && replayLoss(solver.logits(replay.x), replay.targets, solver.outputs);
  return addPenalty(mixByImportance(r, currentLoss, replayedLoss), penalty);
}

/** The objective plus a regulariser's penalty (EWC, SI), when it has one: both domains add it here. */
export function addPenalty(objective: tf.Scalar, penalty?: () => tf.Scalar | null): tf.Scalar {
  const extra = penalty?.();
  return extra ? tf.add(objective, extra) : objective;
}

/** Copies a scholar's weights into the frozen "previous scholar" that teaches the next task. */
export function freeze(from: Scholar, into: Scholar): void {
  const source = from.solver.network.variables();
  // Copies, not shared buffers: the teacher must not change when the student trains on.
  into.solver.network.variables().forEach((v, i) => tf.tidy(() => v.assign(tf.clone(source[i]))));
  if (from.generator && into.generator) into.generator.setWeights(from.generator.weights());
}

/** A scholar's weights and optimiser states as named arrays, for a checkpoint. */
export function scholarArrays(scholar: Scholar): Record<string, Float32Array[]> {
  const solverOpt = scholar.solver.optimizer.state();
  const arrays: Record<string, Float32Array[]> = {
    solver: scholar.solver.network.variables().map((v) => new Float32Array(v.dataSync())),
    solverOptimizer: solverOpt.moments,
    solverOptimizerStep: [Float32Array.of(solverOpt.step)],
  };
  if (scholar.generator) {
    arrays.generator = scholar.generator.weights().values;
    const states = scholar.generator.optimizerState();
    states.forEach((s, i) => {
      arrays[`generatorOptimizer${i}`] = s.moments;
      arrays[`generatorOptimizerStep${i}`] = [Float32Array.of(s.step)];
    });
  }
  return arrays;
}

/** Puts arrays written by scholarArrays back into a scholar of the same configuration. */
export function restoreScholar(scholar: Scholar, arrays: Record<string, CheckpointArray[]>): void {
  const need = (name: string): Float32Array[] => {
    const list = floatArrays(arrays, name);
    if (!list) throw new Error(`checkpoint has no '${name}' arrays (saved by a different arm?)`);
    return list;
  };
  const vars = scholar.solver.network.variables();
  const solver = need('solver');
  if (solver.length !== vars.length || solver.some((a, i) => a.length !== vars[i].size)) {
    throw new Error('checkpoint solver weights do not match the configured solver');
  }
  vars.forEach((v, i) => tf.tidy(() => v.assign(tf.tensor(solver[i], v.shape))));
  scholar.solver.optimizer.restore({ step: need('solverOptimizerStep')[0][0], moments: need('solverOptimizer') });
  if (scholar.generator) {
    const current = scholar.generator.weights();
    scholar.generator.setWeights({ shapes: current.shapes, values: need('generator') });
    const states = scholar.generator.optimizerState().map((_, i) => ({
      step: need(`generatorOptimizerStep${i}`)[0][0],
      moments: need(`generatorOptimizer${i}`),
    }));
    scholar.generator.restoreOptimizer(states);
  }
}

/** A student's checkpoint arrays: its scholar's, and its regulariser's state. */
export function studentArrays(student: Student): Record<string, Float32Array[]> {
  return { ...scholarArrays(student.scholar), ...(student.regulariser ? { regulariser: student.regulariser.state() } : {}) };
}

/** Puts back what studentArrays saved; the previous scholar is the restored one (it teaches the next task). */
export function restoreStudent(student: Student, arrays: Record<string, CheckpointArray[]>, prefix = ''): void {
  restoreScholar(student.scholar, arrays);
  freeze(student.scholar, student.previous);
  if (student.regulariser) {
    const saved = floatArrays(arrays, 'regulariser');
    if (!saved) throw new Error(`checkpoint has no '${prefix}regulariser' arrays (saved by a different arm?)`);
    student.regulariser.restore(saved);
  }
}

/** Frees both scholars' and the regulariser's tensors. */
export function disposeStudent(student: Student): void {
  for (const s of [student.scholar, student.previous]) {
    s.solver.dispose();
    s.generator?.dispose();
  }
  student.regulariser?.dispose();
}
