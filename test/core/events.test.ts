/**
 * Observers as an event stream (core/events.ts, core/run-events.ts): several subscribers at once, a subscriber
 * that throws detached and reported without touching the run, every event small and serialisable, and a run
 * that fails telling its subscribers why before it throws.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runContinual, type ClassificationEvent, type RunResult } from '../../core/continual.ts';
import { useBackend } from '../../core/engine/backend.ts';
import { EventStream, type SubscriberError } from '../../core/events.ts';
import { MNIST_SHAPE } from '../../core/data/mnist.ts';
import { Rng } from '../../core/engine/random.ts';
import { generatorSpec } from '../../core/experiments/presets.ts';
import { createGenerator } from '../../core/generators/create.ts';
import { GeneratorWorker } from '../../core/generators/parallel.ts';
import { buildStream } from '../../core/stream.ts';
import { twoTaskSplit } from './helpers.ts';

type Seen = ClassificationEvent | SubscriberError;
const config = twoTaskSplit('gr', {
  stream: { kind: 'split-mnist', scenario: 'class', tasks: 2, limit: { train: 600, test: 100 } },
  iterations: 50,
  generatorIterations: 50,
  evalEvery: 25,
  parallel: false,
});

describe('EventStream', () => {
  it('hands each event to every subscriber, in order of subscription, until one unsubscribes', () => {
    const stream = new EventStream<{ type: 'tick'; n: number }>();
    const a: string[] = [];
    const b: string[] = [];
    stream.subscribe((e) => a.push(`${e.type}`));
    const stop = stream.subscribe((e) => b.push(`${e.type}`));
    stream.emit({ type: 'tick', n: 1 });
    stop();
    stream.emit({ type: 'tick', n: 2 });
    expect(a).toEqual(['tick', 'tick']);
    expect(b).toEqual(['tick']);
    expect(stream.size).toBe(1);
  });

  it('detaches a subscriber that throws and reports it to the others, who keep receiving', () => {
    const stream = new EventStream<{ type: 'tick' }>();
    const seen: Seen[] = [];
    let calls = 0;
    stream.subscribe(() => {
      calls++;
      throw new Error('broken display');
    });
    stream.subscribe((e) => seen.push(e as Seen));
    stream.emit({ type: 'tick' });
    stream.emit({ type: 'tick' });
    expect(calls).toBe(1);
    expect(stream.size).toBe(1);
    expect(seen.map((e) => e.type)).toEqual(['tick', 'subscriber-error', 'tick']);
    expect(seen[1]).toEqual({ type: 'subscriber-error', event: 'tick', message: 'broken display' });
  });
});

describe('a run as an event stream (wasm)', () => {
  const seen: Seen[] = [];
  let quiet: RunResult;
  let watched: RunResult;
  const dir = mkdtempSync(join(tmpdir(), 'dgr-events-'));

  beforeAll(async () => {
    await useBackend('wasm');
    quiet = await runContinual(config, { backend: 'wasm' });
    const events = new EventStream<ClassificationEvent>();
    events.subscribe((e) => {
      if (e.type === 'progress') throw new Error('the viewer fell over');
    });
    events.subscribe((e) => seen.push(e));
    watched = await runContinual(config, { backend: 'wasm', events });
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a subscriber that throws changes nothing in the run; the others see it reported and go on', () => {
    expect(watched.accuracyMatrix).toEqual(quiet.accuracyMatrix);
    expect(watched.curves).toEqual(quiet.curves);
    const types = seen.map((e) => e.type);
    expect(types.filter((t) => t === 'subscriber-error')).toHaveLength(1);
    expect(seen.find((e) => e.type === 'subscriber-error')).toMatchObject({ event: 'progress', message: 'the viewer fell over' });
    expect(types.filter((t) => t === 'progress').length).toBeGreaterThan(4);
  });

  it('emits start, progress, curve, task-end and end in the order they happen', () => {
    const types = seen.map((e) => e.type).filter((t) => t !== 'subscriber-error');
    expect(types[0]).toBe('start');
    expect(types.at(-1)).toBe('end');
    expect(types.filter((t) => t === 'task-end')).toHaveLength(2);
    expect(types.filter((t) => t === 'curve')).toHaveLength(4); // every 25 of 50 iterations, two tasks
    expect(types.indexOf('curve')).toBeLessThan(types.indexOf('task-end'));
    const start = seen[0] as Extract<ClassificationEvent, { type: 'start' }>;
    expect(start.stream).toEqual({ name: 'split-mnist', scenario: 'class', outputs: 4, shape: [28, 28, 1], taskNames: ['digits 0/1', 'digits 2/3'] });
    expect(start.resumedAt).toBe(0);
    expect(start.generatorIterations).toBe(50);
    const end = seen.at(-1) as Extract<ClassificationEvent, { type: 'end' }>;
    expect(end).toMatchObject({ acc: quiet.acc, bwt: quiet.bwt, fwt: quiet.fwt, forgetting: quiet.forgetting, accuracyMatrix: quiet.accuracyMatrix });
    const lastTask = seen.filter((e) => e.type === 'task-end').at(-1) as Extract<ClassificationEvent, { type: 'task-end' }>;
    expect(lastTask.row).toEqual(quiet.accuracyMatrix[2]);
    expect(lastTask.samples).toHaveLength(64 * 784);
    expect(lastTask.replay?.samples).toBe(1000);
  });

  it('every event is small and serialisable: no dataset travels in one', () => {
    for (const e of seen) {
      let arrayBytes = 0;
      const json = JSON.stringify(e, (_, v) => {
        if (!ArrayBuffer.isView(v)) return v;
        arrayBytes += v.byteLength;
        return [];
      });
      expect(JSON.parse(json).type).toBe(e.type);
      expect(json.length).toBeLessThan(20_000);
      // At most a task end's 64 sample images and their labels; the task's 600 training images would not fit.
      expect(arrayBytes).toBeLessThanOrEqual(64 * 784 * 4 + 64 * 4);
    }
  });

  it('a run that fails tells its subscribers why, then throws the same error', async () => {
    const events = new EventStream<ClassificationEvent>();
    const failed: Seen[] = [];
    events.subscribe((e) => failed.push(e));
    await runContinual(config, { backend: 'wasm', checkpointDir: dir, stopAfterTasks: 1 });
    const other = { ...config, iterations: 51 };
    const tensors = tf.memory().numTensors;
    await expect(runContinual(other, { backend: 'wasm', checkpointDir: dir, events })).rejects.toThrow(/different run config/);
    expect(failed.at(-1)).toMatchObject({ type: 'error', message: expect.stringMatching(/different run config/) });
    // The models it had built are freed: a server running many runs in one process does not leak.
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it("the generator's worker failing while the solver trains ends the run with an error naming the worker", async () => {
    const tensors = tf.memory().numTensors;
    const failing = vi
      .spyOn(GeneratorWorker.prototype, 'trainTask')
      .mockImplementation(() => new Promise((_, reject) => setTimeout(() => reject(new Error('generator worker: out of memory')), 50)));
    const events = new EventStream<ClassificationEvent>();
    const failed: Seen[] = [];
    events.subscribe((e) => failed.push(e));
    try {
      await expect(runContinual({ ...config, iterations: 400, parallel: true }, { backend: 'wasm', events })).rejects.toThrow(
        'generator worker: out of memory',
      );
    } finally {
      failing.mockRestore();
    }
    expect(tf.memory().numTensors).toBe(tensors);
    // It ended while the solver was still training, at its next report, not after its 400 iterations.
    expect(failed.some((e) => e.type === 'task-end')).toBe(false);
    const reached = Math.max(...failed.map((e) => (e.type === 'progress' ? e.iteration : 0)));
    expect(reached).toBeLessThan(400);
    expect(failed.at(-1)).toEqual({ type: 'error', message: 'generator worker: out of memory' });
  });

  it("a real worker's failure comes back as an error naming the worker, not a crash", async () => {
    const worker = await GeneratorWorker.start('wasm', generatorSpec('vae'), MNIST_SHAPE);
    // A generator of another size than the worker's: its weights cannot be loaded there.
    const other = createGenerator(generatorSpec('vae', { hidden: [30], lr: 1e-3 }), MNIST_SHAPE, new Rng(1));
    const data = buildStream(config.stream, 1).tasks[0].train;
    const rng = { train: new Rng(2), noise: new Rng(3), replay: new Rng(4) };
    try {
      await expect(worker.trainTask(other, null, data, { iterations: 5, batchSize: 8, r: 1, reportEvery: 5 }, rng)).rejects.toThrow(/^generator worker: /);
    } finally {
      other.dispose();
      await worker.stop();
    }
  });
});
