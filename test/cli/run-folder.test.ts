/**
 * Nothing lost, nothing silently wrong, as a careless user meets it at the command line: a second run into a
 * folder that holds a finished run keeps every seed's result; the same run started twice at once is refused,
 * naming the process that has it, and a killed run's stale lock does not stop it resuming; a folder of another
 * config, an output folder that cannot be written, options beside --config that it cannot take, and sizes the
 * engine cannot hold are each refused with a message that names the cause, before any work.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dgr, dgrRun, root } from './helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'dgr-run-folder-cli-'));

/** A small real run: split MNIST class-IL, fine-tuning. */
const experiment = (out: string, ...extra: string[]): string[] => [
  'experiment', 'split-mnist', '--arm', 'none', '--iterations', '20', '--eval-every', '0', '--backend', 'wasm', '--out', out, ...extra,
];
type Result = Record<string, unknown> & { perSeed?: Record<string, unknown>[]; config: Record<string, unknown> };
const readJson = (path: string): Result => JSON.parse(readFileSync(path, 'utf8'));

describe('run folders at the command line', () => {
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const shared = join(work, 'shared');

  it('a second seed run into a folder that holds a finished one keeps both seeds in the result', () => {
    const first = dgrRun(...experiment(shared, '--seed', '1'));
    expect(first.status, first.stderr).toBe(0);
    const alone = readJson(join(shared, 'none', 'result.json'));
    const second = dgrRun(...experiment(shared, '--seed', '2'));
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/seed 1, finished earlier in .*shared\/none, joins the result/);
    const both = readJson(join(shared, 'none', 'result.json'));
    expect(both.seeds).toEqual([1, 2]);
    expect(both.perSeed![0]).toMatchObject({ seed: 1, acc: alone.acc, accuracyMatrix: alone.accuracyMatrix });
    expect(both.config).toMatchObject({ seed: 1, iterations: 20 });
    expect(readFileSync(join(shared, 'none', 'report.md'), 'utf8')).toMatch(/seeds? 1, 2|2 seeds/);
  });

  it('a folder that holds seeds of another config is refused before any work, naming the setting', () => {
    const r = dgrRun(...experiment(shared, '--seed', '3').map((a) => (a === '20' ? '21' : a)));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/shared\/none holds seed 1 of another run \(its config differs in iterations\)/);
    expect(r.stderr).not.toContain('dgr: backend');
    expect(existsSync(join(shared, 'none', 'seed-3'))).toBe(false);
  });

  it('the same run started twice at once: the second is refused naming the first; killed, its stale lock does not stop a resume', async () => {
    const out = join(work, 'twice');
    const args = experiment(out, '--seed', '4').map((a) => (a === '20' ? '300' : a));
    const first = spawn(process.execPath, [dgr, ...args], { cwd: root, stdio: 'ignore' });
    const lock = join(out, 'none', 'seed-4', 'run.lock');
    const checkpoint = join(out, 'none', 'seed-4', 'checkpoint', 'checkpoint.json');
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => existsSync(lock) && (clearInterval(timer), resolve()), 50);
      first.on('exit', () => (clearInterval(timer), reject(new Error('the first run ended before its lock was seen'))));
    });
    const second = dgrRun(...args);
    expect(second.status).toBe(1);
    expect(second.stderr).toContain(`is being written by process ${first.pid} on `);
    // Killed once its first task is checkpointed: its lock stays behind, naming a process that is gone.
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (existsSync(checkpoint)) {
          clearInterval(timer);
          first.on('exit', () => resolve());
          first.kill('SIGKILL');
        }
      }, 50);
    });
    expect(existsSync(lock)).toBe(true);
    const resumed = dgrRun(...args);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resuming from the checkpoint after task [1-4]/);
    expect(existsSync(lock)).toBe(false);
  });

  it('--config takes run settings beside it, and refuses by name the options that would change the experiment', () => {
    const config = join(shared, 'none', 'seed-1', 'config.json');
    const rerun = dgrRun('experiment', '--config', config, '--seed', '7', '--iterations', '10', '--r', '0.3', '--out', join(work, 'rerun'), '--backend', 'wasm');
    expect(rerun.status, rerun.stderr).toBe(0);
    const result = readJson(join(work, 'rerun', 'none', 'result.json'));
    expect(result.seeds).toEqual([7]);
    expect(result.config).toMatchObject({ seed: 7, iterations: 10, importance: { fixed: 0.3 }, experiment: 'split-mnist' });

    const refused = dgrRun('experiment', 'permuted-mnist', '--config', config, '--preset', 'paper', '--scenario', 'task', '--out', join(work, 'refused'));
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/--config .* already fixes the experiment.*: the experiment name 'permuted-mnist' \(the file runs 'split-mnist'\), --preset, --scenario cannot be combined with it/);
    expect(existsSync(join(work, 'refused'))).toBe(false);
  });

  it('an output folder that cannot be created is named with its cause before any work', () => {
    const file = join(work, 'not-a-folder');
    writeFileSync(file, '');
    const r = dgrRun(...experiment(join(file, 'run')));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--out .*not-a-folder\/run: cannot be created: a file stands where a folder is needed .*\(ENOTDIR\)/);
    expect(r.stderr).not.toContain('dgr: backend');
  });

  it('a network the engine cannot hold is an error naming the setting, not "memory access out of bounds"', () => {
    const config = readJson(join(shared, 'none', 'seed-1', 'config.json'));
    const huge = join(work, 'huge.json');
    writeFileSync(huge, JSON.stringify({ ...config, solver: { ...(config.solver as object), hidden: [100000, 3000] } }));
    const r = dgrRun('experiment', '--config', huge, '--out', join(work, 'huge'), '--backend', 'wasm');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/dgr: error: solver \{"kind":"mlp","hidden":\[100000,3000\].* is too large for the engine's memory \(memory access out of bounds\)/);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/choose smaller layers or a smaller batch$/);
  });
});
