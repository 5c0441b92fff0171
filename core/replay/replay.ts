/**
 * Replayed data for the second term of the solver's objective (core/scholar.ts): where the inputs x' come from
 * and what they are taught, as an arm chooses (core/arms.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Arm } from '../arms.ts';
import { fillBatch } from '../data/batch.ts';
import { activeUnits } from '../data/streams.ts';
import type { Dataset, TaskStream } from '../data/types.ts';
import type { Rng } from '../engine/random.ts';
import type { ReplayBatch, ReplayGroup, ReplayTargets, Scholar } from '../scholar.ts';

export interface ReplayContext {
  /** The frozen scholar of the previous task; null while learning the first task. */
  readonly previous: Scholar | null;
  /** Real training data of the past tasks (only arms that replay from memory read it). */
  readonly memory: readonly Dataset[];
  /** The previous solver's output groups (one per earlier head in task-IL, else one) and the units taught. */
  readonly groups: readonly ReplayGroup[];
  /** Every unit used so far (true-label replay takes its loss over these). */
  readonly unitsSoFar: readonly number[];
  readonly temperature: number;
  readonly rng: Rng;
}

/**
 * What the previous solver teaches on replayed inputs: in task-IL each earlier head on its own units; otherwise
 * the previous solver's answer over the units it knew, taught over every unit the current task may use.
 */
export function replayGroups(stream: TaskStream, taskIndex: number): ReplayGroup[] {
  if (taskIndex === 0) return [];
  if (stream.scenario === 'task') return stream.tasks.slice(0, taskIndex).map((t) => ({ teacher: t.units, student: t.units }));
  return [{ teacher: activeUnits(stream, taskIndex - 1), student: activeUnits(stream, taskIndex) }];
}

/** Every output unit any task up to `taskIndex` answers with (true-label replay and the audits use these). */
export function unitsSoFar(stream: TaskStream, taskIndex: number): number[] {
  const units = new Set<number>();
  for (const t of stream.tasks.slice(0, taskIndex + 1)) for (const u of activeUnits(stream, t.index)) units.add(u);
  return [...units].sort((a, b) => a - b);
}

function fromMemory(memory: readonly Dataset[], size: number, rng: Rng): { x: tf.Tensor2D; y: tf.Tensor1D } {
  const total = memory.reduce((n, d) => n + d.n, 0);
  const perSet: number[][] = memory.map(() => []);
  // Uniform over all stored samples: each past task is replayed in proportion to its size.
  for (let k = 0; k < size; k++) {
    let i = rng.int(total);
    let set = 0;
    while (i >= memory[set].n) i -= memory[set++].n;
    perSet[set].push(i);
  }
  const parts = memory.map((d, s) => fillBatch(d, perSet[s])).filter((b) => b.size > 0);
  const width = parts[0].x.length / parts[0].size;
  const x = new Float32Array(size * width);
  const y = new Int32Array(size);
  let offset = 0;
  for (const part of parts) {
    x.set(part.x, offset * width);
    y.set(part.y, offset);
    offset += part.size;
  }
  return { x: tf.tensor2d(x, [size, width]), y: tf.tensor1d(y, 'int32') };
}

/** The replayed batch for one iteration, or null when the arm replays nothing (or nothing is learned yet). */
export function replayBatch(arm: Arm, context: ReplayContext, current: tf.Tensor2D, size: number): ReplayBatch | null {
  const { previous } = context;
  if (arm.inputs === 'none' || previous === null) return null;
  const width = current.shape[1];
  let x: tf.Tensor2D;
  let labels: tf.Tensor1D | null = null;
  switch (arm.inputs) {
    case 'generator':
      if (previous.generator === null) throw new Error(`arm ${arm.name} replays from a generator, but none was trained`);
      x = previous.generator.sample(size);
      break;
    case 'memory': {
      const stored = fromMemory(context.memory, size, context.rng);
      x = stored.x;
      labels = stored.y;
      break;
    }
    case 'noise':
      x = tf.randomNormal([size, width], 0, 1, 'float32', context.rng.seed());
      break;
    case 'current':
      x = current;
      break;
  }
  let targets: ReplayTargets;
  if (arm.teaching === 'labels') {
    if (labels === null) throw new Error(`arm ${arm.name} teaches true labels, which only stored data has`);
    targets = { kind: 'labels', labels, units: context.unitsSoFar };
  } else {
    targets = {
      kind: 'solver',
      logits: previous.solver.logits(x),
      groups: context.groups,
      temperature: arm.teaching === 'soft' ? context.temperature : null,
    };
  }
  return { x, targets };
}
