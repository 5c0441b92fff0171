/**
 * The arms without a generator of their own doing what core/arms.ts says they do, on a small real stream:
 * split MNIST, domain-incremental (0/1 then 2/3 on one shared head), where fine-tuning forgets part of task 1.
 * First what each replays and teaches, then what that does to task 1 against fine-tuning, and a regulariser
 * arm stopped after task 1 and resumed from its checkpoint ending exactly where the uninterrupted run does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARMS, type ArmName } from '../../core/arms.ts';
import type { RunConfig } from '../../core/config.ts';
import { runContinual, type RunResult } from '../../core/continual.ts';
import { fillBatch } from '../../core/data/batch.ts';
import { useBackend } from '../../core/engine/backend.ts';
import { Rng } from '../../core/engine/random.ts';
import { generatorSpec } from '../../core/experiments/presets.ts';
import { createGenerator } from '../../core/generators/create.ts';
import { replayBatch, type ReplayContext } from '../../core/replay/replay.ts';
import type { Scholar } from '../../core/scholar.ts';
import { createSolver } from '../../core/solvers/create.ts';
import { buildStream } from '../../core/stream.ts';
import { twoTaskSplit } from './helpers.ts';

/** 150 iterations a task on 2000 images of each pair, one shared head of two units. */
function domainSplit(arm: ArmName, overrides: Partial<RunConfig> = {}): RunConfig {
  return twoTaskSplit(arm, {
    stream: { kind: 'split-mnist', scenario: 'domain', tasks: 2, limit: { train: 2000, test: 500 } },
    iterations: 150,
    generatorIterations: 150,
    parallel: false,
    ...overrides,
  });
}
const keptTask1 = (r: RunResult): number => r.accuracyMatrix[2][0];
const learnedTask2 = (r: RunResult): number => r.accuracyMatrix[2][1];
const results = new Map<string, RunResult>();
async function run(name: string, config: RunConfig): Promise<RunResult> {
  const result = await runContinual(config, { backend: 'wasm' });
  results.set(name, result);
  return result;
}

describe('what each arm replays and teaches (one batch, real MNIST)', () => {
  const config = domainSplit('none', { stream: { kind: 'split-mnist', scenario: 'class', tasks: 2, limit: { train: 300, test: 50 } } });
  const stream = buildStream(config.stream, 1);
  const rng = new Rng(2);
  let previous: Scholar;
  let current: tf.Tensor2D;
  const context = (memory = stream.tasks.slice(0, 2).map((t) => t.train)): ReplayContext => ({
    previous,
    memory,
    groups: [{ teacher: [0, 1], student: [0, 1, 2, 3] }],
    unitsSoFar: [0, 1, 2, 3],
    temperature: 2,
    rng: new Rng(3),
  });

  beforeAll(async () => {
    await useBackend('wasm');
    previous = {
      solver: createSolver(config.solver, stream.shape, stream.outputs, rng.fork('solver')),
      generator: createGenerator(generatorSpec('vae'), stream.shape, rng.fork('generator')),
    };
    const batch = fillBatch(stream.tasks[1].train, Array.from({ length: 64 }, (_, i) => i));
    current = tf.tensor2d(batch.x, [64, 784]);
  });
  afterAll(() => {
    previous.solver.dispose();
    previous.generator?.dispose();
    current.dispose();
  });

  it('offline replays real inputs of every past task with their true labels, over every unit so far', () => {
    tf.tidy(() => {
      const replay = replayBatch(ARMS.offline, context(), current, 256)!;
      expect(replay.targets.kind).toBe('labels');
      if (replay.targets.kind !== 'labels') return;
      expect(replay.targets.units).toEqual([0, 1, 2, 3]);
      const labels = Array.from(replay.targets.labels.dataSync());
      // Both stored tasks are drawn from (digits 0/1 and 2/3), in proportion to their sizes.
      for (const label of [0, 1, 2, 3]) expect(labels.filter((l) => l === label).length).toBeGreaterThan(30);
    });
  });

  it("lwf teaches the current inputs the previous solver's softened outputs", () => {
    tf.tidy(() => {
      const replay = replayBatch(ARMS.lwf, context(), current, 64)!;
      expect(replay.x).toBe(current);
      expect(replay.targets.kind).toBe('solver');
      if (replay.targets.kind !== 'solver') return;
      expect(replay.targets.temperature).toBe(2);
      expect(Array.from(replay.targets.logits.dataSync())).toEqual(Array.from(previous.solver.logits(current).dataSync()));
    });
  });

  it("lwf-gr teaches the same soft targets on the previous generator's samples instead", () => {
    tf.tidy(() => {
      previous.generator!.reseed(new Rng(4));
      const replay = replayBatch(ARMS['lwf-gr'], context(), current, 64)!;
      previous.generator!.reseed(new Rng(4));
      const expected = previous.generator!.sample(64);
      expect(Array.from(replay.x.dataSync())).toEqual(Array.from(expected.dataSync()));
      expect(replay.targets.kind === 'solver' && replay.targets.temperature).toBe(2);
    });
  });

  it('ewc, online-ewc and si replay nothing: their regulariser is all they add', () => {
    for (const arm of ['ewc', 'online-ewc', 'si'] as const) expect(replayBatch(ARMS[arm], context(), current, 64)).toBeNull();
  });
});

describe('each arm on a 2-task domain-IL split MNIST (wasm)', () => {
  const dirs: string[] = [];
  beforeAll(async () => {
    await useBackend('wasm');
    await run('none', domainSplit('none'));
  });
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('fine-tuning forgets part of task 1 here', () => {
    const none = results.get('none')!;
    expect(none.accuracyMatrix[1][0]).toBeGreaterThan(0.98);
    expect(keptTask1(none)).toBeLessThan(0.9);
  });

  it('offline, which trains on every task so far, keeps task 1 and learns task 2', async () => {
    const r = await run('offline', domainSplit('offline'));
    expect(keptTask1(r)).toBeGreaterThan(0.97);
    expect(learnedTask2(r)).toBeGreaterThan(0.95);
  });

  it("lwf keeps task 1 by teaching the old answers on the new inputs, and learns task 2 less for it", async () => {
    const r = await run('lwf', domainSplit('lwf'));
    expect(keptTask1(r)).toBeGreaterThan(keptTask1(results.get('none')!) + 0.1);
    expect(learnedTask2(r)).toBeLessThan(learnedTask2(results.get('none')!));
  });

  it('lwf-gr keeps more of task 1 than fine-tuning', async () => {
    const r = await run('lwf-gr', domainSplit('lwf-gr'));
    expect(keptTask1(r)).toBeGreaterThan(keptTask1(results.get('none')!) + 0.05);
  });

  // The empirical Fisher of a network sure of its answers is tiny (about 1e-8 per weight here, after 0/1 is
  // learned to 100 %), so EWC's λ must be large before its penalty holds anything.
  it.each(['ewc', 'online-ewc'] as const)('%s with a strong penalty keeps more of task 1 than fine-tuning', async (arm) => {
    const r = await run(arm, domainSplit(arm, { ewc: { lambda: 1e12, samples: 100, gamma: 1 } }));
    expect(keptTask1(r)).toBeGreaterThan(keptTask1(results.get('none')!) + 0.04);
  });

  it('si keeps more of task 1 than fine-tuning', async () => {
    const r = await run('si', domainSplit('si', { si: { c: 1000, epsilon: 0.1 } }));
    expect(keptTask1(r)).toBeGreaterThan(keptTask1(results.get('none')!) + 0.1);
  });

  it.each([
    ['si', { si: { c: 1000, epsilon: 0.1 } }],
    ['ewc', { ewc: { lambda: 1e12, samples: 100, gamma: 1 } }],
  ] as const)('%s stopped after task 1 and resumed from its checkpoint ends as the uninterrupted run', async (arm, strength) => {
    const dir = mkdtempSync(join(tmpdir(), `dgr-${arm}-resume-`));
    dirs.push(dir);
    const config = domainSplit(arm, strength);
    const uninterrupted = results.get(arm) ?? (await run(arm, config));
    await runContinual(config, { backend: 'wasm', checkpointDir: dir, stopAfterTasks: 1 });
    const resumed = await runContinual(config, { backend: 'wasm', checkpointDir: dir });
    expect(resumed.accuracyMatrix).toEqual(uninterrupted.accuracyMatrix);
    expect(resumed.curves).toEqual(uninterrupted.curves);
  });
});
