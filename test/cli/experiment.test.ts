/**
 * `dgr experiment` as a user runs it: a real process on real MNIST, killed mid-run and started again with the
 * same --out, ends with the same result files as a run that was never interrupted.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MI, MX } from '../../core/data/mat.ts';
import { writeMat } from '../data/helpers/mat-writer.ts';

const root = join(import.meta.dirname, '..', '..');
const dgr = join(root, 'bin', 'dgr.js');
const work = mkdtempSync(join(tmpdir(), 'dgr-cli-'));
const args = (out: string): string[] => [
  dgr, 'experiment', 'split-mnist', '--preset', 'quick', '--arm', 'gr', '--scenario', 'class',
  '--iterations', '30', '--generator-iterations', '30', '--eval-every', '15', '--backend', 'wasm', '--out', out,
];

function run(out: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, args(out), { cwd: root, encoding: 'utf8', timeout: 600_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const readJson = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, 'utf8'));

describe('dgr experiment', () => {
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('writes config, result, curves, plots and report, and says which backend it used', () => {
    const out = join(work, 'whole');
    const r = run(out);
    expect(r.stderr).toContain('dgr: backend wasm');
    expect(r.status).toBe(0);
    const dir = join(out, 'gr');
    for (const file of ['config.json', 'result.json', 'curves.csv', 'report.md']) expect(existsSync(join(dir, file))).toBe(true);
    const result = readJson(join(dir, 'result.json'));
    for (const key of ['experiment', 'arm', 'scenario', 'seed', 'backend', 'accuracyMatrix', 'acc', 'bwt', 'fwt', 'forgetting', 'seconds']) {
      expect(result).toHaveProperty(key);
    }
    expect(result.experiment).toBe('split-mnist');
    expect(result.scenario).toBe('class');
    expect(result.backend).toBe('wasm');
    expect((result.accuracyMatrix as number[][]).length).toBe(6);
    // Not a terminal: progress degrades to plain lines.
    expect(r.stderr).toMatch(/split-mnist\/gr: task 1\/5 it \d+\/30/);
    expect(r.stderr).toMatch(/after task 5, test accuracy per task/);
    // What each scholar would replay: in the lines, in result.json and in report.md.
    expect(r.stderr).toMatch(/replay after task 2: solver's labels of 1000 generated samples \(% per class\) (\d:\d+ ?)+; confidence 0\.\d{3}/);
    const replay = result.replay as { samples: number; labelShare: number[]; confidence: number }[];
    expect(replay).toHaveLength(5);
    for (const [t, audit] of replay.entries()) {
      expect(audit.samples).toBe(1000);
      expect(audit.labelShare.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      expect(audit.labelShare.slice(2 * (t + 1)).every((share) => share === 0)).toBe(true);
    }
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain('## What the generator replays');
  });

  it('keeps reporting progress while the generator trains before the solver (no worker)', () => {
    const out = join(work, 'sequential');
    const r = spawnSync(
      process.execPath,
      [dgr, 'experiment', 'split-mnist', '--preset', 'quick', '--arm', 'gr', '--iterations', '20', '--generator-iterations', '60',
        '--eval-every', '0', '--no-parallel', '--backend', 'wasm', '--out', out],
      { cwd: root, encoding: 'utf8', timeout: 600_000 },
    );
    expect(r.status).toBe(0);
    // Without a worker the generator trains first: its iterations move the lines (every 10 % of a task's work)
    // while the solver has not started and has no loss yet, then the solver's do.
    for (const task of [1, 5]) {
      for (const gen of [50, 60]) expect(r.stderr).toMatch(new RegExp(`task ${task}/5 it 0/20 loss - gen \\S+@${gen} `));
      expect(r.stderr).toMatch(new RegExp(`task ${task}/5 it 20/20 loss \\d\\S* gen \\S+@60 `));
    }
    expect(r.stderr).not.toContain('NaN');
  });

  it('resumes a killed run from its last checkpoint and ends with the same accuracy matrix', async () => {
    const whole = readJson(join(work, 'whole', 'gr', 'result.json'));
    const out = join(work, 'killed');
    const checkpoint = join(out, 'gr', 'seed-1', 'checkpoint', 'checkpoint.json');
    const child = spawn(process.execPath, args(out), { cwd: root, stdio: 'ignore' });
    // Kill it once task 2's checkpoint is on disk.
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (existsSync(checkpoint) && (readJson(checkpoint).progress as { nextTask: number }).nextTask >= 2) {
          clearInterval(timer);
          child.kill('SIGKILL');
          resolve();
        }
      }, 100);
      child.on('exit', () => {
        clearInterval(timer);
        reject(new Error('the run ended before it could be killed'));
      });
    });
    expect(existsSync(join(out, 'gr', 'result.json'))).toBe(false);
    const r = run(out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/resuming from the checkpoint after task [2-4]/);
    const resumed = readJson(join(out, 'gr', 'result.json'));
    expect(resumed.accuracyMatrix).toEqual(whole.accuracyMatrix);
    expect(resumed.acc).toBe(whole.acc);
    expect(resumed.replay).toEqual(whole.replay);
    // The sample grids of the tasks before the kill come from the checkpoint.
    for (let task = 1; task <= 5; task++) expect(existsSync(join(out, 'gr', `samples-task${task}.png`))).toBe(true);
  });

  it('rejects bad options with a message naming the option', () => {
    const bad = spawnSync(process.execPath, [dgr, 'experiment', 'split-mnist', '--r', '1.5'], { cwd: root, encoding: 'utf8' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain("--r must be in [0, 1] or 'tasks-so-far', got '1.5'");
    const unknown = spawnSync(process.execPath, [dgr, 'experiment', 'nope'], { cwd: root, encoding: 'utf8' });
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("unknown experiment 'nope'");
    // A saved config with bad fields: every field is named, not just the first line of the message.
    const config = join(work, 'bad-config.json');
    writeFileSync(config, JSON.stringify({ experiment: 'split-mnist', seed: 'one', batchSize: -3 }));
    const badConfig = spawnSync(process.execPath, [dgr, 'experiment', '--config', config], { cwd: root, encoding: 'utf8' });
    expect(badConfig.status).toBe(1);
    expect(badConfig.stderr).toContain(`${config}: invalid run config:`);
    expect(badConfig.stderr).toMatch(/\n  seed: .*expected number/);
    expect(badConfig.stderr).toMatch(/\n  batchSize: .*>0/);
  });

  it('runs mnist-svhn from the user\'s SVHN folder, and names --svhn-dir before any work when the files are missing', () => {
    const svhn = join(work, 'svhn');
    const out = join(work, 'svhn-run');
    const svhnArgs = (dir: string): string[] => [
      dgr, 'experiment', 'mnist-svhn', '--arm', 'none', '--iterations', '10', '--eval-every', '0',
      '--backend', 'wasm', '--svhn-dir', dir, '--out', out,
    ];
    const missing = spawnSync(process.execPath, svhnArgs(join(work, 'no-svhn-here')), { cwd: root, encoding: 'utf8' });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/--svhn-dir .*no-svhn-here: missing .*train_32x32\.mat and .*test_32x32\.mat/);
    expect(missing.stderr).not.toContain('dgr: backend');
    expect(existsSync(out)).toBe(false);

    // A small SVHN in the MAT-file layout (X 32×32×3×N column-major, y 1-10 with 10 for the digit 0).
    const n = 40;
    const file = writeMat([
      { name: 'X', classId: MX.UINT8, dims: [32, 32, 3, n], storage: MI.UINT8, values: new Uint8Array(3072 * n).map((_, i) => (i * 7) % 256) },
      { name: 'y', classId: MX.DOUBLE, dims: [n, 1], storage: MI.DOUBLE, values: Array.from({ length: n }, (_, i) => (i % 10) + 1) },
    ]);
    mkdirSync(svhn);
    writeFileSync(join(svhn, 'train_32x32.mat'), file);
    writeFileSync(join(svhn, 'test_32x32.mat'), file);
    const r = spawnSync(process.execPath, svhnArgs(svhn), { cwd: root, encoding: 'utf8', timeout: 600_000 });
    expect(r.status).toBe(0);
    const result = readJson(join(out, 'none', 'result.json'));
    expect(result.experiment).toBe('mnist-svhn');
    expect(result.taskNames).toEqual(['mnist', 'svhn']);
    expect((result.accuracyMatrix as number[][]).length).toBe(3);
  });
});
