/**
 * The time left of a run whose arms compute in threads, from its threads' reports, against a hand computation:
 * 3 games of 1000 frames, a scholar of 100 steps a game, a generator of 50, arms gr (with a generator) and none.
 */
import { describe, expect, it } from 'vitest';
import type { AgentEvent, ConsolidationSteps, Phase } from '../../agent/events.ts';
import { agentPreset } from '../../agent/presets.ts';
import { ThreadsEta } from '../../agent/threads-eta.ts';

const base = agentPreset('full', { framesPerGame: 1000, arms: ['gr', 'none'] });
const config = { ...base, schedule: { ...base.schedule, tasks: base.schedule.tasks.slice(0, 3).map((t) => ({ ...t, steps: 1000 })) }, scholar: { ...base.scholar, iterations: 100 }, generator: { ...base.generator, iterations: 50 } };

type Progress = Extract<AgentEvent, { type: 'progress' }>;
const report = (task: number, phase: Phase, extra: { frame?: number; framesPerSecond?: number; steps?: ConsolidationSteps } = {}): Progress => ({
  type: 'progress', kind: 'rl', task, phase, frame: extra.frame ?? 0, totalFrames: 3000, framesPerSecond: extra.framesPerSecond ?? 0,
  epsilon: null, tdLoss: null, consolidationLoss: null, etaSeconds: null, ...(extra.steps && { steps: extra.steps }),
});
const scholar = (done: number): ConsolidationSteps => ({ of: 'scholar', done, total: 100 });
const generator = (done: number): ConsolidationSteps => ({ of: 'generator', done, total: 50 });

describe('the time left of a run in threads', () => {
  it('is unknown until every arm has timed what it has left, then the learners and the slowest arm bound it', () => {
    expect(config.schedule.tasks).toHaveLength(3);
    const eta = new ThreadsEta(config);
    // The learners: game 3 at frame 2500 (500 frames left in it) at 10 frames/s; the thread ahead is done.
    expect(eta.observe('learners-ahead', report(2, 'done', { frame: 3000 }), 0)).toBeNull();
    expect(eta.observe('learners', report(2, 'learn', { frame: 2500, framesPerSecond: 10 }), 0)).toBeNull();
    // None in game 2's scholar: 50 steps in 10 s, 5 a second. GR not timed yet: unknown.
    eta.observe('none', report(1, 'consolidate', { steps: scholar(20) }), 0);
    expect(eta.observe('none', report(1, 'consolidate', { steps: scholar(70) }), 10_000)).toBeNull();
    // GR's generator of game 2: 2.5 steps a second; its scholar's rate still unknown.
    eta.observe('gr', report(1, 'consolidate', { steps: generator(0) }), 0);
    expect(eta.observe('gr', report(1, 'consolidate', { steps: generator(25) }), 10_000)).toBeNull();
    // A stage timed for less than 2 s gives no rate.
    eta.observe('gr', report(1, 'consolidate', { steps: scholar(0) }), 20_000);
    expect(eta.observe('gr', report(1, 'consolidate', { steps: scholar(3) }), 21_000)).toBeNull();
    // GR's scholar: 40 steps in 10 s, 4 a second. GR has (100 − 40) / 4 = 15 s of this lesson left and one lesson
    // of 50 / 2.5 + 100 / 4 = 45 s after it: 60 s. None: (100 − 70) / 5 + 100 / 5 = 26 s. The learners: 500 / 10 =
    // 50 s, then the last game's lesson of the slowest arm, GR's 45 s: 95 s.
    expect(eta.observe('gr', report(1, 'consolidate', { steps: scholar(40) }), 30_000)).toBeCloseTo(95, 9);
    // The learners done: the arms' own work bounds it. GR 60 s.
    expect(eta.observe('learners', report(2, 'done', { frame: 3000 }), 30_000)).toBeCloseTo(60, 9);
    // None waits for its last game: one lesson of 20 s; GR evaluating game 2: one lesson left, 45 s.
    expect(eta.observe('none', report(2, 'wait', { frame: 3000 }), 30_000)).toBeCloseTo(60, 9);
    expect(eta.observe('gr', report(1, 'evaluate', { frame: 3000 }), 30_000)).toBeCloseTo(45, 9);
    // Both done.
    eta.observe('none', report(2, 'done', { frame: 3000 }), 40_000);
    expect(eta.observe('gr', report(2, 'done', { frame: 3000 }), 40_000)).toBe(0);
  });

  it("starts a resumed run from its arms' last finished consolidations, before it has timed anything itself", () => {
    const eta = new ThreadsEta(config);
    // GR's last consolidation: its generator's 50 steps in 20 s, its scholar's 100 in 25 s; None's 100 in 20 s.
    eta.timedBefore('gr', { generator: 20, scholar: 25 });
    eta.timedBefore('none', { generator: 0, scholar: 20 });
    eta.observe('learners', report(2, 'done', { frame: 3000 }), 0);
    eta.observe('learners-ahead', report(2, 'done', { frame: 3000 }), 0);
    eta.observe('none', report(1, 'consolidate', { steps: scholar(70) }), 0);
    // GR resumed 40 steps into game 2's scholar: (100 − 40) / 4 + (20 + 25) = 60 s; None (100 − 70) / 5 + 20 = 26 s.
    expect(eta.observe('gr', report(1, 'consolidate', { steps: scholar(40) }), 0)).toBeCloseTo(60, 9);
    // Its own rate, once timed here, takes over: 20 steps in 2 s, 10 a second: (100 − 60) / 10 + 20 + 10 = 34 s.
    expect(eta.observe('gr', report(1, 'consolidate', { steps: scholar(60) }), 2000)).toBeCloseTo(34, 9);
  });

  it('counts the games no learner thread has begun at the learning threads\' summed rate', () => {
    const eta = new ThreadsEta(config);
    for (const arm of ['gr', 'none']) {
      eta.observe(arm, report(0, 'consolidate', { steps: arm === 'gr' ? generator(0) : scholar(0) }), 0);
      eta.observe(arm, report(0, 'consolidate', { steps: arm === 'gr' ? generator(50) : scholar(100) }), 10_000);
    }
    eta.observe('gr', report(0, 'consolidate', { steps: scholar(0) }), 10_000);
    eta.observe('gr', report(0, 'consolidate', { steps: scholar(50) }), 20_000);
    // Game 1 at frame 400 and game 2 at frame 1200, 20 frames/s each: 600 + 800 frames of theirs and game 3's 1000
    // unbegun, at 40 frames/s: 60 s; then GR's lesson, 50 / 5 + 100 / 5 = 30 s: 90 s. GR alone: (100 − 50) / 5 +
    // 2 × 30 = 70 s.
    eta.observe('learners', report(0, 'learn', { frame: 400, framesPerSecond: 20 }), 20_000);
    expect(eta.observe('learners-ahead', report(1, 'learn', { frame: 1200, framesPerSecond: 20 }), 20_000)).toBeCloseTo(90, 9);
  });
});
