/**
 * Sweep specs become jobs: seeds and ranges expand, each (arm, scenario, seed) is one job, a job's id follows
 * from what it runs (not where, nor the order of the spec's keys), and bad specs are refused naming the field.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../sweep/jobs.ts';
import { parseSweepSpec, sweepJobs } from '../../sweep/spec.ts';
import { collectedIn } from '../../sweep/collect.ts';
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
    const bad = () => jobsOf({ runs: [{ ...rl, arms: ['gr', 'lwf-gr'], preset: 'paper', frames: 10, schedule: 'five-games' }] });
    expect(bad).toThrow(/runs\.0\.arms\.1: /);
    expect(bad).toThrow(/runs\.0\.preset: /);
    expect(bad).toThrow(/runs\.0\.frames: /);
    expect(bad).toThrow(/runs\.0\.schedule: a schedule name \(three-games, three-games-from-freeway, three-games-from-space-invaders, two-games/);
    expect(() => jobsOf({ runs: [{ ...rl, scenarios: ['class'] }] })).toThrow(/runs\.0: .*scenarios/);
    expect(() => jobsOf({ runs: [{ ...rl, schedule: { tasks: [{ task: 'breakout', steps: 1000 }] } }] })).toThrow(/runs\.0\.frames: frames sets the frames of a named schedule/);
    expect(() => jobsOf({ runs: [{ ...rl, frames: undefined, schedule: { tasks: [{ task: 'breakout', steps: 0 }] } }] })).toThrow(/runs\.0\.schedule/);
  });

  it('set an RL entry\'s evaluation episodes and learner sharing, take the rotations of the three games, and keep learner sharing out of the job id', () => {
    const [plain] = jobsOf({ runs: [rl] });
    const [more] = jobsOf({ runs: [{ ...rl, evaluationEpisodes: 100 }] });
    if (more.data.kind !== 'rl' || plain.data.kind !== 'rl') throw new Error('an RL entry made another job');
    expect(more.data.config.evaluation.episodes).toBe(100);
    expect(plain.data.config.evaluation.episodes).toBe(agentPreset('quick').evaluation.episodes);
    expect(more.id).not.toBe(plain.id);
    const [shared] = jobsOf({ runs: [{ ...rl, shareLearners: true }] });
    expect(shared.data).toMatchObject({ kind: 'rl', shareLearners: true });
    expect(plain.data).not.toHaveProperty('shareLearners');
    expect(shared.id).toBe(plain.id);
    for (const schedule of ['three-games-from-freeway', 'three-games-from-space-invaders']) {
      const [job] = jobsOf({ runs: [{ ...rl, schedule, seeds: 1 }] });
      expect(job.id.startsWith(`rl.${schedule}.gr+none.seed-1.`)).toBe(true);
    }
    expect(() => jobsOf({ runs: [{ ...rl, evaluationEpisodes: 0 }] })).toThrow(/runs\.0\.evaluationEpisodes/);
    const [grid] = jobsOf({ runs: [{ ...rl, generator: 'grid-vae' }] });
    expect(grid.data.config).toEqual(agentPreset('quick', { arms: ['gr', 'none'], framesPerGame: 1600, iterations: 20, generatorIterations: 20, seed: 1, generator: 'grid-vae' }));
    expect(grid.id).not.toBe(plain.id);
    expect(() => jobsOf({ runs: [{ ...rl, shareLearners: 'yes' }] })).toThrow(/runs\.0\.shareLearners/);
  });

  it("set an RL entry's regulariser strengths (ewcLambda, siC) as dgr rl's flags do, keeping an unset one out of the job id", () => {
    const [plain] = jobsOf({ runs: [rl] });
    const [strong] = jobsOf({ runs: [{ ...rl, arms: ['ewc', 'si'], ewcLambda: 5e5, siC: 10 }] });
    if (strong.data.kind !== 'rl') throw new Error('an RL entry made another job');
    expect(strong.data.config.ewc).toEqual({ lambda: 5e5, samples: 200, gamma: 1 });
    expect(strong.data.config.si).toEqual({ c: 10, epsilon: 0.1 });
    expect(strong.data.config).toEqual(agentPreset('quick', { arms: ['ewc', 'si'], framesPerGame: 1600, iterations: 20, generatorIterations: 20, seed: 1, ewcLambda: 5e5, siC: 10 }));
    // The default written out is the default: the job is the one queued without it.
    const [spelled] = jobsOf({ runs: [{ ...rl, ewcLambda: 5000, siC: 0.1 }] });
    expect(spelled.id).toBe(plain.id);
    const [other] = jobsOf({ runs: [{ ...rl, ewcLambda: 5e4 }] });
    expect(other.id).not.toBe(plain.id);
    expect(() => jobsOf({ runs: [{ ...rl, ewcLambda: -1, siC: 'big' }] })).toThrow(/runs\.0\.ewcLambda[\s\S]*runs\.0\.siC|runs\.0\.siC[\s\S]*runs\.0\.ewcLambda/);
  });

  it('the committed protocol specs parse: three orders, arms gr er none, 5 seeds on the preset order and 3 on the others', () => {
    const protocol = jobsOf(JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'protocol', 'rl-orders.json'), 'utf8')));
    const count = (schedule: string) => protocol.filter((j) => j.data.kind === 'rl' && j.data.config.schedule.name === schedule).length;
    expect([count('three-games'), count('three-games-from-freeway'), count('three-games-from-space-invaders')]).toEqual([5, 3, 3]);
    for (const { data } of protocol) {
      if (data.kind !== 'rl') throw new Error('the protocol holds RL runs only');
      // 100 evaluation episodes are not the full preset's 30: the label says so (issue 26).
      expect(data.config).toMatchObject({ preset: 'custom', basedOn: 'full' });
      expect(data.config.arms).toEqual(['gr', 'er', 'none']);
      expect(data.config.evaluation.episodes).toBe(100);
      expect(data.shareLearners).toBe(true);
      // One seed at a time on both cores, so a session ends with whole seeds (docs/RL.md).
      expect(data.config.parallel).toBe('arms');
    }
    const dev = jobsOf(JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'protocol', 'rl-orders-dev.json'), 'utf8')));
    expect([...new Set(dev.map((j) => j.data.config.seed))].sort()).toEqual([101, 102]);
    expect(dev).toHaveLength(6);
  });

  it('the earlier protocol specs name exactly the runs committed under results/rl/earlier/protocol-scholar-5000 (their job ids, from each config.json)', () => {
    const docs = join(import.meta.dirname, '..', '..', 'docs');
    const spec = (name: string) => jobsOf(JSON.parse(readFileSync(join(docs, 'protocol', 'earlier', name), 'utf8')));
    const ids = [...spec('rl-orders-scholar-5000.json'), ...spec('rl-regularisers-scholar-5000.json')].map((j) => j.id).sort();
    const results = join(docs, 'results', 'rl', 'earlier', 'protocol-scholar-5000');
    const committed = readdirSync(results, { withFileTypes: true })
      .filter((order) => order.isDirectory() && order.name.startsWith('three-games'))
      .flatMap((order) => readdirSync(join(results, order.name)).map((seed) => join(results, order.name, seed, 'config.json')))
      .map((file) => /\(job (\S+) of queue/.exec(readFileSync(file, 'utf8'))?.[1])
      .sort();
    expect(committed).toHaveLength(14);
    expect(ids).toEqual(committed);
    // `dgr sweep --skip-collected` finds each of them in that tree, and none of today's protocol (the 15 000).
    const earlier = [...spec('rl-orders-scholar-5000.json'), ...spec('rl-regularisers-scholar-5000.json')];
    expect(earlier.filter((job) => collectedIn(job, results))).toHaveLength(14);
    const today = ['rl-orders.json', 'rl-regularisers.json'].flatMap((name) => jobsOf(JSON.parse(readFileSync(join(docs, 'protocol', name), 'utf8'))));
    expect(today.filter((job) => collectedIn(job, results))).toEqual([]);
  });

  it('hash an RL entry\'s arms as a set: another order is the same job, and a run queued in the preset\'s order keeps its id', () => {
    const [given] = jobsOf({ runs: [{ ...rl, seeds: 1 }] });
    const [reversed] = jobsOf({ runs: [{ ...rl, arms: ['none', 'gr'], seeds: 1 }] });
    expect(reversed.id).toBe(given.id);
    expect(reversed.data.config).toEqual(given.data.config);
    // The id this run had before arms were a set (main at 4d01dfe): finished runs are not queued again.
    expect(given.id).toBe('rl.two-games.gr+none.seed-1.bdc7260ba4d31ba4');
  });

  it('refuse an arm or a scenario named twice, and frames past the bound unless allowed, naming each', () => {
    expect(() => jobsOf({ runs: [{ ...rl, arms: ['none', 'none'] }] })).toThrow(/runs\.0\.arms: arm none is given twice/);
    expect(() => jobsOf({ runs: [{ ...entry, arms: ['gr', 'gr'] }] })).toThrow(/runs\.0\.arms: arm gr is given twice/);
    expect(() => jobsOf({ runs: [{ ...entry, scenarios: ['class', 'class'] }] })).toThrow(/runs\.0\.scenarios: scenario class is given twice/);
    expect(() => jobsOf({ runs: [{ ...rl, frames: 1e12 }] })).toThrow(/runs\.0\.frames: more than 10000000 frames a game .*allowManyFrames/);
    expect(jobsOf({ runs: [{ ...rl, frames: 20_000_000, allowManyFrames: true }] })[0].data.config).toMatchObject({ schedule: { tasks: [{ steps: 20_000_000 }, { steps: 20_000_000 }] } });
  });
});
