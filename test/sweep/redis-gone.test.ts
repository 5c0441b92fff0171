/**
 * Issue 29: a `dgr worker` whose Redis has gone away still stops on one SIGTERM. Real processes: a redis-server of
 * this file's own that the test kills, `dgr worker` against it, and a tiny split-MNIST run (5 iterations a task).
 * Idle, the worker has nothing to hand back and leaves at once; with a run under way it lets the run checkpoint into
 * the store, says the queue could not be told, and leaves (that a worker resumes such a checkpoint, sweep.test.ts
 * shows).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dgrRun, startRedis, startWorker, until, type RedisServer, type WorkerProcess } from './helpers/processes.ts';
import { readJson, storeResults } from './helpers/store.ts';

const work = mkdtempSync(join(tmpdir(), 'dgr-redis-gone-'));
const tinyFlags = ['--iterations', '5', '--generator-iterations', '5', '--eval-every', '0', '--no-parallel'];
const servers: RedisServer[] = [];

async function redisServer(): Promise<RedisServer> {
  const server = await startRedis();
  servers.push(server);
  return server;
}

const workerArgs = (redis: RedisServer, store: string): string[] => [
  '--redis', redis.url, '--queue', 'gone', '--store', store, '--concurrency', '1', '--backend', 'wasm', '--lock-seconds', '3',
];

/** The worker's exit, or null when it is still running `seconds` after the SIGTERM (then it is killed). A worker
 * that ignores the stop would otherwise hold the test until vitest's own limit, saying nothing of why. */
async function exitAfterSigterm(worker: WorkerProcess, seconds: number): Promise<{ code: number | null; signal: NodeJS.Signals | null } | null> {
  worker.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const exit = await Promise.race([worker.exited, new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), seconds * 1000)))]);
  clearTimeout(timer);
  if (exit === null) {
    worker.child.kill('SIGKILL');
    await worker.exited;
  }
  return exit;
}

/** The task the run's checkpoint would resume after (0 before its first checkpoint). */
function checkpointTask(store: string): number {
  const base = join(store, 'split-mnist', 'class-gr');
  const [folder] = existsSync(base) ? readdirSync(base) : [];
  const path = folder && join(base, folder, 'seed-1', 'checkpoint', 'checkpoint.json');
  return path && existsSync(path) ? readJson<{ progress: { nextTask: number } }>(path).progress.nextTask : 0;
}

describe('dgr worker whose Redis has gone away', () => {
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop().catch(() => {})));
    rmSync(work, { recursive: true, force: true });
  });

  it('exits on one SIGTERM when idle, saying Redis does not answer', async () => {
    const redis = await redisServer();
    const worker = startWorker(...workerArgs(redis, join(work, 'idle-store')));
    await until('the worker to start', () => worker.log.includes('dgr worker ') || worker.child.exitCode !== null, 120);
    expect(worker.log).toContain(`queue gone at ${redis.url}`);
    await redis.stop();
    // The worker has noticed: BullMQ's reconnects fail and are logged.
    await until('the worker to notice Redis is gone', () => /worker: .*(ECONNREFUSED|Connection is closed)/.test(worker.log), 120);

    const exit = await exitAfterSigterm(worker, 60);
    expect(exit, `still running 60 s after SIGTERM:\n${worker.log}`).toEqual({ code: 0, signal: null });
    expect(worker.log).toContain('SIGTERM: no run under way here: leaving the queue');
    expect(worker.log).toContain(`worker: Redis at ${redis.url} does not answer: exiting without it (no run is left under way here)`);
    expect(worker.log).not.toContain('SIGTERM again: exiting now');
  }, 300_000);

  it('with a run under way: the run checkpoints into the store, the worker says the queue could not be told and exits', async () => {
    const store = join(work, 'store');
    const redis = await redisServer();
    const submitted = dgrRun('sweep', '--experiment', 'split-mnist', '--arm', 'gr', '--seeds', '1', ...tinyFlags, '--redis', redis.url, '--queue', 'gone');
    expect(submitted.status, submitted.stderr).toBe(0);
    const worker = startWorker(...workerArgs(redis, store));
    await until('the first task checkpoint', () => checkpointTask(store) >= 1 || worker.child.exitCode !== null, 600);
    await redis.stop();
    const lostAt = checkpointTask(store);

    const exit = await exitAfterSigterm(worker, 240);
    expect(exit, `still running 240 s after SIGTERM:\n${worker.log}`).toEqual({ code: 0, signal: null });
    const stoppedAt = checkpointTask(store);
    expect(lostAt).toBeGreaterThanOrEqual(1);
    expect(stoppedAt).toBeGreaterThanOrEqual(lostAt);
    expect(stoppedAt).toBeLessThan(5);
    const [folder] = readdirSync(join(store, 'split-mnist', 'class-gr'));
    const runFolder = join(store, 'split-mnist', 'class-gr', folder);
    expect(worker.log).toContain(
      `split-mnist/class/gr seed 1: stopped with its checkpoint in ${runFolder}, but the queue could not be told (Redis at ${redis.url} does not answer)`,
    );
    expect(storeResults(store)).toEqual([]);
    // Its folder lock went with it: the next worker does not wait for a lock nobody holds.
    expect(existsSync(join(runFolder, 'seed-1', 'run.lock'))).toBe(false);
  }, 1_200_000);
});
