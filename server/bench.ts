/**
 * `dgr bench serve`: does watching slow training down? An RL run (the quick preset's first game, long enough to
 * stay in its learning phase) trains in the job's worker while the bench alternates phases with no viewer and
 * with `viewers` connected, `slow` of them stalled (they subscribe and never read again). With `sideBySide` the
 * run has two arms (GR and None) and every viewer asks for them side by side (each arm's scholar playing a game
 * for the viewers), as the panel does: the viewers are WebSocket clients speaking the protocol, which is what a
 * page costs the server (a page's drawing costs its own machine, not the run's). Training frames per
 * second per phase come from the run's own progress reports (frames done over wall time), phases alternate
 * none/watched for `rounds` rounds so drift in the machine's load falls on both.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as tcpConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { agentPreset } from '../agent/presets.ts';
import type { BackendRequest } from '../core/engine/backend-names.ts';
import { SUBPROTOCOL } from '../protocol/messages.ts';
import { RUN_PATH, RUNS_PATH } from '../protocol/runs.ts';
import { startRunsServer } from './runs-server.ts';
import { CLIENT_DIST } from './client-build.ts';
import { WorkerJob, type Job } from './job.ts';
import { startServer } from './server.ts';

const SUBSCRIBE = { type: 'subscribe', id: 'bench', historyPoints: 100 };
const SIDE_BY_SIDE = { type: 'side-by-side', id: 'bench-side-by-side', on: true };

/** A viewer by hand: the upgrade, masked text frames (the subscribe, and what else is given), then it never reads again. */
export async function stalledViewer(port: number, also: readonly object[] = []): Promise<Socket> {
  const socket = tcpConnect(port, '127.0.0.1');
  socket.write(
    `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ${SUBPROTOCOL}\r\n\r\n`,
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('data', (data) => (String(data).startsWith('HTTP/1.1 101') ? resolve() : reject(new Error(String(data)))));
  });
  for (const message of [{ ...SUBSCRIBE, id: 'stalled', historyPoints: 10 }, ...also]) {
    const payload = Buffer.from(JSON.stringify(message));
    const mask = randomBytes(4);
    const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
    socket.write(Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]));
  }
  await new Promise((r) => setTimeout(r, 100));
  socket.pause();
  return socket;
}

/** A viewer that reads everything it is sent; `also` are the messages it sends after its subscribe. */
function readingViewer(port: number, also: readonly object[]): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, [SUBPROTOCOL]);
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      for (const message of [SUBSCRIBE, ...also]) ws.send(JSON.stringify(message));
      resolve(ws);
    });
    ws.once('error', reject);
  });
}

export interface ServeBenchOptions {
  readonly backend: BackendRequest;
  readonly seconds: number;
  readonly rounds: number;
  readonly viewers: number;
  readonly slow: number;
  /** Also, in the watched phases, as many viewers of the runs page (`dgr serve --runs`) on the run's folder,
   *  each polling it as the page does. */
  readonly runsPage?: boolean;
  /** A run of two arms, and every viewer asks for the arms side by side. */
  readonly sideBySide?: boolean;
  readonly log: (line: string) => void;
}

export interface ServeBenchPhase {
  readonly viewers: number;
  readonly slow: number;
  readonly seconds: number;
  readonly frames: number;
  readonly framesPerSecond: number;
  /** Frames per CPU second of the whole process: what viewers cost, whatever else the machine runs. */
  readonly framesPerCpuSecond: number;
}

export interface ServeBenchResult {
  readonly phases: ServeBenchPhase[];
  /** Frames over seconds, summed over the phases of each kind. */
  readonly unwatched: number;
  readonly watched: number;
  /** watched / unwatched − 1. */
  readonly change: number;
  /** The same per CPU second of the process (robust to other work on the machine). */
  readonly unwatchedPerCpuSecond: number;
  readonly watchedPerCpuSecond: number;
  readonly cpuChange: number;
  /**
   * CPU the viewers cost the process, in ms per wall second of the watched phases: its CPU time then, less what
   * their training frames cost at the unwatched phases' frames per CPU second. A fixed cost per second, so it
   * reads the same on a loaded machine, where the run gets a sliver of a core and the ratios above say little.
   * The bench's viewers are clients in this same process, so their own reading counts too: an upper bound.
   */
  readonly viewerCpuMsPerSecond: number;
  /** Frames the reading viewers were sent, and frames held back for the stalled ones (last watched phase). */
  readonly framesSent: number;
  readonly framesDropped: number;
  /** With runsPage: requests the runs-page viewers made, and times the runs server read the folder for them. */
  readonly runsPageRequests: number;
  readonly runsPageReads: number;
}

/** How often the runs page asks for the listing and a running run's results (client/src/runs.ts). */
const RUNS_PAGE_POLL_MS = 2000;

/** A runs-page viewer: the listing and the run's results every RUNS_PAGE_POLL_MS, as the page polls them. */
function runsPageViewer(url: string, id: string, count: () => void): () => void {
  const poll = (): void => {
    for (const path of [RUNS_PATH, `${RUN_PATH}?id=${encodeURIComponent(id)}`]) {
      count();
      void fetch(new URL(path, url)).then((r) => r.arrayBuffer()).catch(() => undefined);
    }
  };
  poll();
  const timer = setInterval(poll, RUNS_PAGE_POLL_MS);
  return () => clearInterval(timer);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Report {
  readonly frame: number;
  readonly at: number;
  /** CPU seconds of this process (server thread and job thread) so far. */
  readonly cpu: number;
}

function cpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

/** The job, with the arrival time of each of its learning-phase progress reports noted (frames done, when). */
function timed(job: Job, reports: Report[]): Job {
  return {
    capabilities: job.capabilities,
    refusal: (request) => job.refusal(request),
    start: (output) =>
      job.start((o) => {
        if (o.kind === 'message' && o.message.type === 'progress' && o.message.phase === 'learn') reports.push({ frame: o.message.done, at: performance.now(), cpu: cpuSeconds() });
        output(o);
      }),
    control: () => job.control(),
    apply: (command) => job.apply(command),
    setWatched: (watching) => job.setWatched(watching),
    stop: () => job.stop(),
  };
}

export async function benchServe(o: ServeBenchOptions): Promise<ServeBenchResult> {
  const base = agentPreset('quick', { framesPerGame: 10_000_000, arms: o.sideBySide ? ['gr', 'none'] : ['none'], parallel: false });
  const also = o.sideBySide ? [SIDE_BY_SIDE] : [];
  // Evaluations pause the learner: none until the game's end, which the bench never reaches.
  const config = { ...base, learner: { ...base.learner, learningStarts: 1000 }, evaluation: { ...base.evaluation, every: 0, referenceEpisodes: 2 } };
  const folder = mkdtempSync(join(tmpdir(), 'dgr-bench-serve-'));
  const out = join(folder, 'run');
  const job = new WorkerJob({ kind: 'rl', config, backend: o.backend, out, command: 'dgr bench serve' }, 30, o.log);
  const reports: Report[] = [];
  const server = await startServer({ host: '127.0.0.1', port: 0, job: timed(job, reports), clientDir: CLIENT_DIST, maxViewers: o.viewers + 2 });
  const runsServer = o.runsPage ? await startRunsServer({ host: '127.0.0.1', port: 0, root: folder, clientDir: CLIENT_DIST }) : null;
  const phases: ServeBenchPhase[] = [];
  let framesSent = 0;
  let framesDropped = 0;
  let runsPageRequests = 0;
  try {
    // Past the start-up: reference scores, and the first updates after learningStarts.
    while ((reports.at(-1)?.frame ?? 0) < 2 * config.learner.learningStarts) await sleep(200);
    for (let round = 0; round < o.rounds; round++) {
      for (const watched of [false, true]) {
        const reading: WebSocket[] = [];
        const stalled: Socket[] = [];
        const polling: (() => void)[] = [];
        if (watched) {
          for (let v = 0; v < o.viewers - o.slow; v++) reading.push(await readingViewer(server.port, also));
          for (let v = 0; v < o.slow; v++) stalled.push(await stalledViewer(server.port, also));
          if (runsServer) for (let v = 0; v < o.viewers; v++) polling.push(runsPageViewer(runsServer.url, 'run', () => runsPageRequests++));
        }
        // Let the run settle into the phase before timing it.
        await sleep(1000);
        const from = performance.now();
        await sleep(o.seconds * 1000);
        // From the first report of the phase to its last (the learner reports every 64 vector steps).
        const within = reports.filter((r) => r.at >= from);
        if (within.length < 2) throw new Error(`fewer than 2 progress reports in ${o.seconds} s: time longer phases (--seconds)`);
        const start = within[0];
        const end = within[within.length - 1];
        const seconds = (end.at - start.at) / 1000;
        const frames = end.frame - start.frame;
        const cpu = end.cpu - start.cpu;
        const phase = { viewers: watched ? o.viewers : 0, slow: watched ? o.slow : 0, seconds, frames, framesPerSecond: frames / seconds, framesPerCpuSecond: frames / cpu };
        phases.push(phase);
        o.log(
          `  ${String(phase.viewers).padStart(2)} viewers (${phase.slow} stalled): ${Math.round(phase.framesPerSecond)} frames/s over ${seconds.toFixed(1)} s, ` +
            `${Math.round(phase.framesPerCpuSecond)} frames per CPU second`,
        );
        if (watched) {
          const stats = server.viewers().slice(-o.viewers);
          framesSent = stats.reduce((n, s) => n + s.framesSent, 0);
          framesDropped = stats.reduce((n, s) => n + s.framesDropped, 0);
        }
        for (const ws of reading) ws.terminate();
        for (const s of stalled) s.destroy();
        for (const stop of polling) stop();
      }
    }
  } finally {
    await job.stop();
    await server.close();
    await runsServer?.close();
    rmSync(folder, { recursive: true, force: true });
  }
  const rate = (watched: boolean, per: (p: ServeBenchPhase) => number): number => {
    const ps = phases.filter((p) => (p.viewers > 0) === watched);
    return ps.reduce((n, p) => n + p.frames, 0) / ps.reduce((n, p) => n + per(p), 0);
  };
  const unwatched = rate(false, (p) => p.seconds);
  const watched = rate(true, (p) => p.seconds);
  const unwatchedPerCpuSecond = rate(false, (p) => p.frames / p.framesPerCpuSecond);
  const watchedPerCpuSecond = rate(true, (p) => p.frames / p.framesPerCpuSecond);
  const watchedPhases = phases.filter((p) => p.viewers > 0);
  const sum = (f: (p: ServeBenchPhase) => number): number => watchedPhases.reduce((n, p) => n + f(p), 0);
  const viewerCpuMsPerSecond = (1000 * (sum((p) => p.frames / p.framesPerCpuSecond) - sum((p) => p.frames) / unwatchedPerCpuSecond)) / sum((p) => p.seconds);
  return {
    phases,
    unwatched,
    watched,
    change: watched / unwatched - 1,
    unwatchedPerCpuSecond,
    watchedPerCpuSecond,
    cpuChange: watchedPerCpuSecond / unwatchedPerCpuSecond - 1,
    viewerCpuMsPerSecond,
    framesSent,
    framesDropped,
    runsPageRequests,
    runsPageReads: runsServer?.reads() ?? 0,
  };
}
