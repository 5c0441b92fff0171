/**
 * Sweeps as a user runs them: a real redis-server (this file's own, on a free port), `dgr sweep` and real
 * `dgr worker` processes on tiny split-MNIST runs (20 iterations a task, one core each).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dgrRun, startRedis, startWorker, until, type RedisServer } from './helpers/processes.ts';
import { readJson, storeResults } from './helpers/store.ts';

const work = mkdtempSync(join(tmpdir(), 'dgr-sweep-'));
let redis: RedisServer;

const tiny = { kind: 'experiment', experiment: 'split-mnist', iterations: 20, generatorIterations: 20, evalEvery: 0, parallel: false };
const tinyFlags = ['--iterations', '20', '--generator-iterations', '20', '--eval-every', '0', '--no-parallel'];
type Result = { experiment: string; arm: string; seed: number; acc: number; accuracyMatrix: number[][]; replay?: unknown };

const workerArgs = (queue: string, store: string, ...extra: string[]): string[] => [
  '--redis', redis.url, '--queue', queue, '--store', store, '--concurrency', '1', '--backend', 'wasm', ...extra,
];
/** Short locks, so a killed worker's run is found stalled within seconds. */
const shortLocks = ['--lock-seconds', '3'];

/** The job ids each worker's log says it started and finished. */
const started = (log: string): string[] => [...log.matchAll(/started \(job (\S+)\)/g)].map((m) => m[1]);
const finished = (log: string): string[] => [...log.matchAll(/^(.+): done, ACC/gm)].map((m) => m[1]);

describe('dgr sweep and dgr worker', () => {
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const spec = join(work, 'spec.json');
  const store = join(work, 'store');

  it('runs a sweep across two workers: every run once, its result in the store and in the queue, merged by the report', async () => {
    writeFileSync(spec, JSON.stringify({ runs: [{ ...tiny, arms: ['gr'], seeds: 1 }, { ...tiny, arms: ['none'], seeds: '1-3' }] }));
    const submitted = dgrRun('sweep', spec, '--redis', redis.url, '--queue', 'main');
    expect(submitted.status, submitted.stderr).toBe(0);
    expect(submitted.stdout).toContain(`queue main at ${redis.url}: 4 runs in the sweep: 4 queued, 0 failed runs queued again, 0 already queued or done`);

    const workers = [startWorker(...workerArgs('main', store, '--exit-when-done')), startWorker(...workerArgs('main', store, '--exit-when-done'))];
    const exits = await Promise.all(workers.map((w) => w.exited));
    for (const [k, exit] of exits.entries()) expect(exit, workers[k].log).toEqual({ code: 0, signal: null });
    // Both workers took part, and no run started or finished twice.
    for (const w of workers) expect(started(w.log).length).toBeGreaterThan(0);
    const ids = workers.flatMap((w) => started(w.log));
    expect(new Set(ids).size).toBe(4);
    expect(ids).toHaveLength(4);
    expect(workers.flatMap((w) => finished(w.log)).sort()).toEqual(
      ['split-mnist/class/gr seed 1', 'split-mnist/class/none seed 1', 'split-mnist/class/none seed 2', 'split-mnist/class/none seed 3'],
    );

    // One folder and one result per run in the store, equal to the job's return value.
    const files = storeResults(store);
    expect(files).toHaveLength(4);
    const queue = new Queue('main', { connection: { url: redis.url } });
    try {
      const counts = await queue.getJobCounts();
      expect(counts).toMatchObject({ completed: 4, failed: 0, active: 0, waiting: 0 });
      for (const job of await queue.getJobs(['completed'])) {
        const config = job.data.config as { arm: string; seed: number };
        const file = files.find((f) => f.includes(`/class-${config.arm}/seed-${config.seed}-`));
        expect(file, job.id).toBeDefined();
        expect(job.returnvalue).toEqual(readJson(file!));
        expect(existsSync(join(file!, '..', 'report.md'))).toBe(true);
      }
    } finally {
      await queue.close();
    }

    const status = dgrRun('sweep', 'status', spec, '--redis', redis.url, '--queue', 'main');
    expect(status.status, status.stderr).toBe(0);
    expect(status.stdout).toContain('4 runs: 0 waiting, 0 active, 4 done, 0 failed');
    expect(status.stdout).toMatch(/done +split-mnist\/class\/none seed 2 +ACC \d+\.\d\d %/);
    expect(status.stdout).toContain('nothing left to run');

    // The report: per (experiment, scenario, arm), mean ± s.e.m. over seeds as `dgr merge` computes it.
    const report = dgrRun('sweep', 'report', spec, '--redis', redis.url, '--queue', 'main', '--out', join(work, 'merged'));
    expect(report.status, report.stderr).toBe(0);
    const none = files.filter((f) => f.includes('/class-none/')).map((f) => readJson<Result>(f).acc);
    const mean = none.reduce((a, b) => a + b, 0) / 3;
    const merged = readJson<Result & { seeds: number[]; accSem: number }>(join(work, 'merged', 'split-mnist', 'class-none.json'));
    expect(merged.seeds).toEqual([1, 2, 3]);
    expect(merged.acc).toBeCloseTo(mean, 12);
    expect(report.stdout).toContain('| experiment | scenario | arm | seeds | ACC |');
    expect(report.stdout).toContain(`| split-mnist | class | none | 3 | ${(100 * mean).toFixed(2)} ± ${(100 * merged.accSem).toFixed(2)} % |`);
    expect(report.stdout).toMatch(/\| split-mnist \| class \| gr \| 1 \| \d+\.\d\d % \|/);
  }, 400_000);

  it('queues nothing twice when a spec is submitted again, and only the runs it adds', () => {
    const again = dgrRun('sweep', spec, '--redis', redis.url, '--queue', 'main');
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain('4 runs in the sweep: 0 queued, 0 failed runs queued again, 4 already queued or done');
    // The command-line form of the same runs, key order and all, is the same jobs; one more seed is one more job.
    const more = dgrRun('sweep', '--experiment', 'split-mnist', '--arm', 'none', '--seeds', '1-4', ...tinyFlags, '--redis', redis.url, '--queue', 'main');
    expect(more.status, more.stderr).toBe(0);
    expect(more.stdout).toContain('4 runs in the sweep: 1 queued, 0 failed runs queued again, 3 already queued or done');
    const status = dgrRun('sweep', 'status', '--redis', redis.url, '--queue', 'main');
    expect(status.stdout).toContain('5 runs: 1 waiting, 0 active, 4 done, 0 failed');
    expect(status.stdout).toMatch(/waiting +split-mnist\/class\/none seed 4/);
    expect(status.stdout).toContain('ETA unknown: 1 runs waiting and none running (is a worker up?)');
  }, 300_000);

  it('returns a SIGTERMed worker\'s run to the queue after a task, and finishes a SIGKILLed worker\'s run on another worker from its checkpoint', async () => {
    const reference = readJson<Result>(storeResults(store).find((f) => f.includes('/class-gr/'))!);
    const killStore = join(work, 'kill-store');
    const submitted = dgrRun('sweep', '--experiment', 'split-mnist', '--arm', 'gr', '--seeds', '1', ...tinyFlags, '--redis', redis.url, '--queue', 'kill');
    expect(submitted.status, submitted.stderr).toBe(0);
    const checkpointTask = (): number => {
      const [folder] = existsSync(join(killStore, 'split-mnist', 'class-gr')) ? readdirSync(join(killStore, 'split-mnist', 'class-gr')) : [];
      const path = folder && join(killStore, 'split-mnist', 'class-gr', folder, 'seed-1', 'checkpoint', 'checkpoint.json');
      return path && existsSync(path) ? readJson<{ progress: { nextTask: number } }>(path).progress.nextTask : 0;
    };

    // SIGTERM: the task under way finishes and checkpoints, the job goes back to the queue, the worker exits 0.
    const first = startWorker(...workerArgs('kill', killStore, ...shortLocks));
    await until('the first task checkpoint', () => checkpointTask() >= 1);
    first.child.kill('SIGTERM');
    expect(await first.exited, first.log).toEqual({ code: 0, signal: null });
    expect(first.log).toContain('split-mnist/class/gr seed 1: stopped after a task\'s checkpoint and returned to the queue');
    const returnedAt = checkpointTask();
    expect(returnedAt).toBeGreaterThanOrEqual(1);
    expect(returnedAt).toBeLessThan(5);
    const waiting = dgrRun('sweep', 'status', '--redis', redis.url, '--queue', 'kill');
    expect(waiting.stdout).toContain('1 runs: 1 waiting, 0 active, 0 done, 0 failed');
    expect(waiting.stdout).toContain(`back in the queue after ${returnedAt} of 5 tasks`);

    // Two workers; the one that takes the job is killed once it has checkpointed one more task.
    const pair = [0, 1].map(() => startWorker(...workerArgs('kill', killStore, ...shortLocks, '--exit-when-done')));
    await until('a worker to take the job', () => pair.some((w) => started(w.log).length > 0));
    const victim = pair.find((w) => started(w.log).length > 0)!;
    const survivor = pair.find((w) => w !== victim)!;
    await until('the run to resume from the checkpoint', () => victim.log.includes(`resuming from the checkpoint after task ${returnedAt}`));
    await until('one more task checkpoint', () => checkpointTask() > returnedAt);
    const killedAt = checkpointTask();
    victim.child.kill('SIGKILL');
    expect(await victim.exited).toEqual({ code: null, signal: 'SIGKILL' });
    // As if the victim had run on another machine: its folder lock names a host whose processes cannot be checked
    // from here. The queue, not the lock, says who runs the job now.
    const [folder] = readdirSync(join(killStore, 'split-mnist', 'class-gr'));
    const lock = join(killStore, 'split-mnist', 'class-gr', folder, 'seed-1', 'run.lock');
    expect(existsSync(lock)).toBe(true);
    writeFileSync(lock, JSON.stringify({ ...readJson<object>(lock), host: 'another-machine' }));
    expect(await survivor.exited, survivor.log).toEqual({ code: 0, signal: null });
    expect(survivor.log).toMatch(new RegExp(`resuming from the checkpoint after task ${killedAt}`));
    expect(finished(survivor.log)).toEqual(['split-mnist/class/gr seed 1']);

    // Nothing lost: one result, the same as the uninterrupted run's.
    const [file, ...others] = storeResults(killStore);
    expect(others).toEqual([]);
    const result = readJson<Result>(file);
    expect(result.accuracyMatrix).toEqual(reference.accuracyMatrix);
    expect(result.replay).toEqual(reference.replay);
    const status = dgrRun('sweep', 'status', '--redis', redis.url, '--queue', 'kill');
    expect(status.stdout).toContain('1 runs: 0 waiting, 0 active, 1 done, 0 failed');
  }, 400_000);
  it("resumes first, as it starts, the runs whose worker is gone, and leaves a live worker's run alone", async () => {
    const goneStore = join(work, 'gone-store');
    const submitted = dgrRun('sweep', '--experiment', 'split-mnist', '--arm', 'none', '--seeds', '1-3', ...tinyFlags, '--redis', redis.url, '--queue', 'gone');
    expect(submitted.status, submitted.stderr).toBe(0);
    // Two jobs taken by hand, as a worker takes them: one by a worker that is gone (its lock lapses in a second,
    // and no stalled-job check has seen it), one by a worker alive (its lock holds for the test).
    const connection = { url: redis.url };
    const gone = new Worker('gone', null, { connection, autorun: false, lockDuration: 1000 });
    const alive = new Worker('gone', null, { connection, autorun: false, lockDuration: 300_000 });
    try {
      const abandoned = await gone.getNextJob('gone-token');
      const held = await alive.getNextJob('alive-token');
      expect(abandoned?.data.config.seed).toBe(1);
      expect(held?.data.config.seed).toBe(2);
      await gone.close();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      // The status tells the two apart, and counts the abandoned run as waiting for the ETA.
      const before = dgrRun('sweep', 'status', '--redis', redis.url, '--queue', 'gone');
      expect(before.stdout).toMatch(/active +split-mnist\/class\/none seed 1 +its worker is gone \(lock lapsed\): a worker starting resumes it first\n/);
      expect(before.stdout).toContain('3 runs: 1 waiting, 2 active (1 without a worker), 0 done, 0 failed');
      expect(before.stdout).toMatch(/active +split-mnist\/class\/none seed 2 +starting\n/);

      const worker = startWorker(...workerArgs('gone', goneStore));
      await until('two runs to finish', () => finished(worker.log).length >= 2);
      worker.child.kill('SIGTERM');
      expect(await worker.exited, worker.log).toEqual({ code: 0, signal: null });
      expect(worker.log).toContain("split-mnist/class/none seed 1: its worker is gone (lock lapsed); back at the front of the queue, to resume from its checkpoint");
      // Seed 1 before seed 3, which was waiting first; seed 2, whose worker lives, is not touched.
      expect(started(worker.log)).toEqual([abandoned!.id, expect.stringContaining('seed-3')]);
      expect(finished(worker.log)).toEqual(['split-mnist/class/none seed 1', 'split-mnist/class/none seed 3']);
      const status = dgrRun('sweep', 'status', '--redis', redis.url, '--queue', 'gone');
      expect(status.stdout).toContain('3 runs: 0 waiting, 1 active, 2 done, 0 failed');
      expect(status.stdout).toMatch(/active +split-mnist\/class\/none seed 2/);
    } finally {
      await Promise.all([gone.close(), alive.close()]);
    }
  }, 300_000);
});
