/**
 * Sweep specs become jobs: seeds and ranges expand, each (arm, scenario, seed) is one job, a job's id follows
 * from what it runs (not where, nor the order of the spec's keys), and bad specs are refused naming the field.
 */
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../sweep/jobs.ts';
import { parseSweepSpec, sweepJobs } from '../../sweep/spec.ts';
import { agentPreset } from '../../agent/presets.ts';

const entry = { kind: 'experiment', experiment: 'split-mnist', arms: ['gr', 'none'], seeds: '1-3', iterations: 20 };
const jobsOf = (data: unknown) => sweepJobs(parseSweepSpec(data, 'spec.json'), 'spec.json');

describe('sweep specs', () => {
  it('expand to one job per (experiment, arm, scenario, seed), each run as dgr experiment builds it', () => {
    const jobs = jobsOf({ runs: [{ ...entry, scenarios: ['class', 'task'], seeds: [1, '3-4'] }] });
    expect(jobs).toHaveLength(2 * 2 * 3);
    const words = jobs.map((j) => j.id.split('.').slice(0, 5).join('.'));
    expect(words).toContain('experiment.split-mnist.task.none.seed-4');
    expect(new Set(jobs.map((j) => j.id)).size).toBe(jobs.length);
    const [{ data }] = jobs;
    if (data.kind !== 'experiment') throw new Error('an experiment entry made an RL job');
    const { config } = data;
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
    expect(() => jobsOf({ runs: [{ ...entry, kind: 'bench' }] })).toThrow(/runs\.0\.kind: /);
    expect(() => jobsOf({ runs: [{ ...entry, experiment: 'nope' }] })).toThrow(/spec\.json: runs\.0: unknown experiment 'nope'/);
    expect(() => jobsOf({ runs: [{ ...entry, experiment: 'mnist-synthetic', scenarios: ['class'] }] })).toThrow(/runs\.0: experiment mnist-synthetic has no scenarios/);
  });

  const rl = { kind: 'rl', arms: ['gr', 'none'], seeds: '1-2', frames: 1600, iterations: 20, generatorIterations: 20 };

  it('expand an RL entry to one job per seed holding its arms, each config as dgr rl builds it', () => {
    const jobs = jobsOf({ runs: [rl] });
    expect(jobs.map((j) => j.id.split('.').slice(0, 4).join('.'))).toEqual(['rl.two-games.gr+none.seed-1', 'rl.two-games.gr+none.seed-2']);
    const [{ data }] = jobs;
    if (data.kind !== 'rl') throw new Error('an RL entry made another job');
    expect(data.config).toEqual(agentPreset('quick', { arms: ['gr', 'none'], framesPerGame: 1600, iterations: 20, generatorIterations: 20, seed: 1 }));
    // Where the generator trains is not part of the run; its settings are; experiment and RL jobs never meet.
    expect(jobsOf({ runs: [{ ...rl, parallel: false }] }).map((j) => j.id)).toEqual(jobs.map((j) => j.id));
    expect(jobsOf({ runs: [{ ...rl, frames: 2000 }] })[0].id).not.toBe(jobs[0].id);
    expect(jobsOf({ runs: [{ ...rl, arms: ['gr'] }] })[0].id).toMatch(/^rl\.two-games\.gr\.seed-1\./);
    expect(jobsOf({ runs: [{ ...rl, schedule: 'three-games', seeds: 4 }] })[0].id).toMatch(/^rl\.three-games\.gr\+none\.seed-4\./);
    const own = { name: 'mine', tasks: [{ task: 'breakout', steps: 1000 }, { task: 'asterix', steps: 1000 }] };
    const [custom] = jobsOf({ runs: [{ kind: 'rl', schedule: own, seeds: 1 }] });
    expect(custom.data.config).toMatchObject({ schedule: own, arms: ['gr', 'none'], preset: 'custom', basedOn: 'quick' });
  });

  it('refuse a malformed RL entry, naming each field', () => {
    const bad = () => jobsOf({ runs: [{ ...rl, arms: ['gr', 'lwf'], preset: 'paper', frames: 10, schedule: 'five-games' }] });
    expect(bad).toThrow(/runs\.0\.arms\.1: /);
    expect(bad).toThrow(/runs\.0\.preset: /);
    expect(bad).toThrow(/runs\.0\.frames: /);
    expect(bad).toThrow(/runs\.0\.schedule: a schedule name \(three-games, two-games/);
    expect(() => jobsOf({ runs: [{ ...rl, scenarios: ['class'] }] })).toThrow(/runs\.0: .*scenarios/);
    expect(() => jobsOf({ runs: [{ ...rl, schedule: { tasks: [{ task: 'breakout', steps: 1000 }] } }] })).toThrow(/runs\.0\.frames: frames sets the frames of a named schedule/);
    expect(() => jobsOf({ runs: [{ ...rl, frames: undefined, schedule: { tasks: [{ task: 'breakout', steps: 0 }] } }] })).toThrow(/runs\.0\.schedule/);
  });
});
