/**
 * The arms side by side in a real browser (Debian's chromium through playwright-core) against `dgr serve` on a
 * tiny RL run of three arms (GR, ER, None), paused at once by a client holding the token: a viewer without the
 * token ticks the panel's box and sees as many live games as arms (they play on while the run is paused), each drawn (pixels read from element screenshots) and moving, each with its score; after
 * the first consolidation the boards say their scholars have consolidated a game. No page errors.
 * DGR_SIDE_BY_SIDE_SCREENSHOT=docs/side-by-side.png saves the README's picture of the panel.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARM_CELL } from '../../client/src/side-by-side.ts';
import { GRID } from '../../env/layout.ts';
import { BACKGROUND } from '../../env/palette.ts';
import { connect, tinyRl, type TestClient } from '../server/helpers.ts';
import { ARGS, CHROMIUM, sleep, until } from './chromium.ts';

const root = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'dgr-side-by-side-'));
const ARMS = ['gr', 'er', 'none'] as const;

interface Shown {
  arm: string;
  game: number;
  score: number;
  step: number;
}


const shown = (page: Page): Promise<Shown[]> => page.evaluate(() => (window as unknown as { dgrViewer: { sideBySide(): Shown[] } }).dgrViewer.sideBySide());
const drawn = (page: Page): Promise<number> => page.evaluate(() => (window as unknown as { dgrViewer: { armFrames: number } }).dgrViewer.armFrames);

/** One arm's board, read from an element screenshot of its canvas: each cell's colour, and how many are lit. */
async function board(page: Page, arm: string): Promise<{ cells: string; lit: number }> {
  const png = PNG.sync.read(await page.locator(`#arms figure[data-arm="${arm}"] canvas`).screenshot());
  const cells: string[] = [];
  let lit = 0;
  for (let y = 0; y < GRID; y++) {
    for (let x = 0; x < GRID; x++) {
      const i = ((y * ARM_CELL + ARM_CELL / 2) * png.width + x * ARM_CELL + ARM_CELL / 2) * 4;
      const rgb = [png.data[i], png.data[i + 1], png.data[i + 2]];
      if (rgb.some((v, c) => Math.abs(v - BACKGROUND[c]) > 8)) lit++;
      cells.push(rgb.join(','));
    }
  }
  return { cells: cells.join(' '), lit };
}

describe('the arms side by side in chromium against dgr serve', () => {
  let server: ChildProcess;
  let url = '';
  let browser: BrowserContext;
  let serverLog = '';
  let holder: TestClient;
  let resume: () => Promise<void>;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)`);
    const config = join(work, 'tiny-rl.json');
    writeFileSync(config, JSON.stringify({ ...tinyRl(), arms: ARMS }));
    server = spawn(process.execPath, [join(root, 'bin', 'dgr.js'), 'serve', '--config', config, '--port', '0', '--out', join(work, 'live'), '--backend', 'wasm'], { cwd: root });
    server.stderr!.on('data', (d) => (serverLog += String(d)));
    let token = '';
    let port = 0;
    url = await new Promise<string>((resolve, reject) => {
      let text = '';
      server.stdout!.on('data', (d) => {
        text += String(d);
        const m = /open (http:\/\/127\.0\.0\.1:(\d+)\/)#token=([^\s]+)/.exec(text);
        if (m) {
          [port, token] = [Number(m[2]), m[3]];
          resolve(m[1]);
        }
      });
      server.once('exit', (code) => reject(new Error(`dgr serve exited (${code}): ${serverLog}`)));
    });
    // The holder of the token pauses the run in its first game at once: a tiny game can be over before chromium is
    // up on a busy machine, and the arms' games play on while the run is paused.
    holder = await connect(port);
    holder.send({ type: 'control', id: 'pause', token, command: { op: 'pause' } });
    expect((await holder.next('ack', (m) => m.id === 'pause')).control.paused).toBe(true);
    resume = async () => {
      holder.send({ type: 'control', id: 'resume', token, command: { op: 'resume' } });
      expect((await holder.next('ack', (m) => m.id === 'resume')).control.paused).toBe(false);
    };
    browser = await chromium.launchPersistentContext(mkdtempSync(join(work, 'profile-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1080, height: 1400 },
    });
  }, 300_000);

  afterAll(async () => {
    holder?.close();
    await browser?.close();
    if (server && server.exitCode === null) server.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });

  it('shows, once asked (no token needed), as many live games as arms, each with its score; the newest scholars after a consolidation', async () => {
    const page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // The page's own URL without the token: watching side by side is read-only.
    await page.goto(url);
    const panel = page.locator('#arms-panel');
    await until('the panel', () => panel.isVisible(), (v) => v, 120_000);
    expect(await page.locator('#arms figure').count()).toBe(ARMS.length);
    expect(await drawn(page)).toBe(0);
    await page.locator('#arms-toggle').check();

    const first = await until('every arm drawn', () => shown(page), (s) => s.length === ARMS.length);
    expect(first.map((s) => s.arm)).toEqual([...ARMS]);
    for (const s of first) {
      expect(s.game).toBe(0);
      expect(Number.isFinite(s.score)).toBe(true);
    }
    const before = await Promise.all(ARMS.map((arm) => board(page, arm)));
    for (const b of before) expect(b.lit).toBeGreaterThan(0);
    // Each board's title gives its score as drawn (read with the probe in one turn of the page: the games go on).
    const titled = await page.evaluate(() => ({
      shown: (window as unknown as { dgrViewer: { sideBySide(): Shown[] } }).dgrViewer.sideBySide(),
      captions: Array.from(document.querySelectorAll('#arms figcaption'), (c) => c.textContent ?? ''),
    }));
    for (const [a, arm] of ARMS.entries()) {
      expect(titled.captions[a]).toBe(`${arm} · score ${titled.shown[a].score.toFixed(0)} · step ${titled.shown[a].step} · before any consolidation`);
    }
    // Live: every board changes as its game goes on (the run still paused: the arms' games have their own pace).
    const count = await drawn(page);
    await until('more frames', () => drawn(page), (n) => n >= count + 5, 120_000);
    for (const [a, arm] of ARMS.entries()) await until(`${arm}'s board to move`, () => board(page, arm), (b) => b.cells !== before[a].cells && b.lit > 0, 60_000);
    await resume();

    // Once the second game is being learnt, the scholars playing have consolidated the first (or, on a busy machine,
    // already both).
    await until('the second game', () => page.locator('#progress').textContent(), (t) => /^breakout · learn/.test(t ?? ''), 1_200_000);
    for (const arm of ARMS) {
      await until(`${arm}'s newest scholar`, () => page.locator(`#arms figure[data-arm="${arm}"] figcaption`).textContent(), (t) => / · after [12] games?$/.test(t ?? ''), 120_000);
    }
    const shot = process.env.DGR_SIDE_BY_SIDE_SCREENSHOT;
    if (shot) await panel.screenshot({ path: join(root, shot) });

    // Unticked, the page asks no more, and the boards stop.
    await page.locator('#arms-toggle').uncheck();
    await sleep(1000);
    const stopped = await drawn(page);
    await sleep(3000);
    expect(await drawn(page)).toBe(stopped);
    await page.close();
    expect(pageErrors).toEqual([]);
    // Three consolidations of a tiny run: minutes when the machine is busy.
  }, 1_800_000);
});
