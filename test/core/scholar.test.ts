/**
 * The replay term of the paper's objective (core/scholar.ts) on hand-made logits, checked against the formula
 * computed here in plain numbers: hard targets are the teacher's argmax, soft targets its softened outputs, and
 * in class-incremental learning both are learned over every class so far (the teacher's units plus the new ones).
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../core/engine/backend.ts';
import { replayLoss, type ReplayTargets } from '../../core/scholar.ts';

const softmax = (v: number[]): number[] => {
  const m = Math.max(...v);
  const e = v.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
};

// Two replayed inputs, 4 outputs; the teacher knew units 0-1, the student has 0-3 (class-IL after task 2).
const teacherLogits = [
  [2, -1, 0.5, 3],
  [0.2, 1.4, -2, 0],
];
const studentLogits = [
  [1, 0, 0.8, -0.3],
  [-0.5, 0.7, 1.1, 0.2],
];
const groups = [{ teacher: [0, 1], student: [0, 1, 2, 3] }];

function loss(targets: ReplayTargets, logits: number[][]): number {
  return tf.tidy(() => replayLoss(tf.tensor2d(logits), targets, 4).dataSync()[0]);
}

describe('replay loss', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('hard targets: cross-entropy of the teacher argmax over the student units', () => {
    const targets: ReplayTargets = { kind: 'solver', logits: tf.tensor2d(teacherLogits), groups, temperature: null };
    // The teacher's argmax over its own units 0-1 (not over unit 3, which it never learned): 0 and 1.
    const expected = (-Math.log(softmax(studentLogits[0])[0]) - Math.log(softmax(studentLogits[1])[1])) / 2;
    expect(loss(targets, studentLogits)).toBeCloseTo(expected, 5);
  });

  it('soft targets: T² · cross-entropy of the softened teacher, new units given no mass', () => {
    const T = 2;
    const targets: ReplayTargets = { kind: 'solver', logits: tf.tensor2d(teacherLogits), groups, temperature: T };
    let expected = 0;
    for (let n = 0; n < 2; n++) {
      const p = softmax(teacherLogits[n].slice(0, 2).map((v) => v / T));
      const q = softmax(studentLogits[n].map((v) => v / T));
      expected += -(p[0] * Math.log(q[0]) + p[1] * Math.log(q[1]));
    }
    expect(loss(targets, studentLogits)).toBeCloseTo((T * T * expected) / 2, 5);
  });

  it('soft targets where teacher and student share their units (task- and domain-IL): plain distillation', () => {
    const T = 2;
    const shared = [{ teacher: [0, 1, 2, 3], student: [0, 1, 2, 3] }];
    const targets: ReplayTargets = { kind: 'solver', logits: tf.tensor2d(teacherLogits), groups: shared, temperature: T };
    let expected = 0;
    for (let n = 0; n < 2; n++) {
      const p = softmax(teacherLogits[n].map((v) => v / T));
      const q = softmax(studentLogits[n].map((v) => v / T));
      expected += -p.reduce((sum, pu, u) => sum + pu * Math.log(q[u]), 0);
    }
    expect(loss(targets, studentLogits)).toBeCloseTo((T * T * expected) / 2, 5);
  });

  it('pushes the new classes down on replayed inputs, with soft and with hard targets', () => {
    for (const temperature of [null, 2]) {
      const targets: ReplayTargets = { kind: 'solver', logits: tf.tensor2d(teacherLogits), groups, temperature };
      const raised = studentLogits.map((row) => row.map((v, u) => (u >= 2 ? v + 1 : v)));
      expect(loss(targets, raised)).toBeGreaterThan(loss(targets, studentLogits));
    }
  });
});
