/**
 * A learner's progress reports the rate of its training frames (acting + learning), as the event says: the time of
 * its greedy evaluations is left out. The log writes a line just after each evaluation, so a rate that counted
 * them showed a fraction of the real one. Here one run evaluates at the very frame it reports, at a cost of several
 * times the training between reports, and one never does: their rates at that report agree within noise, where
 * counting the evaluation would give the first under half the second.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../agent/events.ts';
import { runAgent } from '../../agent/run.ts';
import { useBackend } from '../../core/engine/backend.ts';
import { EventStream } from '../../core/events.ts';
import { tinyConfig } from './helpers.ts';

/** The first game's progress rate at its first report (frame 1024), and the seconds its evaluations took. */
async function rateAtFirstReport(evaluation: { every: number; episodes: number; maxSteps: number }): Promise<number> {
  const base = tinyConfig(['none']);
  const config = { ...base, schedule: { tasks: [base.schedule.tasks[0]] }, evaluation: { ...base.evaluation, ...evaluation } };
  const events = new EventStream<AgentEvent>();
  let rate = Number.NaN;
  events.subscribe((e) => {
    if (e.type === 'progress' && e.phase === 'learn' && e.frame === 1024) rate = e.framesPerSecond;
  });
  await runAgent(config, { backend: 'wasm', events });
  return rate;
}

let evaluated = 0;
let plain = 0;

describe("a learner's progress rate", () => {
  beforeAll(async () => {
    await useBackend('wasm');
    plain = await rateAtFirstReport({ every: 0, episodes: 2, maxSteps: 60 });
    // Evaluated at frame 1024, the first report's frame: 128 episodes of up to 2500 steps, seconds of greedy play.
    evaluated = await rateAtFirstReport({ every: 1024, episodes: 128, maxSteps: 2500 });
  }, 300_000);

  it('leaves the evaluations out: the same rate with or without one at the report', () => {
    expect(plain).toBeGreaterThan(0);
    expect(evaluated / plain).toBeGreaterThan(0.6);
    expect(evaluated / plain).toBeLessThan(1.6);
  });
});

/**
 * A learner resumed in the middle of its game reports its first rate over the frames it played since: counted from
 * the game's first frame, a learner resumed a few vector steps before a report showed 68 times its rate. The run is
 * checkpointed at every vector step and its folder copied as it stands at the last episode's end before the report at
 * frame 2048 (a kill there); the copy resumes a few vector steps before that report.
 */
describe("a resumed learner's first progress rate", () => {
  const live = mkdtempSync(join(tmpdir(), 'dgr-rl-rate-'));
  const left = mkdtempSync(join(tmpdir(), 'dgr-rl-rate-left-'));
  const base = tinyConfig(['none']);
  // Breakout: random play ends its episodes every few dozen frames, so one ends just before the report.
  const config = { ...base, schedule: { tasks: [{ task: 'breakout', steps: 3072 }] } };
  const at2048 = { uninterrupted: Number.NaN, resumed: Number.NaN };
  let copiedAt = 0;

  beforeAll(async () => {
    await useBackend('wasm');
    const events = new EventStream<AgentEvent>();
    events.subscribe((e) => {
      if (e.type === 'progress' && e.phase === 'learn' && e.frame === 2048) at2048.uninterrupted = e.framesPerSecond;
      // The last episode's end before the report (the folder copied over the previous copy).
      if (e.type === 'episode' && e.frame > 1024 && e.frame < 2048) {
        rmSync(left, { recursive: true, force: true });
        cpSync(live, left, { recursive: true });
        copiedAt = e.frame;
      }
    });
    await runAgent(config, { backend: 'wasm', checkpointDir: live, midPhaseCheckpointSeconds: 0, events });
    const again = new EventStream<AgentEvent>();
    again.subscribe((e) => {
      if (e.type === 'progress' && e.phase === 'learn' && e.frame === 2048) at2048.resumed = e.framesPerSecond;
    });
    await runAgent(config, { backend: 'wasm', checkpointDir: left, events: again });
  }, 300_000);
  afterAll(() => [live, left].forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('counts the frames played since it resumed', () => {
    expect(copiedAt).toBeGreaterThanOrEqual(1900);
    expect(at2048.resumed).toBeGreaterThan(0);
    expect(at2048.resumed / at2048.uninterrupted).toBeLessThan(3);
  });
});
