/** Tensors are disposed: counts do not grow across training steps, tasks or runs. */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ARMS, type ArmName } from '../../core/arms.ts';
import { runContinual, type ClassificationEvent } from '../../core/continual.ts';
import { EventStream } from '../../core/events.ts';
import { useBackend } from '../../core/engine/backend.ts';
import { Rng } from '../../core/engine/random.ts';
import { generatorSpec, GENERATOR_CHOICES } from '../../core/experiments/presets.ts';
import { createGenerator } from '../../core/generators/create.ts';
import { replayBatch } from '../../core/replay/replay.ts';
import { solverObjective } from '../../core/scholar.ts';
import { createSolver } from '../../core/solvers/create.ts';
import { MNIST_SHAPE } from '../../core/data/mnist.ts';
import { twoTaskSplit } from './helpers.ts';

describe('tensor hygiene (wasm)', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('holds as many tensors after 100 GR training steps as after 1', () => {
    const config = twoTaskSplit('gr');
    const rng = new Rng(0);
    const solver = createSolver(config.solver, MNIST_SHAPE, 10, rng.fork('s'));
    const previous = { solver: createSolver(config.solver, MNIST_SHAPE, 10, rng.fork('p')), generator: createGenerator(config.generator, MNIST_SHAPE, rng.fork('g')) };
    const context = {
      previous,
      memory: [],
      groups: [{ teacher: [0, 1], student: [0, 1, 2, 3] }],
      unitsSoFar: [0, 1, 2, 3],
      temperature: 2,
      rng: rng.fork('replay'),
    };
    const x = tf.tensor2d(rng.fillUniform(new Float32Array(32 * 784)), [32, 784]);
    const labels = tf.tensor1d(Int32Array.from({ length: 32 }, () => 2 + rng.int(2)), 'int32');
    const step = (): void => {
      tf.tidy(() => {
        const replay = replayBatch(ARMS.gr, context, x, 32);
        solver.optimizer.minimize(() => solverObjective(solver, { x, labels, units: [0, 1, 2, 3] }, replay, 0.5)).dispose();
        previous.generator.trainStep(x, previous.generator.sample(32), 0.5).dispose();
      });
    };
    step();
    const afterOne = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) step();
    expect(tf.memory().numTensors).toBe(afterOne);
  });

  // The bench calls a step outside any tf.tidy, as any caller may: the step must clean up after itself.
  it.each(GENERATOR_CHOICES)('a %s training step, with or without replay, leaves nothing but its loss', (kind) => {
    const rng = new Rng(0);
    const generator = createGenerator(generatorSpec(kind), MNIST_SHAPE, rng.fork('g'));
    const real = tf.tensor2d(rng.fillUniform(new Float32Array(8 * 784)), [8, 784]);
    const replayed = tf.tensor2d(rng.fillUniform(new Float32Array(8 * 784)), [8, 784]);
    generator.trainStep(real, replayed, 0.5).dispose();
    generator.trainStep(real, null, 1).dispose();
    const afterFirst = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      generator.trainStep(real, replayed, 0.5).dispose();
      generator.trainStep(real, null, 1).dispose();
    }
    expect(tf.memory().numTensors).toBe(afterFirst);
    for (const t of [real, replayed]) t.dispose();
    generator.dispose();
  });

  it.each(['gr', 'si', 'online-ewc'] as ArmName[])('keeps the tensor count flat across tasks and runs (%s)', async (arm) => {
    const counts: number[] = [];
    const config = twoTaskSplit(arm, {
      stream: { kind: 'split-mnist', scenario: 'class', tasks: 3, limit: { train: 600, test: 100 } },
      iterations: 20,
      generatorIterations: 20,
      ewc: { lambda: 100, samples: 10, gamma: 0.9 },
      parallel: false,
    });
    const before = tf.memory().numTensors;
    const events = new EventStream<ClassificationEvent>();
    events.subscribe((event) => {
      if (event.type === 'task-end') counts.push(tf.memory().numTensors);
    });
    await runContinual(config, { backend: 'wasm', events });
    // Regularisers legitimately grow by one anchor set at the first consolidation; online variants stay flat.
    expect(counts[2]).toBe(counts[1]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
