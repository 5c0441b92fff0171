/**
 * A whole RL run at test scale, every arm together: a run killed after a phase and started again ends with the
 * identical result; tensors do not pile up from game to game; watchers see the run through its events and a
 * watcher that throws cannot break it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../agent/events.ts';
import { RunStopped, runAgent } from '../../agent/run.ts';
import type { AgentResult } from '../../agent/result.ts';
import { useBackend } from '../../core/engine/backend.ts';
import { EventStream } from '../../core/events.ts';
import { numbers, tinyConfig } from './helpers.ts';

const config = tinyConfig(['gr', 'er', 'noise', 'none', 'offline']);
const dir = mkdtempSync(join(tmpdir(), 'dgr-rl-'));
let uninterrupted: AgentResult;
let resumed: AgentResult;
const seen: string[] = [];
const tensorsAtTaskEnd: number[] = [];
const errors: string[] = [];

describe('an RL run', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    const events = new EventStream<AgentEvent>();
    events.subscribe((e) => {
      seen.push(e.type);
      // An arm with a generator shows its dreams at its task's end.
      if (e.type === 'task-end' && e.dreams) seen.push('dreams');
      if (e.type === 'task-end' && e.arm === 'offline') tensorsAtTaskEnd.push(tf.memory().numTensors);
      if (e.type === 'subscriber-error') errors.push(e.message);
    });
    // A watcher that fails on its first frame is detached and reported; the run goes on.
    events.subscribe((e) => {
      if (e.type === 'frame') throw new Error('watcher fell over');
    });
    uninterrupted = await runAgent({ ...config, schedule: { ...config.schedule, tasks: [...config.schedule.tasks, config.schedule.tasks[0]] } }, { backend: 'wasm', events });
    // Stopped after game 1's learner and two arms' consolidations, then started again from the checkpoint.
    const threeGames = { ...config, schedule: { ...config.schedule, tasks: [...config.schedule.tasks, config.schedule.tasks[0]] } };
    await expect(runAgent(threeGames, { backend: 'wasm', checkpointDir: dir, stopAfterPhases: 3 })).rejects.toBeInstanceOf(RunStopped);
    await expect(runAgent(threeGames, { backend: 'wasm', checkpointDir: dir, stopAfterPhases: 5 })).rejects.toBeInstanceOf(RunStopped);
    resumed = await runAgent({ ...threeGames, parallel: false }, { backend: 'wasm', checkpointDir: dir });
  }, 900_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('resumes a stopped run to the identical result, with the generator in a worker or not', () => {
    expect(numbers(resumed)).toEqual(numbers(uninterrupted));
    expect(resumed.arms.map((a) => a.R.length)).toEqual([4, 4, 4, 4, 4]);
  });

  it('shares one learner per game among the arms, and starts every arm from the same network', () => {
    expect(uninterrupted.learners).toHaveLength(3);
    const rows0 = uninterrupted.arms.map((a) => a.R[0]);
    for (const row of rows0) expect(row).toEqual(rows0[0]);
    // The arms differ once something is replayed: from the second game's consolidation on.
    expect(new Set(uninterrupted.arms.map((a) => a.losses[0])).size).toBe(1);
    expect(new Set(uninterrupted.arms.map((a) => a.losses[1])).size).toBe(5);
  });

  it('audits what the generator replays and keeps its dreams as 0/1 frames', () => {
    const gr = uninterrupted.arms.find((a) => a.arm === 'gr');
    expect(gr?.audits[0]).toBeNull();
    expect(gr?.audits[1]?.samples).toBe(1000);
    expect(gr?.audits[2]?.valid).toHaveLength(2);
    expect(gr?.dreams.every((d) => d !== null && d.observations.every((v) => v === 0 || v === 1) && d.actions.length === 64)).toBe(true);
    expect(uninterrupted.arms.find((a) => a.arm === 'none')?.audits.every((a) => a === null)).toBe(true);
  });

  it("counts, state by state, how often each consolidation kept the previous scholar's actions", () => {
    for (const arm of uninterrupted.arms) {
      expect(arm.actionsKept, arm.arm).toHaveLength(3);
      expect(arm.actionsKept![0]).toBeNull();
      // After game k, one share per earlier game, on its real frames; on dreams only for the arm with a generator.
      arm.actionsKept!.slice(1).forEach((kept, j) => {
        expect(kept!.real).toHaveLength(j + 1);
        for (const share of kept!.real) expect(share >= 0 && share <= 1).toBe(true);
        if (arm.arm === 'gr') expect(kept!.dreams).toHaveLength(j + 1);
        else expect(kept!.dreams).toBeNull();
      });
    }
  });

  it('records where each consolidation spent its time, and what its dream filter drew', () => {
    for (const arm of uninterrupted.arms) {
      expect(arm.seconds, arm.arm).toHaveLength(3);
      for (const t of arm.seconds!) for (const step of ['prepare', 'generator', 'solver', 'consolidate', 'evaluate', 'audit'] as const) expect(t[step]).toBeGreaterThanOrEqual(0);
      // The scholar's steps take time on every game; only an arm with a generator trains one.
      expect(arm.seconds!.every((t) => t.solver > 0)).toBe(true);
      expect(arm.seconds!.every((t) => (t.generator > 0) === (arm.arm === 'gr'))).toBe(true);
    }
    // GR's filter (the preset keeps valid dreams) replays from the second game on: the scholar's and the
    // generator's batches, each drawn whole from G's samples at least once.
    const gr = uninterrupted.arms.find((a) => a.arm === 'gr')!.seconds!;
    expect(gr[0].dreams).toBeNull();
    for (const t of gr.slice(1)) {
      const { scholar, generator } = config;
      expect(t.dreams!.replayed).toBe(scholar.iterations * scholar.batchSize + generator.iterations * generator.batchSize);
      expect(t.dreams!.drawn).toBeGreaterThanOrEqual(t.dreams!.replayed);
      expect(t.dreams!.seconds).toBeLessThanOrEqual(t.generator + t.solver);
    }
    for (const arm of uninterrupted.arms.filter((a) => a.arm !== 'gr')) expect(arm.seconds!.every((t) => t.dreams === null)).toBe(true);
    const total = uninterrupted.arms.flatMap((a) => a.seconds!).reduce((sum, t) => sum + t.prepare + t.generator + t.solver + t.consolidate + t.evaluate + t.audit, 0);
    expect(total).toBeLessThanOrEqual(uninterrupted.seconds);
  });

  it('keeps the tensor count flat from game to game', () => {
    expect(tensorsAtTaskEnd).toHaveLength(3);
    expect(new Set(tensorsAtTaskEnd).size).toBe(1);
  });

  it('tells its watchers what happens, and detaches one that throws', () => {
    for (const type of ['start', 'progress', 'curve', 'task-end', 'dreams', 'end'] as const) expect(seen).toContain(type);
    expect(seen).toContain('frame');
    expect(errors).toEqual(['watcher fell over']);
  });
});
