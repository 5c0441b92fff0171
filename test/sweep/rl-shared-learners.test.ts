/**
 * RL sweeps that share learners through the store's learner cache, as the protocol runs them: a real
 * redis-server, `dgr sweep <spec>` and two real `dgr worker` processes on tiny runs (two games of 1600 frames).
 * Two jobs that differ only in their arm train seed 1's learners at the same time and both publish them; a later
 * job loads them. Their evaluations carry a standard error, and `dgr sweep report --out` tables retention with its
 * intervals and draws the per-seed dots.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rlResultSchema, type RlResultFile } from '../../agent/report/result-file.ts';
import { dgrRun, startRedis, startWorker, type RedisServer } from './helpers/processes.ts';
import { readJson, storeResults } from './helpers/store.ts';

const work = mkdtempSync(join(tmpdir(), 'dgr-sweep-shared-'));
const store = join(work, 'store');
let redis: RedisServer;

const tiny = { kind: 'rl', seeds: 1, frames: 1600, iterations: 20, generatorIterations: 20, parallel: false, evaluationEpisodes: 3, shareLearners: true };
const spec = (path: string, arms: string[][]): string => {
  writeFileSync(path, JSON.stringify({ runs: arms.map((a) => ({ ...tiny, arms: a })) }));
  return path;
};
const workerArgs = (queue: string): string[] => ['--redis', redis.url, '--queue', queue, '--store', store, '--concurrency', '1', '--backend', 'wasm', '--exit-when-done'];
const resultsOf = (arm: string): RlResultFile[] => storeResults(store).filter((f) => f.endsWith(`/${arm}/result.json`)).map((f) => rlResultSchema.parse(readJson(f)));
/** A learner's numbers, without where it came from or how long it took. */
const learnersOf = (file: RlResultFile) => file.perSeed[0].learners.map(({ seconds: _s, reused: _r, ...rest }) => rest);

describe('RL sweeps sharing learners', () => {
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('lets two workers train the same learners at once and a later run load them, with evaluation errors and the retention report', async () => {
    const first = spec(join(work, 'first.json'), [['gr'], ['none']]);
    const submitted = dgrRun('sweep', first, '--redis', redis.url, '--queue', 'shared');
    expect(submitted.status, submitted.stderr).toBe(0);
    const workers = [startWorker(...workerArgs('shared')), startWorker(...workerArgs('shared'))];
    const exits = await Promise.all(workers.map((w) => w.exited));
    for (const [k, exit] of exits.entries()) expect(exit, workers[k].log).toEqual({ code: 0, signal: null });

    // Both jobs trained seed 1's two learners side by side: one whole entry each is kept, nothing half-written.
    const cache = join(store, 'learners');
    const entries = readdirSync(cache).sort();
    expect(entries).toEqual([expect.stringMatching(/^seed-1-game-0-[0-9a-f]{20}$/), expect.stringMatching(/^seed-1-game-1-[0-9a-f]{20}$/)]);
    const [gr] = resultsOf('gr');
    const [none] = resultsOf('none');
    expect(learnersOf(none)).toEqual(learnersOf(gr));
    expect(gr.config.evaluation.episodes).toBe(3);
    expect(gr.perSeed[0].RSe?.map((row) => row.length)).toEqual([2, 2, 2]);
    expect(gr.perSeed[0].learners.every((l) => typeof l.normalisedSe === 'number')).toBe(true);

    // A run that differs only in its arm loads the learners instead of training them.
    const later = spec(join(work, 'later.json'), [['er']]);
    expect(dgrRun('sweep', later, '--redis', redis.url, '--queue', 'shared').status).toBe(0);
    const worker = startWorker(...workerArgs('shared'));
    expect(await worker.exited, worker.log).toEqual({ code: 0, signal: null });
    const [er] = resultsOf('er');
    expect(er.perSeed[0].learners.map((l) => l.reused)).toEqual([true, true]);
    expect(learnersOf(er)).toEqual(learnersOf(gr));
    expect(readdirSync(cache)).toHaveLength(2);

    const out = join(work, 'report');
    const report = dgrRun('sweep', 'report', '--redis', redis.url, '--queue', 'shared', '--out', out);
    expect(report.status, report.stderr).toBe(0);
    expect(report.stdout).toContain('RL retention, order two-games');
    expect(report.stdout).toMatch(/\| gr \| \S+ \| \d of 1 \|/);
    expect(report.stdout).toMatch(/Largest standard error of one greedy evaluation \(its mean over its episodes, normalised units\): \d\.\d{4}\./);
    expect(report.stdout).toContain('](rl/retention-dots-two-games.png)');
    expect(existsSync(join(out, 'rl', 'retention-dots-two-games.png'))).toBe(true);
    expect(existsSync(join(out, 'report.md'))).toBe(true);
  }, 900_000);
});
