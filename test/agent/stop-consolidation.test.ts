/**
 * Ctrl-C, or a kill, in the middle of a consolidation: the run checkpoints between two reports of G_k's training or
 * of Q_k's (Q_k and G_k, Q_(k−1) and G_(k−1), the streams where they stand, the dream filter's counts) and, started
 * again, goes on from that step to exactly the result of a run never stopped. GR is the second arm, so the
 * checkpoint also holds an arm that has consolidated the game (ER) beside one in the middle of it.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultControl, type AgentEvent } from '../../agent/events.ts';
import type { AgentResult } from '../../agent/result.ts';
import { RunStopped, runAgent } from '../../agent/run.ts';
import { useBackend } from '../../core/engine/backend.ts';
import { EventStream } from '../../core/events.ts';
import { loadCheckpoint, saveCheckpoint } from '../../core/checkpoint.ts';
import { parseAgentConfig } from '../../agent/config.ts';
import { numbers, tinyConfig } from './helpers.ts';

// A report every 5 of the 30 steps of the scholar and of the generator: of game 2's scholar reports, 1-6 are ER's and
// 7-12 GR's; its generator reports are GR's G_2's, before its scholar's.
const config = tinyConfig(['er', 'gr'], { progress: { every: 5, yieldEvery: 200 } });

interface Saved {
  position: { game: number; learned: boolean; armsDone: number; lesson?: { stage: string; iterations: number; loss?: number; seconds: { generator: number; solver: number } } };
  consolidation?: { arm: string; game: number; scholar: object | null; draws: { drawn: number; replayed: number } | null };
}
const progressOf = (dir: string): Saved => JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8')).progress;

/** Calls `at` on the n-th report of game 2's consolidations by the scholars or by a generator. */
function onReport(n: number, at: () => void, by: 'scholar' | 'generator' = 'scholar'): EventStream<AgentEvent> {
  const events = new EventStream<AgentEvent>();
  let reports = 0;
  events.subscribe((e) => {
    // Each report says whose steps it counts (and only the scholar's carry its loss).
    if (e.type === 'progress' && e.phase === 'consolidate' && e.task === 1 && e.steps?.of === by && ++reports === n) at();
  });
  return events;
}

let uninterrupted: AgentResult;

/** A run stopped (Ctrl-C) at the n-th report of game 2 by the scholars or a generator, in `dir`: its checkpoint's
 *  progress, and the run started again from it. */
async function stopAndResume(dir: string, n: number, by: 'scholar' | 'generator'): Promise<{ stopped: Saved; resumed: AgentResult }> {
  await useBackend('wasm');
  uninterrupted ??= await runAgent(config, { backend: 'wasm' });
  const control = defaultControl();
  const events = onReport(n, () => (control.stop = true), by);
  await expect(runAgent(config, { backend: 'wasm', checkpointDir: dir, control, events })).rejects.toBeInstanceOf(RunStopped);
  const stopped = progressOf(dir);
  return { stopped, resumed: await runAgent(config, { backend: 'wasm', checkpointDir: dir }) };
}

describe('a run stopped during a consolidation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dgr-rl-stop-consolidation-'));
  let stopped: Saved;
  let resumed: AgentResult;

  beforeAll(async () => {
    // Ctrl-C at GR's second report (step 10 of 30).
    ({ stopped, resumed } = await stopAndResume(dir, 8, 'scholar'));
  }, 900_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stops at the next report and checkpoints the consolidation there', () => {
    expect(stopped.position).toMatchObject({ game: 1, learned: true, armsDone: 1, lesson: { stage: 'solver', iterations: 10 } });
    expect(stopped.position.lesson?.seconds.solver).toBeGreaterThan(0);
    expect(stopped.consolidation).toMatchObject({ arm: 'gr', game: 1 });
    expect(stopped.consolidation?.scholar).not.toBeNull();
    // GR's dream filter had drawn for its generator's training and its scholar's first 10 steps.
    expect(stopped.consolidation?.draws?.replayed).toBeGreaterThan(10 * config.scholar.batchSize);
  });

  it('ends with exactly the result of a run never stopped', () => {
    expect(numbers(resumed)).toEqual(numbers(uninterrupted));
  });
});

describe('a run stopped while its generator trains', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dgr-rl-stop-generator-'));
  let stopped: Saved;
  let resumed: AgentResult;

  beforeAll(async () => {
    // Ctrl-C at G_2's second report (step 10 of its 30), before GR's scholar has begun.
    ({ stopped, resumed } = await stopAndResume(dir, 2, 'generator'));
  }, 900_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("stops at the generator's next report and checkpoints its training there", () => {
    expect(stopped.position).toMatchObject({ game: 1, learned: true, armsDone: 1, lesson: { stage: 'generator', iterations: 10 } });
    expect(stopped.position.lesson?.seconds.generator).toBeGreaterThan(0);
    expect(stopped.consolidation).toMatchObject({ arm: 'gr', game: 1, scholar: null });
    // G_2 had replayed G_1's filtered dreams for its first 10 steps.
    expect(stopped.consolidation?.draws?.replayed).toBe(10 * config.generator.batchSize);
  });

  it('ends with exactly the result of a run never stopped', () => {
    expect(numbers(resumed)).toEqual(numbers(uninterrupted));
  });
});

/**
 * A process killed in the middle of a consolidation gets no stop: what it leaves is its last periodic checkpoint.
 * The checkpoint folder copied as it stands at GR's third report is what a SIGKILL then leaves on disk (the
 * checkpoint of its second report, every report being due at 0 seconds); started from that copy, the run ends as
 * if never killed, and checkpointing at every report changes no number.
 */
describe('a run killed during a consolidation', () => {
  const live = mkdtempSync(join(tmpdir(), 'dgr-rl-killed-consolidation-'));
  const left = mkdtempSync(join(tmpdir(), 'dgr-rl-killed-consolidation-left-'));
  const older = mkdtempSync(join(tmpdir(), 'dgr-rl-killed-consolidation-older-'));
  let checkpointed: AgentResult;
  let fromKill: AgentResult;
  let fromOlder: AgentResult;
  let leftProgress: Saved | null = null;

  beforeAll(async () => {
    await useBackend('wasm');
    uninterrupted ??= await runAgent(config, { backend: 'wasm' });
    const events = onReport(9, () => {
      cpSync(live, left, { recursive: true });
      leftProgress = progressOf(left);
    });
    checkpointed = await runAgent(config, { backend: 'wasm', checkpointDir: live, midPhaseCheckpointSeconds: 0, events });
    // The same checkpoint in format 1, as commit 03b656c wrote it (no format, its lesson without a stage, its scholar's
    // streams at the top).
    const saved = loadCheckpoint(left, { parseConfig: parseAgentConfig });
    const { format: _format, ...progress } = saved.progress as { format?: number; position: { lesson: { stage?: string } }; consolidation: { scholar: { current: unknown; replayed: unknown; replayNoise: unknown } } };
    const { stage: _stage, ...lesson } = progress.position.lesson;
    const { scholar, ...consolidation } = progress.consolidation;
    const first = { ...consolidation, streams: { current: scholar.current, replayed: scholar.replayed }, replayNoise: scholar.replayNoise };
    saveCheckpoint(older, { ...saved, progress: { ...progress, position: { ...progress.position, lesson }, consolidation: first } });
    fromKill = await runAgent(config, { backend: 'wasm', checkpointDir: left });
    fromOlder = await runAgent(config, { backend: 'wasm', checkpointDir: older });
  }, 900_000);
  afterAll(() => [live, left, older].forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('leaves a checkpoint of the consolidation in its middle', () => {
    expect(leftProgress?.position).toMatchObject({ game: 1, learned: true, armsDone: 1, lesson: { iterations: 10 } });
    expect(leftProgress?.consolidation?.arm).toBe('gr');
  });

  it('computes the same numbers while checkpointing, and from the checkpoint it left', () => {
    expect(numbers(checkpointed)).toEqual(numbers(uninterrupted));
    expect(numbers(fromKill)).toEqual(numbers(uninterrupted));
  });

  it('resumes the same checkpoint in format 1 (commit 03b656c: the scholar alone) to the same numbers', () => {
    expect(numbers(fromOlder)).toEqual(numbers(uninterrupted));
  });

  it('leaves no checkpoint of a consolidation in the middle once the run is done', () => {
    expect(existsSync(join(live, 'checkpoint.json'))).toBe(true);
    const done = progressOf(live);
    expect(done.position.lesson).toBeUndefined();
    expect(done.consolidation).toBeUndefined();
  });
});
