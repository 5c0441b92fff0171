/** The progress reporter written to a file or a pipe, for both kinds of run: plain lines with the time so far and an ETA. */
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AgentEvent } from '../../agent/events.ts';
import { agentPreset } from '../../agent/presets.ts';
import type { ClassificationEvent } from '../../core/continual.ts';
import { findExperiment } from '../../core/experiments/presets.ts';
import { buildStream } from '../../core/stream.ts';
import { progressReporter } from '../../cli/reporters/progress.ts';

/** A non-terminal output (isTTY unset) that keeps what was written. */
function captured(): { out: NodeJS.WriteStream; lines: () => string[] } {
  const sink = new PassThrough();
  let text = '';
  sink.on('data', (chunk) => (text += String(chunk)));
  return { out: sink as unknown as NodeJS.WriteStream, lines: () => text.trim().split('\n') };
}

const config = findExperiment('split-mnist').build('quick', { arm: 'gr', seed: 1 });
const stream = buildStream(config.stream, config.seed);
// Quick split MNIST: 5 tasks of 300 solver and 300 generator iterations, 3000 iterations of work in all.
const info = { name: stream.name, scenario: stream.scenario, outputs: stream.outputs, shape: [...stream.shape], taskNames: stream.tasks.map((t) => t.name) };
const at = (task: number, iteration: number, generatorIteration: number): ClassificationEvent => ({
  type: 'progress',
  kind: 'classification',
  task,
  tasks: 5,
  iteration,
  iterations: 300,
  solverLoss: 0.5,
  generatorIterations: 300,
  generatorIteration,
  generatorLoss: generatorIteration > 0 ? 1.25 : null,
});

/** A reporter started at time 0 (from the checkpoint after `resumedAt` tasks); `clock` moves time on. */
function started(resumedAt: number) {
  const clock = vi.spyOn(performance, 'now').mockReturnValue(0);
  const { out, lines } = captured();
  const reporter = progressReporter('split-mnist/gr', out);
  reporter.subscriber({ type: 'start', kind: 'classification', tasks: info.taskNames, stream: info, config, resumedAt, generatorIterations: 300 });
  return { reporter, lines, clock };
}

describe('progress as plain lines', () => {
  afterEach(() => vi.restoreAllMocks());

  it('says the time so far and the time left, from the rates the solver and the generator have shown', () => {
    const { reporter, lines, clock } = started(0);
    // Before a tenth of a task is done the rate is start-up, not training: no ETA yet.
    clock.mockReturnValue(5_000);
    reporter.subscriber(at(0, 25, 0));
    expect(lines()).toEqual(['split-mnist/gr: task 1/5 it 25/300 loss 0.500 gen - acc - (5.0 s)']);
    // 275 solver iterations in 25 s; the generator has not stepped, so its work is not counted and the ETA
    // says it is a lower bound: the other 4 tasks' solver iterations at 1/11 s each.
    clock.mockReturnValue(30_000);
    reporter.subscriber(at(0, 300, 0));
    expect(lines().at(-1)).toBe('split-mnist/gr: task 1/5 it 300/300 loss 0.500 gen - acc - (30.0 s, ETA ≥ 1 min 49 s)');
    // Within the same tenth of a task nothing more is written.
    reporter.subscriber(at(0, 300, 10));
    expect(lines()).toHaveLength(2);
  });

  it('a resumed run estimates from its own work, not the tasks its checkpoint already holds', () => {
    const { reporter, lines, clock } = started(4);
    clock.mockReturnValue(10_000);
    reporter.subscriber(at(4, 30, 0));
    clock.mockReturnValue(40_000);
    reporter.subscriber(at(4, 300, 0));
    // The generator's 150 iterations in 30 s: its other 150 take 30 s more.
    clock.mockReturnValue(70_000);
    reporter.subscriber(at(4, 300, 150));
    expect(lines()[0]).toBe('split-mnist/gr: resuming from the checkpoint after task 4');
    expect(lines().at(-1)).toBe('split-mnist/gr: task 5/5 it 300/300 loss 0.500 gen 1.250@150 acc - (1 min 10 s, ETA 30.0 s)');
  });
});

describe("an RL run's progress through the same log", () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes its games and references, a line a tenth of a learner phase, the learner score and each row of R', () => {
    const clock = vi.spyOn(performance, 'now').mockReturnValue(0);
    const { out, lines } = captured();
    const reporter = progressReporter('rl gr', out);
    const rl = agentPreset('quick', { framesPerGame: 1000, arms: ['gr'] });
    const learn = (frame: number): Extract<AgentEvent, { type: 'progress' }> => ({
      type: 'progress',
      kind: 'rl',
      task: 0,
      phase: 'learn',
      frame,
      totalFrames: 2000,
      framesPerSecond: 500,
      epsilon: 0.5,
      tdLoss: 0.25,
      consolidationLoss: null,
      etaSeconds: null,
    });
    reporter.subscriber({ type: 'start', kind: 'rl', tasks: ['freeway', 'breakout'], config: rl, frames: [1000, 1000], resumedAtFrame: 0, reference: { random: [0, 1], scripted: [10, 20] } });
    clock.mockReturnValue(2_000);
    reporter.subscriber(learn(100));
    // Within the same tenth of the game nothing more; a consolidation's progress is shown only in place.
    reporter.subscriber(learn(150));
    reporter.subscriber({ ...learn(1000), phase: 'consolidate', epsilon: null, tdLoss: null, consolidationLoss: 0.1 });
    reporter.subscriber({ type: 'curve', kind: 'rl', arm: null, frame: 1000, task: 0, values: [0.5, null] });
    reporter.subscriber({ type: 'task-end', kind: 'rl', arm: 'gr', task: 0, frame: 1000, row: [0.5, 0], learnerScore: 5, dreams: null });
    reporter.finish();
    expect(lines()).toEqual([
      'rl gr: freeway → breakout; reference (random/scripted): freeway 0.0/10.0, breakout 1.0/20.0',
      'rl gr: game 1/2 freeway · learn · 100/1000 frames · 500 frames/s · ε 0.50 · TD 0.250 · 2.0 s',
      'rl gr: learner on freeway: normalised score 0.500 at frame 1000',
      'rl gr: gr after freeway: freeway 0.500, breakout 0.000 (learner scored 5.00)',
    ]);
  });

  it('writes a line a tenth of each learner thread when two learn at once, not one at every report', () => {
    vi.spyOn(performance, 'now').mockReturnValue(0);
    const { out, lines } = captured();
    const reporter = progressReporter('rl', out);
    const rl = agentPreset('quick', { framesPerGame: 1000, arms: ['gr'] });
    const learn = (part: string, task: number, frame: number): Extract<AgentEvent, { type: 'progress' }> => ({ type: 'progress', kind: 'rl', part, task, phase: 'learn', frame, totalFrames: 2000, framesPerSecond: 500, epsilon: 0.5, tdLoss: 0.25, consolidationLoss: null, etaSeconds: null });
    reporter.subscriber({ type: 'start', kind: 'rl', tasks: ['freeway', 'breakout'], config: rl, frames: [1000, 1000], resumedAtFrame: 0, reference: { random: [0, 1], scripted: [10, 20] } });
    // Interleaved as the two threads report: game 1's learner and, ahead, game 2's, each twice within a tenth.
    for (const inGame of [100, 120, 140, 160]) {
      reporter.subscriber(learn('learners', 0, inGame));
      reporter.subscriber(learn('learners-ahead', 1, 1000 + inGame));
    }
    reporter.subscriber(learn('learners', 0, 200));
    reporter.finish();
    expect(lines().slice(1).map((l) => l.replace(/ · 500 frames.*/, ''))).toEqual([
      'rl: learners: game 1/2 freeway · learn · 100/1000 frames',
      'rl: learners-ahead: game 2/2 breakout · learn · 100/1000 frames',
      'rl: learners: game 1/2 freeway · learn · 200/1000 frames',
    ]);
  });
});
