/**
 * Sweep specs become jobs: seeds and ranges expand, each (arm, scenario, seed) is one job, a job's id follows
 * from what it runs (not where, nor the order of the spec's keys), and bad specs are refused naming the field.
 */
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../sweep/jobs.ts';
import { parseSweepSpec, sweepJobs } from '../../sweep/spec.ts';

const entry = { kind: 'experiment', experiment: 'split-mnist', arms: ['gr', 'none'], seeds: '1-3', iterations: 20 };
const jobsOf = (data: unknown) => sweepJobs(parseSweepSpec(data, 'spec.json'), 'spec.json');

describe('sweep specs', () => {
  it('expand to one job per (experiment, arm, scenario, seed), each run as dgr experiment builds it', () => {
    const jobs = jobsOf({ runs: [{ ...entry, scenarios: ['class', 'task'], seeds: [1, '3-4'] }] });
    expect(jobs).toHaveLength(2 * 2 * 3);
    const words = jobs.map((j) => j.id.split('.').slice(0, 5).join('.'));
    expect(words).toContain('experiment.split-mnist.task.none.seed-4');
    expect(new Set(jobs.map((j) => j.id)).size).toBe(jobs.length);
    const config = jobs[0].data.config;
    expect(config.iterations).toBe(20);
    expect(config.stream).toMatchObject({ kind: 'split-mnist', scenario: 'class', limit: { train: 6000, test: 1000 } });
    expect(jobs.map((j) => j.data.config.seed).sort()).toEqual([1, 1, 1, 1, 3, 3, 3, 3, 4, 4, 4, 4]);
  });

  it('give a job the same id whatever the order of keys or where it computes, and another id for other settings', () => {
    const [a] = jobsOf({ runs: [{ ...entry, arms: ['gr'], seeds: 1 }] });
    const reordered = Object.fromEntries(Object.entries({ ...entry, arms: ['gr'], seeds: 1 }).reverse());
    const [b] = jobsOf({ runs: [reordered] });
    const [serial] = jobsOf({ runs: [{ ...entry, arms: ['gr'], seeds: 1, parallel: false }] });
    const [longer] = jobsOf({ runs: [{ ...entry, arms: ['gr'], seeds: 1, iterations: 21 }] });
    expect(b.id).toBe(a.id);
    expect(serial.id).toBe(a.id);
    expect(longer.id).not.toBe(a.id);
    // A run named twice in a spec is one job.
    expect(jobsOf({ runs: [{ ...entry, seeds: 1 }, { ...entry, seeds: '1-2' }] })).toHaveLength(4);
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}');
  });

  it('refuse a malformed spec, naming each field', () => {
    const bad = () => jobsOf({ runs: [{ ...entry, arms: ['gr', 'nope'], seeds: '5-2x', iterations: 0, extra: 1 }] });
    expect(bad).toThrow(/spec\.json: invalid sweep spec:/);
    expect(bad).toThrow(/runs\.0\.arms\.1: /);
    expect(bad).toThrow(/runs\.0\.seeds/);
    expect(bad).toThrow(/runs\.0\.iterations: /);
    expect(bad).toThrow(/runs\.0: .*extra/);
    expect(() => jobsOf({ runs: [{ ...entry, seeds: '9-2' }] })).toThrow(/runs\.0\.seeds: the range '9-2' runs backwards/);
    expect(() => jobsOf({ runs: [] })).toThrow(/runs: /);
    expect(() => jobsOf({ runs: [{ ...entry, kind: 'rl' }] })).toThrow(/runs\.0\.kind: /);
    expect(() => jobsOf({ runs: [{ ...entry, experiment: 'nope' }] })).toThrow(/spec\.json: runs\.0: unknown experiment 'nope'/);
    expect(() => jobsOf({ runs: [{ ...entry, experiment: 'mnist-synthetic', scenarios: ['class'] }] })).toThrow(/runs\.0: experiment mnist-synthetic has no scenarios/);
  });
});
