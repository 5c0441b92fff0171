/** `dgr rl` as a user runs it: its files, and clear errors for bad schedules and options (nothing written). */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AGENT_ARMS } from '../../agent/config.ts';
import { episodeSeed, scholarEpisodes } from '../../agent/episodes.ts';
import { rlResultSchema } from '../../agent/report/result-file.ts';
import { useBackend } from '../../core/engine/backend.ts';
import { makeEnv } from '../../env/single.ts';
import { cellMismatches, readGif } from '../env/gif-reader.ts';

const root = join(import.meta.dirname, '..', '..');
const dgr = join(root, 'bin', 'dgr.js');
const work = mkdtempSync(join(tmpdir(), 'dgr-rl-cli-'));

function rl(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [dgr, 'rl', ...args], { cwd: root, encoding: 'utf8', timeout: 600_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('dgr rl', () => {
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('--list names every arm, schedule and preset, each kind in one column however long its names', () => {
    const r = rl('--list');
    expect(r.status, r.stderr).toBe(0);
    for (const kind of ['preset', 'schedule', 'arm']) {
      const rows = r.stdout.split('\n').filter((line) => line.startsWith(`${kind} `));
      // The text after each name starts at the same column: two spaces after the longest name.
      const starts = rows.map((line) => /^\S+ \S+ +/.exec(line)?.[0].length);
      expect(new Set(starts).size, kind).toBe(1);
    }
    for (const arm of AGENT_ARMS) expect(r.stdout).toContain(`arm ${arm} `);
  });

  it('writes config, per-arm results with retention, curves, plots, dreams, episode GIFs and a report', async () => {
    const out = join(work, 'run');
    const r = rl('--frames', '1600', '--iterations', '20', '--generator-iterations', '20', '--arm', 'gr', 'none', '--backend', 'wasm', '--out', out);
    expect(r.stderr).toContain('dgr: backend wasm');
    expect(r.status, r.stderr).toBe(0);
    for (const file of ['config.json', 'curves.csv', 'report.md', 'gr/result.json', 'gr/curves.png', 'gr/r-matrix.png', 'gr/dreams-game1.png', 'none/result.json']) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    const result = rlResultSchema.parse(JSON.parse(readFileSync(join(out, 'gr', 'result.json'), 'utf8')));
    expect(result.games).toEqual(['freeway/slow', 'breakout']);
    expect(Object.keys(result.retention)).toEqual(['freeway/slow']);
    expect(result.R).toHaveLength(3);
    expect(result.config.arms).toEqual(['gr']);
    expect(result.config.generator.keep).toBe('valid');
    // Every evaluation of the scholar is a dot on its curve, the one after the last game too (at the right edge).
    const dots = [...readFileSync(join(out, 'gr', 'curves.svg'), 'utf8').matchAll(/<circle class="evaluation" data-game="(\d)" cx="([\d.]+)"/g)];
    expect(dots).toHaveLength(result.R.length * result.games.length);
    const right = Math.max(...dots.map((d) => Number(d[2])));
    expect(dots.filter((d) => Number(d[2]) === right).map((d) => Number(d[1]))).toEqual([0, 1]);
    expect(r.stderr).toMatch(/game 1\/2 freeway\/slow · learn · \d+\/1600 frames · \d+ frames\/s/);
    expect(r.stdout).toMatch(/gr +ACC -?\d+\.\d %  retention: freeway/);
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toContain('MinAtar DQN at 1M frames');
    // Retention over seeds, both ratios against both references, the evaluations' error and each seed as a dot.
    expect(report).toContain('| arm | game | n (of scholar) | of scholar: mean of per-seed ratios [95 % CI] | of scholar: ratio of mean scores |');
    expect(report).toMatch(/Largest standard error of one greedy evaluation \(its mean over its episodes, normalised units\): \d\.\d{4}\./);
    expect(report).toContain('![retention per seed](retention-dots.png)');
    expect(existsSync(join(out, 'retention-dots.png'))).toBe(true);
    expect(result.perSeed[0].RSe).toHaveLength(3);
    // The actions game 2's consolidation kept of Q_1's, on freeway's real frames and on gr's dreams of it, read
    // back from the file and shown for both arms (none replays nothing: real frames only).
    const kept = result.perSeed[0].actionsKept;
    expect(kept?.[0]).toBeNull();
    expect(kept?.[1]?.real).toHaveLength(1);
    expect(kept?.[1]?.dreams).toHaveLength(1);
    const pct = (x: number | null | undefined): string => `${(100 * (x as number)).toFixed(1)} %`;
    const none = rlResultSchema.parse(JSON.parse(readFileSync(join(out, 'none', 'result.json'), 'utf8'))).perSeed[0].actionsKept?.[1];
    expect(report).toContain(`| 1 | breakout | freeway/slow | ${pct(kept?.[1]?.real[0])} / ${kept?.[1]?.dreams?.[0] == null ? '–' : pct(kept[1].dreams[0])} | ${pct(none?.real[0])} |`);
    // Each arm's final scholar plays the earlier game (freeway) in a GIF the report shows; both play the same
    // episode, which starts from the game's own first frame of that seed.
    await useBackend('wasm');
    const episodes = scholarEpisodes(join(out, 'seed-1', 'checkpoint'));
    expect(episodes.map((e) => `${e.arm} ${e.game}`)).toEqual(['gr 0', 'none 0']);
    const start = makeEnv(result.config.schedule.tasks[0].task).reset(episodeSeed(result.config, 0)).observation;
    for (const e of episodes) {
      expect(report).toContain(`![${e.arm} playing freeway/slow](${e.arm}/episode-game1.gif)<br>score ${e.score}`);
      const gif = readGif(new Uint8Array(readFileSync(join(out, e.arm, 'episode-game1.gif'))));
      expect(gif.images).toHaveLength(e.frames.length);
      expect(cellMismatches(gif, 0, start)).toEqual([]);
      for (const i of [1, e.frames.length >> 1, e.frames.length - 1]) expect(cellMismatches(gif, i, e.frames[i].observation)).toEqual([]);
    }
  }, 600_000);

  it('adds a second seed run into the same folder to its result, and refuses a folder of another run', () => {
    const out = join(work, 'run');
    const r = rl('--frames', '1600', '--iterations', '20', '--generator-iterations', '20', '--arm', 'gr', 'none', '--backend', 'wasm', '--seed', '2', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('seed 1, finished earlier in');
    const result = rlResultSchema.parse(JSON.parse(readFileSync(join(out, 'gr', 'result.json'), 'utf8')));
    expect(result.seeds).toEqual([1, 2]);
    expect(result.RSem).not.toBeNull();
    const other = rl('--frames', '2000', '--arm', 'gr', 'none', '--out', out);
    expect(other.status).toBe(1);
    expect(other.stderr).toMatch(/holds seed 1 of another run \(its config differs in schedule, scholar, generator\)/);
  }, 600_000);

  it('dgr merge aggregates RL seeds run apart, and refuses a seed twice or a file that contradicts itself', () => {
    const apart = join(work, 'seed3');
    const r = rl('--frames', '1600', '--iterations', '20', '--generator-iterations', '20', '--arm', 'gr', 'none', '--backend', 'wasm', '--seed', '3', '--out', apart);
    expect(r.status, r.stderr).toBe(0);
    const merged = join(work, 'merged.json');
    const merge = (...args: string[]) => spawnSync(process.execPath, [dgr, 'merge', ...args], { cwd: root, encoding: 'utf8' });
    const m = merge(join(work, 'run', 'gr'), join(apart, 'gr'), '--out', merged);
    expect(m.status, m.stderr).toBe(0);
    const result = rlResultSchema.parse(JSON.parse(readFileSync(merged, 'utf8')));
    expect(result.seeds).toEqual([1, 2, 3]);
    // The merged seeds' retention: n of the 3 seeds with a ratio, mean [95 % CI] (only a mean with fewer than 2).
    expect(m.stdout).toMatch(/\| gr \| freeway\/slow \| \d of 3 \| (–|-?\d+\.\d( \[-?\d+\.\d, -?\d+\.\d\])? %) \|/);
    const cell = (file: string) => rlResultSchema.parse(JSON.parse(readFileSync(file, 'utf8'))).perSeed.map((p) => p.R[2][0]);
    const all = [...cell(join(work, 'run', 'gr', 'result.json')), ...cell(join(apart, 'gr', 'result.json'))];
    expect(result.R[2][0]).toBeCloseTo(all.reduce((a, b) => a + b, 0) / 3, 12);
    expect(merge(join(work, 'run', 'gr'), join(work, 'run', 'gr'), '--out', join(work, 'twice.json')).stderr).toMatch(/seed 1 is also in/);
    const edited = JSON.parse(readFileSync(join(apart, 'gr', 'result.json'), 'utf8'));
    edited.R[2][0] += 0.5;
    writeFileSync(join(work, 'edited.json'), JSON.stringify(edited));
    expect(merge(join(work, 'run', 'gr'), join(work, 'edited.json'), '--out', join(work, 'bad.json')).stderr).toMatch(/does not follow from its own per-seed numbers/);
    expect(merge(join(work, 'run', 'gr'), join(work, 'run', 'none'), '--out', join(work, 'mixed.json')).stderr).toMatch(/differs from .* in arms/);
  }, 600_000);

  it('--learner-cache: a second run loads the learners the first saved, and its report says so', () => {
    const cache = join(work, 'learners');
    const tiny = ['--frames', '1600', '--iterations', '20', '--generator-iterations', '20', '--arm', 'none', '--backend', 'wasm', '--learner-cache', cache];
    const first = rl(...tiny, '--out', join(work, 'cached-1'));
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/· learn · \d+\/1600 frames/);
    // A regulariser's strength is the scholar's, not the learners': the learners still load (none never reads it).
    const second = rl(...tiny, '--iterations', '10', '--si-c', '2.5', '--out', join(work, 'cached-2'));
    expect(second.status, second.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(work, 'cached-2', 'config.json'), 'utf8')).si).toEqual({ c: 2.5, epsilon: 0.1 });
    expect(second.stderr).not.toMatch(/· learn ·/);
    expect(readFileSync(join(work, 'cached-2', 'report.md'), 'utf8')).toContain('Learners loaded from a learner cache (`--learner-cache`), their time being that of the run that trained them: seed 1: freeway/slow, breakout.');
    const file = join(work, 'not-a-folder');
    writeFileSync(file, '');
    const refused = rl(...tiny, '--learner-cache', join(file, 'learners'), '--out', join(work, 'never-cached'));
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/--learner-cache .*not-a-folder\/learners: cannot be created/);
    expect(existsSync(join(work, 'never-cached'))).toBe(false);
  }, 600_000);

  it('names the field of a bad schedule file and writes nothing', () => {
    const file = join(work, 'bad-schedule.json');
    writeFileSync(file, JSON.stringify({ tasks: [{ task: 'breakout', steps: 0 }, { task: 'pong', steps: 10 }] }));
    const out = join(work, 'never');
    const r = rl('--schedule', file, '--out', out);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/schedule\.tasks\[0\]\.steps/);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses an unknown schedule name, too few frames and --config beside shaping options', () => {
    expect(rl('--schedule', 'five-games').stderr).toMatch(/--schedule: 'five-games' is neither a schedule name \(three-games, three-games-from-freeway, three-games-from-space-invaders, two-games/);
    expect(rl('--frames', '10').stderr).toMatch(/--frames must be an integer in \[1000/);
    const config = join(work, 'config.json');
    writeFileSync(config, '{}');
    expect(rl('--config', config, '--arm', 'gr').stderr).toMatch(/--config holds the whole run; drop --arm/);
    expect(rl('--config', config, '--ewc-lambda', '10').stderr).toMatch(/--config holds the whole run; drop --ewc-lambda/);
    expect(rl('--ewc-lambda', '-1').stderr).toMatch(/--ewc-lambda must be a number in \[0, /);
    expect(rl('--config', config).stderr).toMatch(/invalid RL config:\n +experiment: /);
    expect(rl('--arm', 'lwf-gr').stderr).toMatch(/option '--arm <arms\.\.\.>' argument 'lwf-gr' is invalid/);
    expect(rl('--dreams', 'some').stderr).toMatch(/option '--dreams <keep>' argument 'some' is invalid\. Allowed choices are valid, exact, all/);
  });
});
