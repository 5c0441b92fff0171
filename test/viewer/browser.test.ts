/**
 * The viewer in a real browser (Debian's chromium through playwright-core) against the server `npm start` runs
 * (`dgr serve`, here on a tiny RL config): the renderer (WebGL, and Canvas when 3D APIs are off), the agent's game
 * drawn and moving (pixels from element screenshots: a WebGL canvas reads blank through drawImage), curves and
 * dreams arriving, the token rule from the page, keyboard play, and no page errors. Ctrl-C then stops the run
 * with its checkpoint. DGR_VIEWER_SCREENSHOT=docs/viewer.png saves the README's picture.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARGS, CHROMIUM, sleep, until } from './chromium.ts';
import { AGENT, HUMAN } from '../../client/src/stage-layout.ts';
import { CHANNEL_COUNT, GRID, PLAYER } from '../../env/layout.ts';
import { BACKGROUND } from '../../env/palette.ts';
import { cellMismatches, readGif } from '../env/gif-reader.ts';
import { tinyRl } from '../server/helpers.ts';

// The second game outlasts every test before the Ctrl-C test that ends the run: about 10 minutes alone at 540
// frames/s. At 60k frames (about 2 minutes) it had ended before the pause test on a loaded machine, which then
// waited in vain for frames, and left the run paused for the next test.
const SECOND_GAME_FRAMES = 320_000;

const root = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'dgr-viewer-'));
const out = join(work, 'live');

interface Probe {
  frames: number;
  renderer: string;
  humanSteps: number;
}

/** A fresh profile each time (a new --user-data-dir, which playwright takes as the persistent context's folder). */
async function launch(extra: string[] = []): Promise<BrowserContext> {
  const dir = mkdtempSync(join(work, 'profile-'));
  return chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, headless: true, args: [...ARGS, ...extra], viewport: { width: 1080, height: 1120 } });
}


const probe = (page: Page): Promise<Probe> => page.evaluate(() => (window as unknown as { dgrViewer: Probe }).dgrViewer as Probe).then((p) => ({ frames: p.frames, renderer: p.renderer, humanSteps: p.humanSteps }));
const count = (page: Page, fn: 'curvePoints' | 'dreams'): Promise<number> =>
  page.evaluate((name) => (window as unknown as { dgrViewer: Record<string, () => number> }).dgrViewer[name](), fn);

/** The agent's board, read from an element screenshot of the stage: its cells' colours, one per cell. */
async function agentBoard(page: Page): Promise<{ cells: string[]; lit: number }> {
  const png = PNG.sync.read(await page.locator('#stage canvas').screenshot());
  const cells: string[] = [];
  let lit = 0;
  for (let y = 0; y < GRID; y++) {
    for (let x = 0; x < GRID; x++) {
      const px = AGENT.x + x * AGENT.cell + AGENT.cell / 2;
      const py = AGENT.y + y * AGENT.cell + AGENT.cell / 2;
      const i = (py * png.width + px) * 4;
      const rgb = [png.data[i], png.data[i + 1], png.data[i + 2]];
      if (rgb.some((v, c) => Math.abs(v - BACKGROUND[c]) > 8)) lit++;
      cells.push(rgb.join(','));
    }
  }
  return { cells, lit };
}

const runFrame = (page: Page): Promise<{ game: number; player: string; frame: number } | null> =>
  page.evaluate(() => (window as unknown as { dgrViewer: { frame(): { game: number; player: string; frame: number } | null } }).dgrViewer.frame());

/** The run's pace in frames per millisecond, as the viewer sees it: the fastest of four half-second windows (an
 *  evaluation or a consolidation in one of them shows no frames), so a check can scale with the machine's load. */
async function runPace(page: Page): Promise<number> {
  let pace = 0;
  let last = { frame: (await runFrame(page))?.frame ?? 0, at: Date.now() };
  for (let i = 0; i < 4; i++) {
    await sleep(500);
    const now = { frame: (await runFrame(page))?.frame ?? 0, at: Date.now() };
    pace = Math.max(pace, (now.frame - last.frame) / (now.at - last.at));
    last = now;
  }
  return pace;
}

interface Caption { text: string; left: number; top: number; right: number; bottom: number }

/** The stage's captions that share a line with another: none may, whatever they say (issue 28: the dreams'
 *  caption ran into the human game's title). */
async function overlappingCaptions(page: Page): Promise<string[]> {
  const captions = await page.evaluate(() => (window as unknown as { dgrViewer: { captions(): Record<string, Caption> } }).dgrViewer.captions());
  const entries = Object.entries(captions).filter(([, c]) => c.text !== '');
  const clashes: string[] = [];
  for (const [i, [a, ca]] of entries.entries()) {
    for (const [b, cb] of entries.slice(i + 1)) {
      if (ca.left < cb.right && cb.left < ca.right && ca.top < cb.bottom && cb.top < ca.bottom) clashes.push(`${a} '${ca.text}' × ${b} '${cb.text}'`);
    }
  }
  return clashes;
}

/** The "GIF of the last episode" download, read back: one image per frame the page recorded, each cell in the
 *  colour env's palette gives that frame's grid. */
async function expectEpisodeGif(page: Page): Promise<void> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#episode-gif').click()]);
  const bytes = new Uint8Array(readFileSync((await download.path())!));
  type Recorded = { game: number; player: string; frames: { observation: number[]; score: number }[] };
  const episode = await page.evaluate(() => (window as unknown as { dgrViewer: { recordedEpisode(): Recorded | null } }).dgrViewer.recordedEpisode());
  expect(episode).not.toBeNull();
  expect(download.suggestedFilename()).toMatch(new RegExp(`-${episode!.player}-frame\\d+\\.gif$`));
  const gif = readGif(bytes);
  expect(gif.images).toHaveLength(episode!.frames.length);
  for (const [i, f] of episode!.frames.entries()) expect(cellMismatches(gif, i, f.observation)).toEqual([]);
}

/** x of the player's cell in the human game's observation (window.dgrViewer.humanObservation()). */
async function humanPlayerX(page: Page): Promise<number> {
  const obs = await page.evaluate(() => (window as unknown as { dgrViewer: { humanObservation(): number[] } }).dgrViewer.humanObservation());
  for (let i = 0; i < obs.length; i += CHANNEL_COUNT) if (obs[i + PLAYER] === 1) return (i / CHANNEL_COUNT) % GRID;
  return -1;
}

describe('the viewer in chromium against dgr serve', () => {
  let server: ChildProcess;
  let url = '';
  let token = '';
  let browser: BrowserContext;
  const pageErrors: string[] = [];
  let serverLog = '';

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium), as .ci/run does`);
    const config = join(work, 'tiny-rl.json');
    // The second game is long enough (tens of seconds) for the tests after the first to find it being learnt,
    // whatever the earlier tests took on a busy machine: frames are only shown while a game is learnt.
    const tiny = tinyRl();
    const schedule = { ...tiny.schedule, tasks: tiny.schedule.tasks.map((t, k) => (k === 1 ? { ...t, steps: SECOND_GAME_FRAMES } : t)) };
    writeFileSync(config, JSON.stringify({ ...tiny, schedule }));
    server = spawn(process.execPath, [join(root, 'bin', 'dgr.js'), 'serve', '--config', config, '--port', '0', '--out', out, '--backend', 'wasm'], { cwd: root });
    server.stderr!.on('data', (d) => (serverLog += String(d)));
    const line = await new Promise<string>((resolve, reject) => {
      let text = '';
      server.stdout!.on('data', (d) => {
        text += String(d);
        const m = /open (http:\/\/127\.0\.0\.1:\d+\/)#token=([0-9a-f]+)/.exec(text);
        if (m) resolve(m[0]);
      });
      server.once('exit', (code) => reject(new Error(`dgr serve exited (${code}): ${serverLog}`)));
    });
    [, url, token] = /open (\S+)#token=(\S+)/.exec(line)!;
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
    if (server.exitCode === null) server.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });

  const open = async (hash: string): Promise<Page> => {
    const page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${url}${hash}`);
    return page;
  };

  it('draws the agent playing with WebGL: the board is not blank and changes', async () => {
    const page = await open(`#token=${token}`);
    expect(new URL(page.url()).origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const first = await until('frames drawn', () => probe(page), (p) => p.frames >= 3);
    expect(first.renderer).toBe('webgl');
    expect(await overlappingCaptions(page)).toEqual([]);
    const a = await agentBoard(page);
    expect(a.lit).toBeGreaterThan(0);
    await until('more frames', () => probe(page), (p) => p.frames >= first.frames + 5);
    const b = await until('a changed board', () => agentBoard(page), (board) => board.cells.join(' ') !== a.cells.join(' '), 60_000);
    expect(b.lit).toBeGreaterThan(0);
    await page.close();
  }, 600_000);

  it('draws with the Canvas renderer when the browser has no 3D APIs', async () => {
    const canvasBrowser = await launch(['--disable-3d-apis']);
    try {
      const page = await canvasBrowser.newPage();
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await page.goto(url);
      const p = await until('frames drawn', () => probe(page), (q) => q.frames >= 2);
      expect(p.renderer).toBe('canvas');
      expect((await agentBoard(page)).lit).toBeGreaterThan(0);
    } finally {
      await canvasBrowser.close();
    }
  }, 600_000);

  it('lets a person play with the keyboard, from env\'s code', async () => {
    const page = await open('');
    await until('the stage', () => probe(page), (p) => p.renderer !== 'unknown');
    await page.locator('#stage canvas').click({ position: { x: HUMAN.x + 10, y: HUMAN.y + 10 } });
    const before = await humanPlayerX(page);
    expect(before).toBeGreaterThanOrEqual(0);
    const key = before > 2 ? 'ArrowLeft' : 'ArrowRight';
    await page.keyboard.down(key);
    await until('the player to move', () => humanPlayerX(page), (x) => x !== before, 10_000);
    await page.keyboard.up(key);
    expect((await probe(page)).humanSteps).toBeGreaterThan(0);
    await page.close();
  }, 600_000);

  it('refuses control without the token, and a tokened pause stops the game until resumed', async () => {
    const viewer = await open('');
    await until('frames', () => probe(viewer), (p) => p.frames >= 1);
    expect(await viewer.locator('#pause').isDisabled()).toBe(true);
    await viewer.locator('#token').fill('not-the-token');
    await viewer.locator('#pause').click();
    await until('a refusal', () => viewer.locator('#control-reply').textContent(), (t) => /refused \(unauthorized\)/.test(t ?? ''), 10_000);

    const holder = await open(`#token=${token}`);
    await until('frames', () => probe(holder), (p) => p.frames >= 1);
    // Frames must be flowing when the pause is asked for (an evaluation or a consolidation shows none anyway).
    const flowing = (await probe(viewer)).frames;
    await until('frames flowing', () => probe(viewer), (p) => p.frames >= flowing + 3, 120_000);
    const pace = await runPace(viewer);
    expect(pace).toBeGreaterThan(0);
    await holder.locator('#pause').click();
    await until('the ack', () => holder.locator('#control-reply').textContent(), (t) => t === 'pause: done', 10_000);
    // A step already under way when the pause arrived may still show (an update can take a while on a busy
    // machine): wait for the counter to settle, then it must not move.
    let held = (await probe(viewer)).frames;
    for (let settled = 0; settled < 2; ) {
      await sleep(1000);
      const now = (await probe(viewer)).frames;
      settled = now === held ? settled + 1 : 0;
      held = now;
    }
    const pausedAt = (await runFrame(viewer))!.frame;
    const pausedSince = Date.now();
    await sleep(4000);
    expect((await probe(viewer)).frames).toBe(held);
    // While nothing moves, the page's GIF of its latest episode holds exactly the frames it showed of it.
    await expectEpisodeGif(viewer);
    const pausedFor = Date.now() - pausedSince;
    await holder.locator('#pause').click();
    await until('the ack', () => holder.locator('#control-reply').textContent(), (t) => t === 'resume: done', 10_000);
    await until('frames again', () => probe(viewer), (p) => p.frames > held, 60_000);
    // The run did not go on while paused: the first frame after it resumes is nearer where it stopped than half
    // of what the run covers in the paused time at its own pace. (The viewer sees a throttled sample of the
    // frames, so the last one shown before the pause may trail the run by a few vector steps: not a fixed count.)
    expect((await runFrame(viewer))!.frame - pausedAt).toBeLessThan((pace * pausedFor) / 2);
    // The speed cap is acknowledged and lifted again.
    await holder.locator('#speed').selectOption('1000');
    await until('the ack', () => holder.locator('#control-reply').textContent(), (t) => t === 'speed: done', 10_000);
    await holder.evaluate(() => (document.getElementById('control-reply')!.textContent = ''));
    await holder.locator('#speed').selectOption('0');
    await until('the ack', () => holder.locator('#control-reply').textContent(), (t) => t === 'speed: done', 10_000);
    await holder.close();
    await viewer.close();
  }, 600_000);

  it('fills the curves and the dreams after the first consolidation; watch shows the scholar on a past game', async () => {
    const page = await open(`#token=${token}`);
    await until('curve points', () => count(page, 'curvePoints'), (n) => n > 0);
    await until('dreams', () => count(page, 'dreams'), (n) => n > 0);
    expect(await overlappingCaptions(page)).toEqual([]);
    // As soon as the second game is being learnt (it lasts seconds), the token holder asks to watch the scholar
    // play the first game; then back to the learner.
    await until('the second game', () => page.locator('#progress').textContent(), (t) => /^breakout · learn/.test(t ?? ''), 240_000);
    const frame = (): ReturnType<typeof runFrame> => runFrame(page);
    await page.locator('#watch').selectOption('0');
    await until('the scholar on freeway', frame, (f) => f?.player === 'scholar' && f.game === 0, 30_000);
    await page.locator('#watch').selectOption('');
    await until('the learner again', frame, (f) => f?.player === 'learner' && f.game === 1, 30_000);
    // A picture of the whole page once the second game has a point on the curves (the README's screenshot):
    // 4 learner points and 2 arm points of game 1, then the learner's first of game 2.
    await until('curves of the second game', () => count(page, 'curvePoints'), (n) => n > 6, 120_000);
    const shot = process.env.DGR_VIEWER_SCREENSHOT;
    if (shot) await page.screenshot({ path: join(root, shot), fullPage: true });
    await page.close();
  }, 600_000);

  it('stops on Ctrl-C with the run checkpointed; the page reconnects to the next server, a replay of that run', async () => {
    const page = await open('');
    await until('connected', () => page.locator('#connection').getAttribute('data-state'), (s) => s === 'open', 30_000);
    server.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => (server.exitCode !== null ? resolve(server.exitCode) : server.once('exit', (c) => resolve(c))));
    expect(serverLog).toMatch(/SIGINT: stopping the job/);
    expect(code).toBe(0);
    expect(existsSync(join(out, 'seed-1', 'checkpoint', 'checkpoint.json'))).toBe(true);
    expect(existsSync(join(out, 'config.json'))).toBe(true);
    await until('the indicator', () => page.locator('#connection').getAttribute('data-state'), (s) => s === 'closed', 30_000);

    const port = new URL(url).port;
    server = spawn(process.execPath, [join(root, 'bin', 'dgr.js'), 'serve', '--replay', out, '--port', port], { cwd: root });
    server.stderr!.on('data', (d) => (serverLog += String(d)));
    await until('reconnected', () => page.locator('#connection').getAttribute('data-state'), (s) => s === 'open', 60_000);
    await until('the replay', () => page.locator('#run-title').textContent(), (t) => /replay/.test(t ?? ''), 30_000);
    expect(await count(page, 'dreams')).toBeGreaterThan(0);
    expect(await count(page, 'curvePoints')).toBeGreaterThan(0);
    await page.close();
    server.kill('SIGINT');
  }, 600_000);

  it('raised no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
