/**
 * Ctrl-C in the middle of a learner phase: the run checkpoints the learner where it stands (networks, Adam,
 * replay buffer, generators, env, counters), and started again it goes on from that frame to exactly the result
 * of a run never stopped.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
let savedProgress: { position: { game: number; learned: boolean }; learner?: { frame: number; updates: number } };
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
});
