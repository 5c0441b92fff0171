/**
 * RL sweeps as a user runs them: a real redis-server (this file's own), `dgr sweep --rl` and real `dgr worker`
 * processes on tiny `dgr rl` runs (two games of 1600 frames, 20 consolidation and generator iterations; arms gr
 * and none in one job, sharing the learners).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rlResultSchema, type RlResultFile } from '../../agent/report/result-file.ts';
import { dgrRun, startRedis, startWorker, until, type RedisServer } from './helpers/processes.ts';
import { readJson, storeResults } from './helpers/store.ts';

const work = mkdtempSync(join(tmpdir(), 'dgr-sweep-rl-'));
let redis: RedisServer;

const tinyFlags = ['--arm', 'gr', 'none', '--frames', '1600', '--iterations', '20', '--generator-iterations', '20', '--no-parallel'];

const workerArgs = (queue: string, store: string, ...extra: string[]): string[] => [
  '--redis', redis.url, '--queue', queue, '--store', store, '--concurrency', '1', '--backend', 'wasm', ...extra,
];
/** Short locks, so a killed worker's run is found stalled within seconds. */
const shortLocks = ['--lock-seconds', '3'];
const started = (log: string): string[] => [...log.matchAll(/started \(job (\S+)\)/g)].map((m) => m[1]);
const finished = (log: string): string[] => [...log.matchAll(/^(.+): done, gr ACC -?\d+\.\d\d %, none ACC/gm)].map((m) => m[1]);
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('RL sweeps: dgr sweep --rl and dgr worker', () => {
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const store = join(work, 'store');
  /** Seed 1's arms as the first sweep ran them, uninterrupted. */
  let reference: RlResultFile[] = [];

  it('runs a sweep of two seeds across two workers: each run once, its arms\' results in the store and the queue, merged by the report', async () => {
    const submitted = dgrRun('sweep', '--rl', ...tinyFlags, '--seeds', '1-2', '--redis', redis.url, '--queue', 'rl');
    expect(submitted.status, submitted.stderr).toBe(0);
    expect(submitted.stdout).toContain('2 runs in the sweep: 2 queued, 0 failed runs queued again, 0 already queued or done');

    const workers = [startWorker(...workerArgs('rl', store, '--exit-when-done')), startWorker(...workerArgs('rl', store, '--exit-when-done'))];
    const exits = await Promise.all(workers.map((w) => w.exited));
    for (const [k, exit] of exits.entries()) expect(exit, workers[k].log).toEqual({ code: 0, signal: null });
    const ids = workers.flatMap((w) => started(w.log));
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    for (const w of workers) expect(started(w.log), w.log).toHaveLength(1);
    expect(workers.flatMap((w) => finished(w.log)).sort()).toEqual(['two-games/gr+none seed 1', 'two-games/gr+none seed 2']);

    // One folder per run, holding each arm's result.json, equal to the job's return value.
    const files = storeResults(store);
    expect(files).toHaveLength(4);
    const queue = new Queue('rl', { connection: { url: redis.url } });
    try {
      expect(await queue.getJobCounts()).toMatchObject({ completed: 2, failed: 0, active: 0, waiting: 0 });
      for (const job of await queue.getJobs(['completed'])) {
        const seed = (job.data.config as { seed: number }).seed;
        const results = (job.returnvalue as unknown[]).map((r) => rlResultSchema.parse(r));
        expect(results.map((r) => [r.arm, r.seeds])).toEqual([['gr', [seed]], ['none', [seed]]]);
        for (const result of results) {
          const file = files.find((f) => f.includes(`/rl/two-games/gr+none/seed-${seed}-`) && f.endsWith(`/${result.arm}/result.json`));
          expect(file, `${job.id} ${result.arm}`).toBeDefined();
          expect(result).toEqual(readJson(file!));
        }
        expect(existsSync(join(files.find((f) => f.includes(`/seed-${seed}-`))!, '..', '..', 'report.md'))).toBe(true);
        if (seed === 1) reference = results;
      }
    } finally {
      await queue.close();
    }

    const status = dgrRun('sweep', 'status', '--redis', redis.url, '--queue', 'rl');
    expect(status.status, status.stderr).toBe(0);
    expect(status.stdout).toContain('2 runs: 0 waiting, 0 active, 2 done, 0 failed');
    expect(status.stdout).toMatch(/done +two-games\/gr\+none seed 2 +gr ACC -?\d+\.\d\d %, none ACC -?\d+\.\d\d %/);

    // The report: per (schedule, arm), mean ± s.e.m. over the seeds as `dgr merge` computes it.
    const report = dgrRun('sweep', 'report', '--redis', redis.url, '--queue', 'rl', '--out', join(work, 'merged'));
    expect(report.status, report.stderr).toBe(0);
    const { games } = reference[0];
    expect(games).toHaveLength(2);
    expect(report.stdout).toContain(`RL, schedule two-games (${games.join(' → ')})`);
    expect(report.stdout).toContain(`| arm | seeds | ACC | retention ${games[0]} | per seed ACC | time a seed |`);
    for (const arm of ['gr', 'none']) {
      const perSeed = files.filter((f) => f.endsWith(`/${arm}/result.json`)).map((f) => rlResultSchema.parse(readJson(f)));
      const merged = rlResultSchema.parse(readJson(join(work, 'merged', 'rl', 'two-games', `${arm}.json`)));
      expect(merged.seeds).toEqual([1, 2]);
      expect(merged.acc).toBeCloseTo(mean(perSeed.map((r) => r.acc)), 12);
      expect(merged.R[2][0]).toBeCloseTo(mean(perSeed.map((r) => r.R[2][0])), 12);
      expect(report.stdout).toContain(`| ${arm} | 2 | ${(100 * merged.acc).toFixed(1)} ± ${(100 * merged.accSem!).toFixed(1)} % |`);
    }
  }, 400_000);

  it('queues nothing twice when the runs are submitted again, and only the runs a spec adds', () => {
    const again = dgrRun('sweep', '--rl', ...tinyFlags, '--seeds', '1', '2', '--redis', redis.url, '--queue', 'rl');
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain('2 runs in the sweep: 0 queued, 0 failed runs queued again, 2 already queued or done');
    // A spec file of the same runs, in its own key order, is the same jobs; one more seed is one more job.
    const spec = join(work, 'spec.json');
    writeFileSync(spec, JSON.stringify({ runs: [{ parallel: false, seeds: '1-3', generatorIterations: 20, iterations: 20, frames: 1600, arms: ['gr', 'none'], kind: 'rl' }] }));
    const more = dgrRun('sweep', spec, '--redis', redis.url, '--queue', 'rl');
    expect(more.status, more.stderr).toBe(0);
    expect(more.stdout).toContain('3 runs in the sweep: 1 queued, 0 failed runs queued again, 2 already queued or done');
    const status = dgrRun('sweep', 'status', spec, '--redis', redis.url, '--queue', 'rl');
    expect(status.stdout).toContain('3 runs: 1 waiting, 0 active, 2 done, 0 failed');
    expect(status.stdout).toMatch(/waiting +two-games\/gr\+none seed 3/);
  }, 300_000);

  it('collects the finished runs of a spec into a results tree, whole, without checkpoints or locks, and refuses a folder of another run', () => {
    const spec = join(work, 'spec.json'); // seeds 1-3; seed 3 is queued, not run
    const out = join(work, 'collected');
    const collect = (...extra: string[]) => dgrRun('sweep', 'collect', spec, '--store', store, '--out', out, ...extra);
    const first = collect();
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('2 collected, 0 already there, 1 not finished');
    expect(first.stdout).toMatch(/not finished +rl\.two-games\.gr\+none\.seed-3\.\S+ → \S+two-games\/seed-3/);
    const files = storeResults(out);
    expect(files.map((f) => f.slice(out.length))).toEqual(['/two-games/seed-1/gr/result.json', '/two-games/seed-1/none/result.json', '/two-games/seed-2/gr/result.json', '/two-games/seed-2/none/result.json']);
    const inStore = storeResults(store);
    for (const file of files) {
      const [, seed, arm] = /seed-(\d)\/(\w+)\/result\.json$/.exec(file)!;
      expect(readJson(file)).toEqual(readJson(inStore.find((f) => f.includes(`/gr+none/seed-${seed}-`) && f.endsWith(`/${arm}/result.json`))!));
    }
    const seed1 = join(out, 'two-games', 'seed-1');
    expect(readdirSync(seed1).sort()).toEqual(expect.arrayContaining(['config.json', 'gr', 'none', 'report.md', 'seed-1']));
    expect(readdirSync(join(seed1, 'seed-1'))).not.toContain('checkpoint');
    expect(readdirSync(join(seed1, 'seed-1'))).not.toContain('run.lock');
    expect(existsSync(join(out, 'two-games', 'seed-3'))).toBe(false);

    const again = collect();
    expect(again.stdout).toContain('0 collected, 2 already there, 1 not finished');
    // A later session's queue (a new machine's, empty) takes only the seed the results tree lacks.
    const later = dgrRun('sweep', spec, '--redis', redis.url, '--queue', 'later-session', '--skip-collected', out);
    expect(later.status, later.stderr).toBe(0);
    expect(later.stdout).toContain(`3 runs in the sweep: 1 queued, 0 failed runs queued again, 0 already queued or done, 2 collected in ${out} already and left out`);
    expect(dgrRun('sweep', 'status', spec, '--redis', redis.url, '--queue', 'later-session').stdout).toMatch(/waiting +two-games\/gr\+none seed 3/);
    // Another run where seed 2 would go: refused, naming it, and nothing else is copied.
    const named = join(out, 'two-games', 'seed-2-other');
    mkdirSync(named, { recursive: true });
    writeFileSync(join(named, 'config.json'), '{}');
    const refused = collect('--name', 'other');
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain(`${named} holds another run`);
    expect(existsSync(join(out, 'two-games', 'seed-1-other'))).toBe(false);
    expect(collect('--name', 'Other Arms').stderr).toContain("--name: 'Other Arms' is not a folder word");
    const noStore = dgrRun('sweep', 'collect', spec, '--store', join(work, 'no-store'), '--out', out);
    expect(noStore.status).not.toBe(0);
    expect(noStore.stderr).toContain(`--store: ${join(work, 'no-store')} does not exist`);

    // Two entries on the same seed (a variant's settings) need a folder each: refused unnamed, side by side named.
    const entry = { kind: 'rl', parallel: false, seeds: 1, generatorIterations: 20, iterations: 20, frames: 1600, arms: ['gr', 'none'] };
    const variants = join(work, 'variants.json');
    writeFileSync(variants, JSON.stringify({ runs: [entry, { ...entry, iterations: 21 }] }));
    const unnamed = dgrRun('sweep', 'collect', variants, '--store', store, '--out', join(work, 'variants'));
    expect(unnamed.status).not.toBe(0);
    expect(unnamed.stderr).toMatch(/rl\.two-games\.gr\+none\.seed-1\.\S+ and rl\.two-games\.gr\+none\.seed-1\.\S+ would both be collected to \S+seed-1: give their spec entries each a "name"/);
    writeFileSync(variants, JSON.stringify({ runs: [{ ...entry, name: 'short' }, { ...entry, iterations: 21, name: 'longer' }] }));
    const sideBySide = dgrRun('sweep', 'collect', variants, '--store', store, '--out', join(work, 'variants'));
    expect(sideBySide.status, sideBySide.stderr).toBe(0);
    expect(sideBySide.stdout).toMatch(/collected +\S+ → \S+two-games\/seed-1-short\n/);
    expect(sideBySide.stdout).toMatch(/not finished +\S+ → \S+two-games\/seed-1-longer\n/);
  }, 300_000);

  it("returns a SIGTERMed worker's run to the queue, and finishes a SIGKILLed worker's run on another worker from its checkpoint", async () => {
    expect(reference).toHaveLength(2);
    const killStore = join(work, 'kill-store');
    const submitted = dgrRun('sweep', '--rl', ...tinyFlags, '--seeds', '1', '--redis', redis.url, '--queue', 'kill');
    expect(submitted.status, submitted.stderr).toBe(0);
    const runFolder = (): string | undefined => {
      const dir = join(killStore, 'rl', 'two-games', 'gr+none');
      const [folder] = existsSync(dir) ? readdirSync(dir) : [];
      return folder && join(dir, folder, 'seed-1');
    };
    /** Where the run's checkpoint stands (null: none yet). */
    const checkpoint = (): string | null => {
      const folder = runFolder();
      const path = folder && join(folder, 'checkpoint', 'checkpoint.json');
      return path && existsSync(path) ? JSON.stringify(readJson<{ progress: { position: unknown } }>(path).progress.position) : null;
    };

    // SIGTERM: the run stops at its next step, keeping its last phase checkpoint; the job goes back to the queue.
    const first = startWorker(...workerArgs('kill', killStore, ...shortLocks));
    await until('the first phase checkpoint', () => checkpoint() !== null);
    first.child.kill('SIGTERM');
    expect(await first.exited, first.log).toEqual({ code: 0, signal: null });
    expect(first.log).toContain('two-games/gr+none seed 1: stopped after a task\'s checkpoint and returned to the queue');
    const returnedAt = checkpoint();
    const waiting = dgrRun('sweep', 'status', '--redis', redis.url, '--queue', 'kill');
    expect(waiting.stdout).toContain('1 runs: 1 waiting, 0 active, 0 done, 0 failed');
    expect(waiting.stdout).toMatch(/back in the queue after frame \d+ of 3200 \(game [12]\/2 /);

    // Two workers; the one that takes the job is killed once it has checkpointed one more phase.
    const pair = [0, 1].map(() => startWorker(...workerArgs('kill', killStore, ...shortLocks, '--exit-when-done')));
    await until('a worker to take the job', () => pair.some((w) => started(w.log).length > 0));
    const victim = pair.find((w) => started(w.log).length > 0)!;
    const survivor = pair.find((w) => w !== victim)!;
    await until('the run to resume from its checkpoint', () => /resuming from its checkpoint at frame/.test(victim.log));
    await until('one more phase checkpoint', () => checkpoint() !== returnedAt);
    victim.child.kill('SIGKILL');
    expect(await victim.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const killedAt = JSON.parse(checkpoint()!) as { game: number };
    expect(killedAt.game).toBeLessThan(2);
    // As if the victim had run on another machine: its lock cannot be checked from here; the queue says who runs.
    const lock = join(runFolder()!, 'run.lock');
    expect(existsSync(lock)).toBe(true);
    writeFileSync(lock, JSON.stringify({ ...readJson<object>(lock), host: 'another-machine' }));
    expect(await survivor.exited, survivor.log).toEqual({ code: 0, signal: null });
    expect(survivor.log).toMatch(/resuming from its checkpoint at frame/);
    expect(finished(survivor.log)).toEqual(['two-games/gr+none seed 1']);

    // Nothing lost: one result per arm, the same as the uninterrupted run's.
    const files = storeResults(killStore);
    expect(files).toHaveLength(2);
    for (const file of files) {
      const result = rlResultSchema.parse(readJson(file));
      const uninterrupted = reference.find((r) => r.arm === result.arm)!;
      expect(result.R).toEqual(uninterrupted.R);
      expect(result.perSeed[0].raw).toEqual(uninterrupted.perSeed[0].raw);
      expect(result.perSeed[0].learners.map((l) => l.score)).toEqual(uninterrupted.perSeed[0].learners.map((l) => l.score));
    }
    const status = dgrRun('sweep', 'status', '--redis', redis.url, '--queue', 'kill');
    expect(status.stdout).toContain('1 runs: 0 waiting, 0 active, 1 done, 0 failed');
  }, 400_000);

  it('stops the run of a worker starved past its lock once the queue hands the job on; the next worker waits for it and finishes the run once', async () => {
    expect(reference).toHaveLength(2);
    const starvedStore = join(work, 'starved-store');
    const submitted = dgrRun('sweep', '--rl', ...tinyFlags, '--seeds', '1', '--redis', redis.url, '--queue', 'starved');
    expect(submitted.status, submitted.stderr).toBe(0);

    // SIGSTOP stands for starvation (a worker at low priority beside busy processes): its lock is not renewed.
    const starved = startWorker(...workerArgs('starved', starvedStore, ...shortLocks, '--exit-when-done'));
    await until('the run to start learning', () => /game 1\/2 \S+ · learn/.test(starved.log));
    starved.child.kill('SIGSTOP');
    const next = startWorker(...workerArgs('starved', starvedStore, ...shortLocks, '--exit-when-done'));
    try {
      await until('the job to be handed to the next worker', () => started(next.log).length > 0);
      // The starved worker's run still holds the folder: the next worker waits rather than write beside it.
      await until('the next worker to wait for the starved run', () => /still written by process \d+ on this machine/.test(next.log));
      expect(next.log).not.toMatch(/resuming from its checkpoint|· learn/);
    } finally {
      starved.child.kill('SIGCONT');
    }
    expect(await starved.exited, starved.log).toEqual({ code: 0, signal: null });
    expect(await next.exited, next.log).toEqual({ code: 0, signal: null });
    expect(starved.log).toMatch(/its lock lapsed \(this worker was starved or stopped for over 3 s\): stopping its run at its next checkpoint/);
    expect(starved.log).toContain('two-games/gr+none seed 1: stopped with its checkpoint in');
    // Finished once, by the worker the queue gave it to, from the starved run's checkpoint.
    expect(finished(starved.log), starved.log).toEqual([]);
    expect(finished(next.log), next.log).toEqual(['two-games/gr+none seed 1']);
    expect(next.log).toMatch(/resuming from its checkpoint at frame/);
    const queue = new Queue('starved', { connection: { url: redis.url } });
    try {
      expect(await queue.getJobCounts()).toMatchObject({ completed: 1, failed: 0, active: 0, waiting: 0 });
    } finally {
      await queue.close();
    }
    const files = storeResults(starvedStore);
    expect(files).toHaveLength(2);
    for (const file of files) {
      const result = rlResultSchema.parse(readJson(file));
      expect(result.R).toEqual(reference.find((r) => r.arm === result.arm)!.R);
    }
  }, 400_000);
});
