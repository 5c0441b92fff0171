/**
 * Issue 29's hostile cases that are refused as the command line is read, before any work: an empty seed, an arm
 * named twice, a frame count past the bound, an output path that cannot be made (no silent spin in a recursive
 * mkdir), a recording's path that is a folder, and a truncated recording whose error names the file.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dgr, root } from './helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'dgr-refusals-'));

/** `dgr ...` with a time limit: every case here ends before any work (a spinning mkdir would be killed). */
function quick(...args: string[]): { status: number | null; stderr: string; stdout: string } {
  const r = spawnSync(process.execPath, [dgr, ...args], { cwd: root, encoding: 'utf8', timeout: 300_000 });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

describe('refused as the command line is read', () => {
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('an empty --seed is an error, not seed 0', () => {
    for (const args of [['rl', '--seed', ''], ['experiment', 'split-mnist', '--seed', ''], ['env', 'record', '--task', 'breakout', '--seed=', '--out', join(work, 'e.json')]]) {
      const r = quick(...args, '--out', join(work, 'never'));
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/--seed must be an integer in \[0, \d+\], got ''/);
    }
    expect(existsSync(join(work, 'never'))).toBe(false);
    expect(existsSync(join(work, 'e.json'))).toBe(false);
  }, 900_000);

  it('an arm named twice is refused naming it, for dgr rl, experiment, serve and sweep', () => {
    for (const args of [['rl'], ['experiment', 'split-mnist'], ['serve', '--port', '0'], ['sweep', '--rl', '--seeds', '1']]) {
      const r = quick(...args, '--arm', 'gr', 'none', 'none', '--out', join(work, 'never'));
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr).toContain('--arm none is given twice; name each once');
    }
    expect(existsSync(join(work, 'never'))).toBe(false);
  }, 900_000);

  it('--frames past the bound is refused unless --allow-many-frames says it is meant', () => {
    for (const args of [['rl'], ['serve', '--port', '0']]) {
      const r = quick(...args, '--frames', '1e12', '--out', join(work, 'never'));
      expect(r.status, args[0]).toBe(1);
      expect(r.stderr).toContain('--frames 1000000000000: more than 10,000,000 frames a game is taken for a typo; give --allow-many-frames');
    }
    const sweep = quick('sweep', '--rl', '--seeds', '1', '--frames', '20000000', '--redis', 'redis://127.0.0.1:1');
    expect(sweep.stderr).toMatch(/runs\.0\.frames: more than 10000000 frames a game/);
    // Allowed, the run goes on to its next check: here, a folder of another kind (written below by hand).
    const folder = join(work, 'allowed');
    mkdirSync(join(folder, 'none'), { recursive: true });
    writeFileSync(join(folder, 'none', 'config.json'), JSON.stringify({ experiment: 'split-mnist', arm: 'none', seed: 1 }));
    const allowed = quick('rl', '--frames', '20000000', '--allow-many-frames', '--out', folder);
    expect(allowed.stderr).not.toContain('taken for a typo');
    expect(existsSync(join(folder, 'seed-1'))).toBe(false);
  }, 900_000);

  it('an --out whose folder cannot be made is named with the reason at once (no endless mkdir), for rl, experiment and env record', () => {
    for (const args of [['rl', '--out', '/proc/dgr-x'], ['experiment', 'split-mnist', '--out', '/proc/dgr-x/run'], ['env', 'record', '--task', 'breakout', '--out', '/proc/dgr-x/ep.json']]) {
      const r = quick(...args);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/--out \/proc\/dgr-x.*: cannot be created: \/proc takes no new folders \(ENOENT\)/);
      expect(r.stderr).not.toContain('dgr: backend');
    }
    const file = join(work, 'a-file');
    writeFileSync(file, '');
    const through = quick('env', 'record', '--task', 'breakout', '--out', join(file, 'ep.json'));
    expect(through.stderr).toContain(`a file stands where a folder is needed on the way there: ${file} (ENOTDIR)`);
  }, 900_000);

  it('dgr env record into a folder says to name a file; a truncated recording\'s error names the file', () => {
    const r = quick('env', 'record', '--task', 'breakout', '--out', work);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`--out ${work} is a folder: give the file's name`);
    const whole = join(work, 'ep.json');
    expect(quick('env', 'record', '--task', 'breakout', '--out', whole).status).toBe(0);
    const cut = join(work, 'cut.json');
    writeFileSync(cut, readFileSync(whole, 'utf8').slice(0, 300));
    const replay = quick('env', 'replay', cut);
    expect(replay.status).toBe(1);
    expect(replay.stderr).toContain(`recording '${cut}' is not valid JSON (truncated or not a recording?)`);
  }, 900_000);
});
