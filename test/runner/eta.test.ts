/** The ETA weighs the solver's and the generator's iterations by their own measured rates. */
import { describe, expect, it } from 'vitest';
import { EtaEstimator, type Work } from '../../runner/eta.ts';

const work = (concurrent: boolean, generatorIterations = 300): Work => ({ tasks: 5, iterations: 300, generatorIterations, concurrent });
const at = (task: number, iteration: number, generatorIteration: number) => ({ task, iteration, generatorIteration });

describe('EtaEstimator', () => {
  it('says nothing before a tenth of a task’s solver iterations has been timed', () => {
    const eta = new EtaEstimator(work(false));
    expect(eta.remaining()).toBeNull();
    eta.update(at(0, 0, 0), 0);
    eta.update(at(0, 20, 0), 2);
    expect(eta.remaining()).toBeNull();
  });

  it('without a worker, a task costs the solver’s time plus the generator’s, each at its own rate', () => {
    const eta = new EtaEstimator(work(false));
    eta.update(at(0, 0, 0), 0);
    eta.update(at(0, 30, 0), 3); // solver: 0.1 s an iteration
    // The generator has not stepped: only the solver's work is counted, and the ETA says it is a lower bound.
    expect(eta.remaining()!.lowerBound).toBe(true);
    expect(eta.remaining()!.seconds).toBeCloseTo(270 * 0.1 + 4 * 300 * 0.1, 9);
    eta.update(at(0, 300, 0), 30);
    eta.update(at(0, 300, 30), 36); // generator: 0.2 s an iteration, after the solver
    expect(eta.remaining()!.lowerBound).toBe(false);
    expect(eta.remaining()!.seconds).toBeCloseTo(270 * 0.2 + 4 * (300 * 0.1 + 300 * 0.2), 9);
  });

  it('with the generator in a worker, a task costs its slower side', () => {
    const eta = new EtaEstimator(work(true));
    eta.update(at(0, 0, 0), 0);
    eta.update(at(0, 100, 50), 10); // side by side: solver 0.1 s, generator 0.2 s an iteration
    expect(eta.remaining()).toEqual({ seconds: Math.max(200 * 0.1, 250 * 0.2) + 4 * Math.max(30, 60), lowerBound: false });
    // The solver is done; the generator goes on alone at the same rate.
    eta.update(at(0, 300, 150), 30);
    eta.update(at(0, 300, 200), 40);
    expect(eta.remaining()!.seconds).toBeCloseTo(100 * 0.2 + 4 * 60, 9);
  });

  it('does not count the time across a task’s end (evaluation, set-up) as training', () => {
    const eta = new EtaEstimator(work(false));
    eta.update(at(0, 0, 0), 0);
    eta.update(at(0, 300, 0), 30);
    eta.update(at(0, 300, 300), 90);
    eta.update(at(1, 10, 0), 500); // a long task-end evaluation
    expect(eta.remaining()!.seconds).toBeCloseTo(290 * 0.1 + 300 * 0.2 + 3 * (30 + 60), 9);
  });

  it('takes a later task’s own rates once it has timed a tenth of them (replay makes later tasks slower)', () => {
    const eta = new EtaEstimator(work(false));
    eta.update(at(0, 0, 0), 0);
    eta.update(at(0, 300, 0), 30);
    eta.update(at(0, 300, 300), 90);
    eta.update(at(1, 10, 0), 95);
    eta.update(at(1, 20, 0), 97); // 10 iterations at 0.2 s: too few yet, task 1's 0.1 s still counts
    expect(eta.remaining()!.seconds).toBeCloseTo(280 * 0.1 + 300 * 0.2 + 3 * (30 + 60), 9);
    eta.update(at(1, 40, 0), 101); // 30 iterations at 0.2 s: a tenth of the task
    expect(eta.remaining()!.seconds).toBeCloseTo(260 * 0.2 + 300 * 0.2 + 3 * (60 + 60), 9);
  });

  it('an arm without a generator is the solver alone', () => {
    const eta = new EtaEstimator(work(false, 0));
    eta.update(at(2, 0, 0), 0);
    eta.update(at(2, 100, 0), 5);
    expect(eta.remaining()).toEqual({ seconds: 200 * 0.05 + 2 * 300 * 0.05, lowerBound: false });
  });
});
