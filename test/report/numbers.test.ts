/** The report's numbers: CSV rows, aggregates over seeds, and the public anchors. */
import { describe, expect, it } from 'vitest';
import { findExperiment } from '../../core/experiments/presets.ts';
import { aggregate, spread } from '../../core/report/aggregate.ts';
import { ANCHORS, anchorsFor, compareAnchor } from '../../core/report/anchors.ts';
import { curvesCsv } from '../../core/report/csv.ts';
import { duration } from '../../core/report/markdown.ts';
import { syntheticResult } from './fixtures.ts';

describe('curvesCsv', () => {
  it('has one row per curve point plus the start and task-end rows, marked', () => {
    const result = syntheticResult({ tasks: 3, iterations: 300, evalEvery: 100 });
    const lines = curvesCsv(result, { iterations: 300, seed: 7 }).trimEnd().split('\n');
    expect(lines[0]).toBe('seed,task,iteration,step,point,acc_task1,acc_task2,acc_task3');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows).toHaveLength(1 + 9 + 3);
    expect(rows.every((r) => r.length === 8 && r[0] === '7')).toBe(true);
    expect(rows.map((r) => r[4]).filter((p) => p === 'task-end')).toHaveLength(3);
    expect(rows[0].slice(0, 5)).toEqual(['7', '0', '0', '0', 'start']);
    // Task 2 (1-based), iteration 200: step 300 + 200.
    const point = rows.find((r) => r[1] === '2' && r[2] === '200' && r[4] === 'curve');
    expect(point?.[3]).toBe('500');
    expect(Number(point?.[5])).toBeCloseTo(result.curves.find((p) => p.task === 1 && p.iteration === 200)!.accuracies[0], 6);
    const end = rows.filter((r) => r[4] === 'task-end')[2];
    expect(end.slice(1, 4)).toEqual(['3', '300', '900']);
    expect(end.slice(5).map(Number)).toEqual(result.accuracyMatrix[3].map((v) => Number(v.toFixed(6))));
    // Steps never go back.
    const steps = rows.map((r) => Number(r[3]));
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
  });

  it('without curves has the matrix rows only, and can leave out its header', () => {
    const result = syntheticResult({ tasks: 4, evalEvery: 0 });
    const text = curvesCsv(result, { iterations: 300, seed: 1 }, { header: false });
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines.map((l) => l.split(',')[4])).toEqual(['start', 'task-end', 'task-end', 'task-end', 'task-end']);
  });
});

describe('aggregate', () => {
  const base = syntheticResult({ tasks: 2 });
  const withNumbers = (acc: number, bwt: number, cell: number, seconds: number) => ({
    ...base,
    acc,
    bwt,
    fwt: 0.5,
    forgetting: -bwt,
    seconds,
    accuracyMatrix: [
      [0, 0],
      [cell, 0],
      [1, 1],
    ],
  });

  it('gives mean, sample std and s.e.m. of the metrics and of each cell', () => {
    const a = aggregate([withNumbers(0.8, -0.1, 0.2, 10), withNumbers(0.9, -0.2, 0.4, 20), withNumbers(1.0, -0.3, 0.9, 30)]);
    expect(a.seeds).toBe(3);
    expect(a.acc).toBeCloseTo(0.9, 12);
    expect(a.accStd).toBeCloseTo(0.1, 12);
    expect(a.accSem).toBeCloseTo(0.1 / Math.sqrt(3), 12);
    expect(a.bwt).toBeCloseTo(-0.2, 12);
    expect(a.bwtSem).toBeCloseTo(0.1 / Math.sqrt(3), 12);
    expect(a.fwt).toBe(0.5);
    expect(a.fwtStd).toBe(0);
    expect(a.forgetting).toBeCloseTo(0.2, 12);
    expect(a.seconds).toBe(20);
    expect(a.secondsTotal).toBe(60);
    expect(a.accuracyMatrixMean[1][0]).toBeCloseTo(0.5, 12);
    // Cell (1, 0): 0.2, 0.4, 0.9 → std sqrt(((−0.3)² + (−0.1)² + 0.4²) / 2) = sqrt(0.13).
    expect(a.accuracyMatrixStd[1][0]).toBeCloseTo(Math.sqrt(0.13), 12);
    expect(a.accuracyMatrixSem[1][0]).toBeCloseTo(Math.sqrt(0.13 / 3), 12);
    expect(a.accuracyMatrixSem[2][1]).toBe(0);
  });

  it('leaves the spread of a single seed unknown, and refuses results of different shapes', () => {
    const one = aggregate([withNumbers(0.8, -0.1, 0.2, 10)]);
    expect(one.acc).toBe(0.8);
    expect(one.accStd).toBeNaN();
    expect(one.accSem).toBeNaN();
    expect(spread([2, 4])).toEqual({ mean: 3, std: Math.SQRT2, sem: 1 });
    expect(() => aggregate([])).toThrow(/no results/);
    expect(() => aggregate([base, syntheticResult({ tasks: 3 })])).toThrow(/different tasks/);
    expect(() => aggregate([base, syntheticResult({ tasks: 2, rows: 2 })])).toThrow(/shape/);
  });
});

describe('anchors', () => {
  const split = (arm: 'gr' | 'none' | 'gr-distill', scenario: 'task' | 'domain' | 'class') =>
    findExperiment('split-mnist').build('paper', { arm, seed: 1, scenario });

  it('holds the public numbers of PAPER.md, each with a source', () => {
    const value = (experiment: string, arm: string, scenario: string | null) =>
      ANCHORS.filter((a) => a.experiment === experiment && a.arm === arm && a.scenario === scenario).map((a) => Math.round(a.value * 10000) / 100);
    expect(value('scholar-chain', 'gr', null)).toEqual([98.81, 98.64, 98.58, 98.53, 98.56]);
    expect(value('split-mnist', 'none', 'class')).toEqual([19.9]);
    expect(value('split-mnist', 'gr', 'class')).toEqual([90.79, 75]);
    expect(value('split-mnist', 'gr-distill', 'class')).toEqual([91.79]);
    expect(value('split-mnist', 'offline', 'class')).toEqual([97.9]);
    expect(value('split-mnist', 'lwf', 'class')).toEqual([23.85]);
    expect(value('split-mnist', 'ewc', 'task')).toEqual([98.6]);
    expect(value('split-mnist', 'si', 'domain')).toEqual([65.4]);
    expect(value('split-mnist', 'gr', 'domain')).toEqual([95.7]);
    expect(value('permuted-mnist', 'gr', 'class')).toEqual([92]);
    expect(value('permuted-mnist', 'gr-distill', 'class')).toEqual([96]);
    expect(value('permuted-mnist', 'none', 'domain')).toEqual([33]);
    expect(ANCHORS.every((a) => a.source.length > 0 && a.value > 0 && a.value <= 1)).toBe(true);
  });

  it('picks the anchors of the run’s experiment, arm and scenario', () => {
    expect(anchorsFor(split('gr', 'class')).map((a) => a.value)).toEqual([0.9079, 0.75]);
    expect(anchorsFor(split('none', 'task')).map((a) => a.value)).toEqual([0.872]);
    expect(anchorsFor(findExperiment('scholar-chain').build('quick', { arm: 'gr', seed: 1 }))).toHaveLength(5);
    expect(anchorsFor(findExperiment('permuted-mnist').build('paper', { arm: 'gr', seed: 1 })).map((a) => a.source)).toEqual([
      expect.stringContaining('kuc2477'),
    ]);
    expect(anchorsFor(findExperiment('mnist-svhn').build('quick', { arm: 'gr', seed: 1 }))).toEqual([]);
  });

  it('compares a run with an anchor: values, ranges, unreached rows and protocol differences', () => {
    const matrix = [
      [0.1, 0.1, 0.1],
      [0.99, 0.1, 0.1],
      [0.95, 0.98, 0.1],
      [0.85, 0.9, 0.97],
    ];
    const run = { acc: 0.9067, matrix, tasks: 3, iterations: 2000 };
    const [dgr] = anchorsFor(split('gr', 'class'));
    const c = compareAnchor(dgr, run);
    expect(c.ours).toEqual({ low: 0.9067, high: 0.9067 });
    expect(c.difference).toBeCloseTo(0.9067 - 0.9079, 12);
    expect(c.protocolDifferences).toEqual(['3 tasks (source: 5)']);

    const [range] = anchorsFor(findExperiment('permuted-mnist').build('quick', { arm: 'gr', seed: 1 }));
    const r = compareAnchor(range, { ...run, iterations: 1000 });
    expect(r.ours).toEqual({ low: 0.85, high: 0.97 });
    expect(r.difference).toBeCloseTo(0.85 - 0.87, 12);
    expect(compareAnchor(range, { ...run, matrix: [...matrix.slice(0, 3), [0.88, 0.9, 0.92]] }).difference).toBe(0);
    expect(compareAnchor(range, { ...run, matrix: [...matrix.slice(0, 3), [0.88, 0.9, 0.95]] }).difference).toBeCloseTo(0.02, 12);

    const chain = anchorsFor(findExperiment('scholar-chain').build('quick', { arm: 'gr', seed: 1 }));
    const compared = chain.map((a) => compareAnchor(a, run));
    expect(compared.map((x) => x.ours?.low ?? null)).toEqual([0.99, 0.98, 0.97, null, null]);
    expect(compared[3].difference).toBeNull();
    // A stopped run has no ACC to compare.
    expect(compareAnchor(dgr, { ...run, matrix: matrix.slice(0, 3) }).ours).toBeNull();
  });
});

describe('duration', () => {
  it('reads as seconds, minutes and seconds, or hours and minutes, and no part ever reads 60', () => {
    expect(duration(12.34)).toBe('12.3 s');
    expect(duration(59.97)).toBe('1 min 00 s');
    expect(duration(1499.6)).toBe('25 min 00 s');
    expect(duration(3599.6)).toBe('1 h 00 min');
    expect(duration(4906)).toBe('1 h 21 min');
  });
});
