/**
 * Ctrl-C in the middle of a learner phase: the run checkpoints the learner where it stands (networks, Adam,
 * replay buffer, generators, env, counters), and started again it goes on from that frame to exactly the result
 * of a run never stopped.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultControl, type AgentEvent } from '../../agent/events.ts';
import type { AgentResult } from '../../agent/result.ts';
import { RunStopped, runAgent } from '../../agent/run.ts';
import { useBackend } from '../../core/engine/backend.ts';
import { EventStream } from '../../core/events.ts';
import { numbers, tinyConfig } from './helpers.ts';

const config = tinyConfig(['none']);
const dir = mkdtempSync(join(tmpdir(), 'dgr-rl-stop-'));
let uninterrupted: AgentResult;
let resumed: AgentResult;
let stoppedAt = 0;
let savedProgress: { position: { game: number; learned: boolean }; learner?: { frame: number; updates: number; seconds?: number } };
const resumedAt: number[] = [];

describe('a run stopped during a learner phase', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    uninterrupted = await runAgent(config, { backend: 'wasm' });
    // Ctrl-C (control.stop) part way through game 1's learner, after its learning has started.
    const control = defaultControl();
    const events = new EventStream<AgentEvent>();
    events.subscribe((e) => {
      if (e.type === 'progress' && e.phase === 'learn' && e.task === 1 && e.frame > config.schedule.tasks[0].steps + 800 && !control.stop) {
        control.stop = true;
        stoppedAt = e.frame;
      }
    });
    await expect(runAgent(config, { backend: 'wasm', checkpointDir: dir, control, events })).rejects.toBeInstanceOf(RunStopped);
    savedProgress = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8')).progress;
    const again = new EventStream<AgentEvent>();
    again.subscribe((e) => {
      if (e.type === 'start') resumedAt.push(e.resumedAtFrame);
      if (e.type === 'progress' && e.phase === 'learn') resumedAt.push(e.frame);
    });
    resumed = await runAgent(config, { backend: 'wasm', checkpointDir: dir, events: again });
  }, 900_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('checkpoints the learner where it stood', () => {
    const firstGame = config.schedule.tasks[0].steps;
    expect(stoppedAt).toBeGreaterThan(firstGame + 800);
    expect(stoppedAt).toBeLessThan(firstGame + config.schedule.tasks[1].steps);
    expect(savedProgress.position).toMatchObject({ game: 1, learned: false });
    expect(savedProgress.learner?.frame).toBe(stoppedAt - firstGame);
    expect(savedProgress.learner?.updates).toBeGreaterThan(0);
  });

  it('goes on from that frame, not from the start of the game', () => {
    // The restarted run says it resumes at that frame, and its first learner progress is past it.
    expect(resumedAt[0]).toBe(stoppedAt);
    expect(resumedAt[1]).toBeGreaterThan(stoppedAt);
  });

  it('ends with exactly the result of a run never stopped', () => {
    expect(numbers(resumed)).toEqual(numbers(uninterrupted));
  });

  it("times the learner's whole game, before the stop and after", () => {
    const before = savedProgress.learner?.seconds ?? 0;
    expect(before).toBeGreaterThan(0);
    expect(resumed.learners[1].seconds).toBeGreaterThan(before);
  });
});

/**
 * A process killed in the middle of a learner phase (a session's end) gets no stop to checkpoint on: the run's
 * periodic learner checkpoints are what it leaves. The checkpoint folder copied as it stands mid-game is exactly
 * what a SIGKILL at that moment leaves on disk; started from that copy, the run ends as if never killed.
 */
describe('a run killed during a learner phase', () => {
  const live = mkdtempSync(join(tmpdir(), 'dgr-rl-killed-'));
  const left = mkdtempSync(join(tmpdir(), 'dgr-rl-killed-left-'));
  let checkpointed: AgentResult;
  let fromKill: AgentResult;
  let leftProgress: typeof savedProgress | null = null;
  let uninterruptedRun: AgentResult;

  beforeAll(async () => {
    await useBackend('wasm');
    uninterruptedRun = uninterrupted ?? (await runAgent(config, { backend: 'wasm' }));
    const events = new EventStream<AgentEvent>();
    events.subscribe((e) => {
      if (leftProgress || e.type !== 'progress' || e.phase !== 'learn' || e.task !== 1 || e.frame <= config.schedule.tasks[0].steps + 800) return;
      cpSync(live, left, { recursive: true });
      leftProgress = JSON.parse(readFileSync(join(left, 'checkpoint.json'), 'utf8')).progress;
    });
    checkpointed = await runAgent(config, { backend: 'wasm', checkpointDir: live, midPhaseCheckpointSeconds: 0, events });
    fromKill = await runAgent(config, { backend: 'wasm', checkpointDir: left });
  }, 900_000);
  afterAll(() => [live, left].forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('leaves a checkpoint of the learner in the middle of its game', () => {
    expect(leftProgress?.position).toMatchObject({ game: 1, learned: false });
    expect(leftProgress?.learner?.frame).toBeGreaterThan(800);
    expect(leftProgress?.learner?.frame).toBeLessThan(config.schedule.tasks[1].steps);
  });

  it('computes the same numbers while checkpointing, and from the checkpoint it left', () => {
    expect(numbers(checkpointed)).toEqual(numbers(uninterruptedRun));
    expect(numbers(fromKill)).toEqual(numbers(uninterruptedRun));
  });
});
