/**
 * What goes wrong before a sweep runs says so, names what was wrong, exits non-zero and leaves nothing behind: a
 * malformed spec, a Redis server that is not there (at once, not after endless retries), a store the worker cannot
 * write, and a job whose data no worker can run.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dgrRun, freePort, root, startRedis, startWorker, type RedisServer } from './helpers/processes.ts';

const work = mkdtempSync(join(tmpdir(), 'dgr-sweep-errors-'));
let redis: RedisServer;
let nowhere: string;

// Each test starts several node processes: minutes on a loaded 2-core machine.
describe('sweep errors', { timeout: 300_000 }, () => {
  beforeAll(async () => {
    redis = await startRedis();
    nowhere = `redis://127.0.0.1:${await freePort()}`;
  });
  afterAll(async () => {
    await redis?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('refuses a malformed spec before contacting Redis, naming each bad field', () => {
    const spec = join(work, 'bad.json');
    writeFileSync(spec, JSON.stringify({ runs: [{ kind: 'experiment', experiment: 'split-mnist', arms: ['gr', 'nope'], seeds: '3-1', batchSize: 0 }] }));
    const r = dgrRun('sweep', spec, '--redis', nowhere);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`dgr: error: ${spec}: invalid sweep spec:`);
    expect(r.stderr).toMatch(/\n  runs\.0\.arms\.1: /);
    expect(r.stderr).toMatch(/\n  runs\.0\.seeds: the range '3-1' runs backwards/);
    expect(r.stderr).toMatch(/\n  runs\.0\.batchSize: /);
    expect(r.stderr).not.toContain('Redis');
    const notJson = join(work, 'not.json');
    writeFileSync(notJson, '{ "runs": [');
    expect(dgrRun('sweep', notJson).stderr).toContain(`sweep spec ${notJson}: not valid JSON`);
    expect(dgrRun('sweep', join(work, 'missing.json')).stderr).toContain('missing.json: no such file');
    const both = dgrRun('sweep', spec, '--experiment', 'split-mnist');
    expect(both.status).toBe(1);
    expect(both.stderr).toContain('give a spec file or --experiment, not both');
    // A spec file holds the runs: options that shape runs beside it would be ignored, so they are refused by name.
    const valid = join(work, 'valid.json');
    writeFileSync(valid, JSON.stringify({ runs: [{ kind: 'rl', arms: ['gr'], seeds: 1 }] }));
    const beside = dgrRun('sweep', valid, '--parallel-arms', '--seeds', '3', '--no-parallel', '--redis', nowhere);
    expect(beside.status).toBe(1);
    expect(beside.stderr).toContain('dgr: error: --no-parallel, --parallel-arms, --seeds: not given beside a spec file, which holds the runs');
    expect(beside.stderr).not.toContain('Redis');
    // The command-line form of RL runs: the spec's rules, and no option of the other kind.
    const rl = dgrRun('sweep', '--rl', '--arm', 'gr', 'lwf-gr', '--seeds', '2-1', '--redis', nowhere);
    expect(rl.status).toBe(1);
    expect(rl.stderr).toMatch(/dgr: error: command line: invalid sweep spec:\n  runs\.0\.arms\.1: [^\n]*\n  runs\.0\.seeds: the range '2-1' runs backwards/);
    expect(dgrRun('sweep', '--rl', '--lr', '0.1', '--scenario', 'class').stderr).toContain('dgr: error: --scenario, --lr: not an option of RL runs (--rl)');
    expect(dgrRun('sweep', '--experiment', 'split-mnist', '--frames', '2000').stderr).toContain('dgr: error: --frames: not an option of experiment runs (--experiment)');
  });

  it('fails at once, naming the URL, when Redis is not there', () => {
    // Bounded well below the retries ioredis would go on with by default: a hang fails the test.
    const run = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin', 'dgr.js'), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    const store = join(work, 'never-made');
    for (const args of [
      ['sweep', '--experiment', 'split-mnist', '--seeds', '1', '--redis', nowhere],
      ['sweep', 'status', '--redis', nowhere],
      ['sweep', 'report', '--redis', nowhere],
      ['worker', '--store', store, '--redis', nowhere],
    ]) {
      const r = run(...args);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr).toContain(`dgr: error: cannot reach Redis at ${nowhere}: connect ECONNREFUSED`);
    }
    expect(existsSync(store)).toBe(false);
    // A password in the URL is not shown.
    const secret = run('sweep', 'status', '--redis', nowhere.replace('redis://', 'redis://:hunter2@'));
    expect(secret.stderr).toContain(`cannot reach Redis at ${nowhere.replace('redis://', 'redis://:***@')}: `);
    expect(secret.stderr).not.toContain('hunter2');
    expect(run('sweep', 'status', '--redis', '127.0.0.1:6379').stderr).toContain('--redis 127.0.0.1:6379: not a URL (expected redis://host:port');
  });

  it('refuses a store it cannot write, leaving the queue as it was', async () => {
    const submitted = dgrRun('sweep', '--experiment', 'split-mnist', '--arm', 'none', '--seeds', '1', '--redis', redis.url, '--queue', 'store');
    expect(submitted.status, submitted.stderr).toBe(0);
    const file = join(work, 'a-file');
    writeFileSync(file, '');
    const r = dgrRun('worker', '--store', join(file, 'store'), '--redis', redis.url, '--queue', 'store');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`dgr: error: --store ${join(file, 'store')}: cannot be created: a file stands where a folder is needed on the way there: ${file} (ENOTDIR)`);
    const queue = new Queue('store', { connection: { url: redis.url } });
    try {
      expect(await queue.getJobCounts()).toMatchObject({ waiting: 1, active: 0, completed: 0, failed: 0 });
    } finally {
      await queue.close();
    }
  });

  it('shows why a run failed, and queues it again when its spec is submitted again', async () => {
    const args = ['--experiment', 'mnist-svhn', '--arm', 'none', '--seeds', '1', '--svhn-dir', join(work, 'no-svhn'), '--redis', redis.url, '--queue', 'fails'];
    expect(dgrRun('sweep', ...args).stdout).toContain('1 queued, 0 failed runs queued again, 0 already queued or done');
    const worker = startWorker('--store', join(work, 'store'), '--redis', redis.url, '--queue', 'fails', '--exit-when-done', '--concurrency', '1');
    expect(await worker.exited, worker.log).toEqual({ code: 0, signal: null });
    expect(worker.log).toMatch(/mnist-svhn\/mnist-svhn\/none seed 1: failed: --svhn-dir .*no-svhn: missing .*train_32x32\.mat/);
    const status = dgrRun('sweep', 'status', '--redis', redis.url, '--queue', 'fails');
    expect(status.stdout).toContain('1 runs: 0 waiting, 0 active, 0 done, 1 failed');
    expect(status.stdout).toMatch(/failed +mnist-svhn\/mnist-svhn\/none seed 1 +error: --svhn-dir .*no-svhn: missing/);
    expect(dgrRun('sweep', ...args).stdout).toContain('1 runs in the sweep: 0 queued, 1 failed runs queued again, 0 already queued or done');
    expect(dgrRun('sweep', 'status', '--redis', redis.url, '--queue', 'fails').stdout).toContain('1 runs: 1 waiting, 0 active, 0 done, 0 failed');
  });

  it('fails a job whose data no worker can run, and status shows why', async () => {
    const queue = new Queue('junk', { connection: { url: redis.url } });
    try {
      await queue.add('bench', { kind: 'bench', game: 'catch' }, { jobId: 'not-a-run' });
      await queue.add('rl', { kind: 'rl', game: 'catch' }, { jobId: 'bad-rl' });
      await queue.add('experiment', { kind: 'experiment', config: { experiment: 'split-mnist', seed: 'one' } }, { jobId: 'bad-config' });
    } finally {
      await queue.close();
    }
    const worker = startWorker('--store', join(work, 'store'), '--redis', redis.url, '--queue', 'junk', '--exit-when-done', '--concurrency', '1');
    expect(await worker.exited, worker.log).toEqual({ code: 0, signal: null });
    const status = dgrRun('sweep', 'status', '--redis', redis.url, '--queue', 'junk');
    expect(status.stdout).toContain('3 runs: 0 waiting, 0 active, 0 done, 3 failed');
    expect(status.stdout).toMatch(/failed +not-a-run +error: job data: kind is "bench"; this worker runs experiment, rl/);
    expect(status.stdout).toMatch(/failed +bad-rl +error: job data of kind rl:\n {8}config: .*\n {8}.*game/);
    expect(status.stdout).toMatch(/failed +bad-config +error: job data of kind experiment:\n( {8}config\.\w+: .*\n)* {8}config\.seed: .*expected number/);
  });
});
