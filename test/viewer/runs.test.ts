/**
 * The runs page in a real browser (Debian's chromium through playwright-core) on a folder of small real runs
 * made here by `dgr rl`: one finished with two arms and two seeds, one stopped after its first phase, and one
 * started while the page is open (it must appear, running, with its progress). The plotted curves, the ACC
 * table and the R matrices are checked against the runs' own files (curves.csv, <arm>/result.json).
 * DGR_RUNS_SCREENSHOT=docs/runs.png saves the picture of the comparison.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARGS, CHROMIUM, until } from './chromium.ts';

const root = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'dgr-runs-page-'));
const runs = join(work, 'runs');
/** Tiny RL runs: two games of 1000 frames, arms without a generator, a few consolidation iterations. */
const TINY = ['rl', '--frames', '1000', '--generator-iterations', '20', '--backend', 'wasm'];

function dgr(args: string[]): ChildProcess {
  return spawn(process.execPath, [join(root, 'bin', 'dgr.js'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
}


/** A run started and stopped (SIGINT) once its first seed has checkpointed a phase. */
async function stoppedRun(out: string, extra: string[]): Promise<void> {
  const child = dgr([...TINY, ...extra, '--out', out]);
  await until('a first checkpoint', () => existsSync(join(out, 'seed-1', 'checkpoint', 'checkpoint.json')), (v) => v);
  child.kill('SIGINT');
  await exited(child);
}

/** Mean and s.e.m. over seeds of arm's score on game 0 at each frame, read straight from curves.csv. */
function expectedBand(dir: string, arm: string): Map<number, { mean: number; sem: number | null }> {
  const [header, ...lines] = readFileSync(join(dir, 'curves.csv'), 'utf8').trim().split('\n');
  const col = header.split(',').indexOf(header.split(',').find((c) => c.startsWith('score_'))!);
  const byFrame = new Map<number, number[]>();
  for (const line of lines) {
    const cells = line.split(',');
    if (cells[1] !== arm || cells[col] === '') continue;
    byFrame.set(Number(cells[2]), [...(byFrame.get(Number(cells[2])) ?? []), Number(cells[col])]);
  }
  return new Map(
    [...byFrame].map(([frame, v]) => {
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      const sd = Math.sqrt(v.reduce((a, x) => a + (x - mean) ** 2, 0) / (v.length - 1));
      return [frame, { mean, sem: v.length > 1 ? sd / Math.sqrt(v.length) : null }];
    }),
  );
}

describe('the runs page in chromium against dgr serve --runs', () => {
  let server: ChildProcess;
  let url = '';
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)`);
    // Two at once (the machine has two cores): the finished run of two arms and two seeds, and the stopped one.
    const finished = dgr([...TINY, '--iterations', '20', '--arm', 'none', 'er', '--seeds', '2', '--out', join(runs, 'finished')]);
    let log = '';
    finished.stderr!.on('data', (d) => (log += String(d)));
    await stoppedRun(join(runs, 'stopped'), ['--iterations', '30', '--arm', 'none']);
    expect(await exited(finished), log).toBe(0);
    server = dgr(['serve', '--runs', runs, '--port', '0']);
    url = await new Promise<string>((resolve, reject) => {
      let text = '';
      server.stdout!.on('data', (d) => {
        text += String(d);
        const m = /open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(text);
        if (m) resolve(m[1]);
      });
      server.once('exit', (code) => reject(new Error(`dgr serve --runs exited (${code})`)));
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 1300 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(url);
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    if (server && server.exitCode === null) server.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });

  const row = (id: string) => page.locator(`tr[data-run="${id}"]`);

  it('lists each run with its state, progress and the settings that differ', async () => {
    await until('both runs', () => page.locator('tr[data-run]').count(), (n) => n === 2, 30_000);
    expect(await row('finished').locator('td').nth(3).textContent()).toBe('finished');
    expect(await row('finished').locator('td').nth(5).textContent()).toBe('1, 2');
    expect(await row('stopped').locator('td').nth(3).textContent()).toBe('stopped');
    // The settings that differ are columns, with each run's value from its config.
    const finishedConfig = JSON.parse(readFileSync(join(runs, 'finished', 'config.json'), 'utf8'));
    const stoppedConfig = JSON.parse(readFileSync(join(runs, 'stopped', 'seed-1', 'config.json'), 'utf8'));
    expect(await row('finished').locator('td[data-setting="scholar.iterations"]').textContent()).toBe(String(finishedConfig.scholar.iterations));
    expect(await row('stopped').locator('td[data-setting="scholar.iterations"]').textContent()).toBe(String(stoppedConfig.scholar.iterations));
    expect(await row('stopped').locator('td[data-setting="arms"]').textContent()).toBe('["none"]');
    expect(await page.locator('th', { hasText: /^learner\.adam/ }).count()).toBe(0);
  }, 60_000);

  it('compares runs: curves with mean and band over seeds, the ACC table and R matrices from the result files', async () => {
    await row('finished').locator('input[type=checkbox]').check();
    await row('stopped').locator('input[type=checkbox]').check();
    await until('the curves', () => page.locator('circle.mean').count(), (n) => n > 0, 30_000);
    const svg = page.locator('#curves svg');
    const [yMin, yMax] = [Number(await svg.getAttribute('data-y-min')), Number(await svg.getAttribute('data-y-max'))];
    const [, top, , height] = (await svg.getAttribute('data-plot'))!.split(' ').map(Number);
    for (const arm of ['none', 'er']) {
      const expected = expectedBand(join(runs, 'finished'), arm);
      const dots = await page.locator(`circle.mean[data-series="finished ${arm}"]`).evaluateAll((cs) =>
        cs.map((c) => ({ frame: Number(c.getAttribute('data-frame')), mean: Number(c.getAttribute('data-mean')), sem: c.getAttribute('data-sem'), n: Number(c.getAttribute('data-n')), cy: Number(c.getAttribute('cy')) })),
      );
      expect(dots.map((d) => d.frame)).toEqual([...expected.keys()].sort((a, b) => a - b));
      for (const d of dots) {
        const e = expected.get(d.frame)!;
        expect(d.n).toBe(2);
        expect(d.mean).toBeCloseTo(e.mean, 9);
        expect(Number(d.sem)).toBeCloseTo(e.sem!, 9);
        // Drawn where the axis puts that value.
        expect(d.cy).toBeCloseTo(top + height - ((d.mean - yMin) / (yMax - yMin)) * height, 6);
      }
      const result = JSON.parse(readFileSync(join(runs, 'finished', arm, 'result.json'), 'utf8'));
      const acc = await page.locator(`#acc tr[data-series="finished ${arm}"] td[data-acc]`).textContent();
      expect(acc).toBe(`${(100 * result.acc).toFixed(1)} ± ${(100 * result.accSem).toFixed(1)}`);
      const cells = await page.locator(`#heatmaps figure[data-series="finished ${arm}"] td[data-r]`).evaluateAll((tds) => tds.map((td) => [td.getAttribute('data-r'), Number(td.getAttribute('data-value'))] as const));
      expect(cells).toEqual(result.R.flatMap((r: number[], k: number) => r.map((v, i) => [`${k} ${i}`, v])));
    }
    // The band is drawn for both arms (two seeds each); the stopped run has no result yet and says so.
    expect(await page.locator('#curves polygon.band').count()).toBe(2);
    expect(await page.locator('#acc').textContent()).toContain('no result yet (stopped)');
    // The episode GIFs of the finished run are among its pictures, and load.
    const gif = page.locator('#pictures img[src*="episode-game1.gif"]').first();
    await until('a GIF loaded', () => gif.evaluate((img) => (img as HTMLImageElement).naturalWidth), (w) => w > 0, 30_000);
    const shot = process.env.DGR_RUNS_SCREENSHOT;
    if (shot) await page.screenshot({ path: join(root, shot), fullPage: true });
  }, 120_000);

  it('shows a run as soon as it starts, running, with its progress', async () => {
    const out = join(runs, 'sweep', 'late');
    // Long enough games that it is still running when stopped (a TINY run may finish first on an idle machine).
    const late = dgr(['rl', '--frames', '30000', '--generator-iterations', '20', '--backend', 'wasm', '--iterations', '20', '--arm', 'none', '--out', out]);
    try {
      await until('the new run, running', () => row('sweep/late').locator('td').nth(3).textContent().catch(() => ''), (t) => /^running/.test(t ?? ''), 120_000);
      await until('its progress', () => row('sweep/late').locator('td').nth(3).textContent(), (t) => /[1-9]\d* %/.test(t ?? ''), 300_000);
    } finally {
      late.kill('SIGINT');
      await exited(late);
    }
    await until('stopped', () => row('sweep/late').locator('td').nth(3).textContent(), (t) => t === 'stopped', 30_000);
  }, 600_000);

  it('refuses what is not a run or not a picture, and anything but GET', async () => {
    const get = (path: string, method = 'GET') => fetch(new URL(path, url), { method }).then((r) => r.status);
    expect(await get('/api/v1/run?id=..%2F..')).toBe(404);
    expect(await get('/api/v1/run-file?id=finished&path=config.json')).toBe(404);
    expect(await get('/api/v1/run-file?id=finished&path=..%2F..%2Fetc%2Fpasswd')).toBe(404);
    expect(await get('/api/v1/runs', 'POST')).toBe(405);
    expect(await get('/api/v1/run-file?id=finished&path=none%2Fepisode-game1.gif')).toBe(200);
  });

  it('raised no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
