/**
 * A job's progress as the worker sends it to the queue: at most once a second, each send holding every report read
 * since the last. A run whose arms compute in threads reports from each thread in turn, so a thread's report that
 * fell between two sends (a learner thread saying it is done) must still be in the next one.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AgentEvent } from '../../agent/events.ts';
import { agentPreset } from '../../agent/presets.ts';
import { jobProgressSubscriber, rlProgress, type RlJobProgress } from '../../sweep/job-progress.ts';

const config = agentPreset('quick', { framesPerGame: 1000, arms: ['gr'] });
const progress = (part: string, task: number, phase: 'learn' | 'consolidate' | 'done', frame: number): AgentEvent => ({ type: 'progress', kind: 'rl', part, task, phase, frame, totalFrames: 2000, framesPerSecond: 1, epsilon: null, tdLoss: null, consolidationLoss: null, etaSeconds: null });

describe("a job's progress sent to the queue", () => {
  afterEach(() => vi.restoreAllMocks());

  it("keeps a thread's report that fell between two sends", () => {
    const clock = vi.spyOn(performance, 'now').mockReturnValue(0);
    const sent: RlJobProgress[] = [];
    const subscriber = jobProgressSubscriber(rlProgress(), (p) => sent.push(p));
    subscriber({ type: 'start', kind: 'rl', tasks: ['freeway', 'breakout'], config, frames: [1000, 1000], resumedAtFrame: 0, reference: { random: [0, 1], scripted: [10, 20] } });
    subscriber(progress('learners', 0, 'learn', 500));
    // Within the second: the learner thread is done, an arm starts consolidating. Neither is sent yet.
    clock.mockReturnValue(300);
    subscriber(progress('learners', 1, 'done', 2000));
    subscriber(progress('gr', 0, 'consolidate', 1000));
    expect(sent).toHaveLength(2);
    // The next send, a second later, holds both.
    clock.mockReturnValue(1500);
    subscriber(progress('gr', 0, 'consolidate', 1000));
    expect(sent.at(-1)?.parts).toEqual([
      { part: 'learners', game: 1, phase: 'done' },
      { part: 'gr', game: 0, phase: 'consolidate' },
    ]);
    expect(sent.at(-1)?.frame).toBe(2000);
  });
});
