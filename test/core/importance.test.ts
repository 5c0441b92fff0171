/**
 * What each task of a run is taught, before any training: r per task (1/(tasks so far) or fixed, 1 on the first
 * task), the units the new task's labels are learned over, and which of the previous solver's units teach which
 * of the student's on replayed inputs, in each of the three scenarios.
 */
import { describe, expect, it } from 'vitest';
import { importance } from '../../core/continual.ts';
import { makeDataset } from '../../core/data/dataset.ts';
import { activeUnits } from '../../core/data/streams.ts';
import type { Scenario, TaskStream } from '../../core/data/types.ts';
import { replayGroups, unitsSoFar } from '../../core/replay/replay.ts';
import { twoTaskSplit } from './helpers.ts';

/** Three tasks of two classes each, as split MNIST lays them out per scenario (no data needed here). */
function threeTasks(scenario: Scenario): TaskStream {
  const empty = makeDataset(new Uint8Array(0), new Uint8Array(0), [28, 28, 1]);
  const units = (t: number): number[] => (scenario === 'domain' ? [0, 1] : [2 * t, 2 * t + 1]);
  return {
    name: 'three tasks',
    scenario,
    outputs: scenario === 'domain' ? 2 : 6,
    shape: [28, 28, 1],
    tasks: [0, 1, 2].map((index) => ({ index, name: `task ${index + 1}`, train: empty, test: empty, units: units(index) })),
  };
}

describe('importance r of the new task', () => {
  it('is 1/(tasks so far) under tasks-so-far: 1, 1/2, 1/3, 1/4', () => {
    const config = twoTaskSplit('gr', { importance: 'tasks-so-far' });
    expect([0, 1, 2, 3].map((t) => importance(config, t))).toEqual([1, 1 / 2, 1 / 3, 1 / 4]);
  });

  it('is the fixed r from the second task on, and 1 on the first (nothing to replay yet)', () => {
    for (const r of [0, 0.4, 0.9]) {
      const config = twoTaskSplit('gr', { importance: { fixed: r } });
      expect([0, 1, 2].map((t) => importance(config, t))).toEqual([1, r, r]);
    }
  });
});

describe('units taught per scenario', () => {
  it('task-IL: each task its own head; replay teaches every earlier head on its own units', () => {
    const stream = threeTasks('task');
    expect([0, 1, 2].map((t) => activeUnits(stream, t))).toEqual([[0, 1], [2, 3], [4, 5]]);
    expect(replayGroups(stream, 0)).toEqual([]);
    expect(replayGroups(stream, 2)).toEqual([
      { teacher: [0, 1], student: [0, 1] },
      { teacher: [2, 3], student: [2, 3] },
    ]);
    expect(unitsSoFar(stream, 1)).toEqual([0, 1, 2, 3]);
  });

  it("class-IL: a growing head; replay teaches the previous solver's classes over every class so far", () => {
    const stream = threeTasks('class');
    expect([0, 1, 2].map((t) => activeUnits(stream, t))).toEqual([[0, 1], [0, 1, 2, 3], [0, 1, 2, 3, 4, 5]]);
    expect(replayGroups(stream, 1)).toEqual([{ teacher: [0, 1], student: [0, 1, 2, 3] }]);
    expect(replayGroups(stream, 2)).toEqual([{ teacher: [0, 1, 2, 3], student: [0, 1, 2, 3, 4, 5] }]);
    expect(unitsSoFar(stream, 2)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('domain-IL: one shared head, taught and teaching on every output', () => {
    const stream = threeTasks('domain');
    expect([0, 1, 2].map((t) => activeUnits(stream, t))).toEqual([[0, 1], [0, 1], [0, 1]]);
    expect(replayGroups(stream, 2)).toEqual([{ teacher: [0, 1], student: [0, 1] }]);
    expect(unitsSoFar(stream, 2)).toEqual([0, 1]);
  });
});
