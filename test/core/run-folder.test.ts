/**
 * A run's folder: one process at a time (a lock naming its pid, taken over when that process is gone), and
 * checked writable before any work with the real cause named — a read-only disk is not "no such file".
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const failWith = vi.hoisted(() => ({ code: null as string | null }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    // Stands in for a disk this machine cannot make read-only in a test: the error the kernel would give.
    openSync: (...args: Parameters<typeof fs.openSync>) => {
      if (failWith.code) throw Object.assign(new Error(`${failWith.code}: simulated`), { code: failWith.code });
      return fs.openSync(...args);
    },
  };
});
const { ensureWritableDir, lockHolder, lockRunFolder } = await import('../../core/run-folder.ts');

const work = mkdtempSync(join(tmpdir(), 'dgr-run-folder-'));

describe('run folders', () => {
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('a second lock on a held folder is refused, naming the process that holds it; released, it can be taken', () => {
    const dir = join(work, 'held');
    const release = lockRunFolder(dir, 'the run folder');
    expect(JSON.parse(readFileSync(join(dir, 'run.lock'), 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    expect(() => lockRunFolder(dir, 'the run folder')).toThrow(new RegExp(`the run folder .*held is being written by process ${process.pid} on `));
    release();
    expect(existsSync(join(dir, 'run.lock'))).toBe(false);
    lockRunFolder(dir, 'the run folder')();
  });

  it('a lock left by a process that is gone is stale and taken over', () => {
    const dir = join(work, 'stale');
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const pid = Number(gone.stdout);
    lockRunFolder(dir, 'the run folder');
    writeFileSync(join(dir, 'run.lock'), JSON.stringify({ pid, host: hostname(), started: '2026-01-01T00:00:00.000Z' }));
    expect(lockHolder(dir)).toBeNull();
    const release = lockRunFolder(dir, 'the run folder');
    expect(JSON.parse(readFileSync(join(dir, 'run.lock'), 'utf8')).pid).toBe(process.pid);
    release();
  });

  it('a lock whose process was killed but not yet collected by its parent (a zombie) is stale too', async () => {
    const dir = join(work, 'zombie');
    // The child exits 0.1 s in, after its parent shell has become `sleep` (exec), which never collects it: a
    // zombie until the parent ends. (A child that exits at once may be collected by the shell before the exec.)
    const parent = spawn('sh', ['-c', 'sleep 0.1 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const pid = Number(await new Promise<string>((resolve) => parent.stdout.once('data', (d) => resolve(String(d)))));
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(readFileSync(`/proc/${pid}/stat`, 'utf8')).toMatch(/\) Z /);
    lockRunFolder(dir, 'the run folder');
    writeFileSync(join(dir, 'run.lock'), JSON.stringify({ pid, host: hostname(), started: '2026-01-01T00:00:00.000Z' }));
    expect(lockHolder(dir)).toBeNull();
    parent.kill();
  });

  it('an output folder that cannot be written names the real cause', () => {
    expect(() => ensureWritableDir(join(work, 'fine', 'deeper'), '--out')).not.toThrow();
    const file = join(work, 'a-file');
    writeFileSync(file, '');
    expect(() => ensureWritableDir(join(file, 'run'), '--out')).toThrow(/--out .*a-file\/run: cannot be created: a file stands where a folder is needed .*\(ENOTDIR\)/);
    for (const [code, cause] of [
      ['EROFS', 'the file system is read-only (EROFS)'],
      ['EACCES', 'permission denied (EACCES)'],
    ]) {
      failWith.code = code;
      try {
        expect(() => ensureWritableDir(join(work, 'fine'), '--out')).toThrow(`--out ${join(work, 'fine')}: not writable: ${cause}`);
      } finally {
        failWith.code = null;
      }
    }
  });
});
