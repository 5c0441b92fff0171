/**
 * `dgr serve`'s one process: HTTP for the built viewer and a WebSocket endpoint (`/ws`, subprotocol dgr.v1) on
 * the same port, in front of a job that trains in a worker thread. Made to be hard to break (ws's own advice):
 * every message validated, small payloads, no compression, a heartbeat, a cap on connections, Origin checked
 * before the upgrade, control only with the token, and per-viewer backpressure (./viewer.ts).
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  CLIENT_MESSAGE_TYPES,
  clientMessageSchema,
  describeIssues,
  MAX_CLIENT_MESSAGE_BYTES,
  PROTOCOL_VERSION,
  SUBPROTOCOL,
  type Capability,
  type ControlCommand,
  type ErrorCode,
  type JobState,
  type RunInfo,
  type ServerMessage,
} from '../protocol/messages.ts';
import { RunHistory } from './history.ts';
import type { Job, JobOutput } from './job.ts';
import { ownOrigins, viewerUrl } from './origins.ts';
import { serveStatic } from './static.ts';
import { Viewer, type BackpressureLimits } from './viewer.ts';

export const WS_PATH = '/ws';

export interface ServeOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly job: Job;
  /** The built viewer's folder. */
  readonly clientDir: string;
  /** Origins allowed besides the server's own (http://host:port). */
  readonly allowOrigins?: readonly string[];
  readonly maxViewers?: number;
  /** Largest frame ws accepts before closing the connection (1009); messages over MAX_CLIENT_MESSAGE_BYTES and
   *  under this get an error reply instead. */
  readonly maxPayload?: number;
  readonly heartbeatMs?: number;
  readonly limits?: Partial<BackpressureLimits>;
  /** The control token; a random one by default. */
  readonly token?: string;
}

export interface ViewerServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly session: string;
  readonly history: RunHistory;
  /** Per viewer, in the order they connected (the last 64, gone ones too): frames sent and dropped, the largest
   *  backlog seen, whether still connected. */
  viewers(): ViewerStats[];
  /** Resolves when the job has ended (finished, stopped or failed). */
  readonly jobEnded: Promise<JobState>;
  close(): Promise<void>;
}

export interface ViewerStats {
  readonly connected: boolean;
  readonly framesSent: number;
  readonly framesDropped: number;
  readonly maxBuffered: number;
  readonly buffered: number;
}

/** Viewers whose numbers `viewers()` still reports after they left. */
const STATS_KEPT = 64;

const DEFAULT_LIMITS: BackpressureLimits = { frameCap: 256 * 1024, hardCap: 8 * 1024 * 1024, stuckMs: 10_000 };

const CONTROL_CAPABILITY: Record<ControlCommand['op'], Capability> = { pause: 'pause', resume: 'pause', speed: 'speed', watch: 'watch' };

/** Equal-time comparison of a presented token with the real one (hashes make the lengths equal). */
function tokenMatches(presented: string, token: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

function refuse(socket: Duplex, status: number, reason: string): void {
  const text = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : status === 503 ? 'Service Unavailable' : 'Bad Request'}\r\n` +
      `Connection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
}

export async function startServer(options: ServeOptions): Promise<ViewerServer> {
  const token = options.token ?? randomBytes(16).toString('hex');
  const session = randomUUID();
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const maxViewers = options.maxViewers ?? 32;
  const job = options.job;
  const history = new RunHistory();
  const viewers = new Set<Viewer>();
  const seen: Viewer[] = [];
  let run: RunInfo | null = null;
  let state: JobState = 'starting';
  let endJob: (s: JobState) => void = () => {};
  const jobEnded = new Promise<JobState>((resolve) => (endJob = resolve));

  const http: Server = createServer((req, res) => serveStatic(options.clientDir, req, res));
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayload ?? 64 * 1024,
    perMessageDeflate: false,
    clientTracking: false,
    handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  const allowedOrigins = new Set([...ownOrigins(options.host, port), ...(options.allowOrigins ?? [])]);

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== WS_PATH) return refuse(socket, 400, `the WebSocket endpoint is ${WS_PATH}`);
    // Browsers always send Origin; a page of another site must not drive this server (cross-site WebSocket
    // hijacking). Clients outside a browser send none.
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin)) return refuse(socket, 403, `origin ${origin} is not allowed (see --allow-origin)`);
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (!offered.includes(SUBPROTOCOL)) return refuse(socket, 400, `offer the subprotocol ${SUBPROTOCOL}`);
    if (viewers.size >= maxViewers) return refuse(socket, 503, `too many viewers (${maxViewers})`);
    wss.handleUpgrade(req, socket, head, (ws) => connect(ws));
  });

  const updateWatched = (): void => {
    const subscribed = [...viewers].filter((v) => v.subscribed);
    job.setWatched({ frames: subscribed.length > 0, sideBySide: subscribed.some((v) => v.sideBySide) });
  };

  function broadcast(message: ServerMessage, subscribedOnly: boolean): void {
    const text = JSON.stringify(message);
    for (const v of viewers) if (!subscribedOnly || v.subscribed) v.sendText(text);
  }

  function connect(ws: WebSocket): void {
    const viewer = new Viewer(ws, limits);
    viewers.add(viewer);
    seen.push(viewer);
    if (seen.length > STATS_KEPT) seen.shift();
    ws.on('pong', () => (viewer.alive = true));
    ws.on('close', () => {
      viewers.delete(viewer);
      updateWatched();
    });
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => handle(viewer, data, isBinary));
    viewer.send({
      type: 'hello',
      protocol: PROTOCOL_VERSION,
      session,
      capabilities: [...job.capabilities],
      run,
      state,
      control: job.control(),
    });
  }

  function fail(viewer: Viewer, id: string | null, code: ErrorCode, message: string): void {
    viewer.send({ type: 'error', id, code, message });
  }

  function handle(viewer: Viewer, data: RawData, isBinary: boolean): void {
    if (isBinary) return fail(viewer, null, 'binary', 'clients send JSON text messages only');
    const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    if (buffer.length > MAX_CLIENT_MESSAGE_BYTES) {
      return fail(viewer, null, 'too-large', `a message is at most ${MAX_CLIENT_MESSAGE_BYTES} bytes, got ${buffer.length}`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(buffer.toString('utf8'));
    } catch {
      return fail(viewer, null, 'malformed', 'not JSON');
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail(viewer, null, 'malformed', 'a message is a JSON object');
    const fields = raw as Record<string, unknown>;
    const id = typeof fields.id === 'string' && fields.id.length > 0 && fields.id.length <= 64 ? fields.id : null;
    if (!(CLIENT_MESSAGE_TYPES as readonly unknown[]).includes(fields.type)) {
      return fail(viewer, id, 'unknown-type', `type must be one of ${CLIENT_MESSAGE_TYPES.join(', ')}, got ${JSON.stringify(fields.type)?.slice(0, 40)}`);
    }
    const parsed = clientMessageSchema.safeParse(raw);
    if (!parsed.success) return fail(viewer, id, 'invalid', describeIssues(parsed.error));
    const message = parsed.data;
    if (message.type === 'subscribe') {
      const { message: reply, binaries } = history.snapshot(message.id, message.historyPoints);
      viewer.send(reply);
      for (const bytes of binaries) viewer.sendBinary(bytes);
      viewer.subscribed = true;
      updateWatched();
      return;
    }
    if (message.type === 'side-by-side') {
      // Read-only (it changes only what this viewer is sent), so no token; one flag per viewer, and the run plays
      // one set of games for all who asked.
      if (!job.capabilities.includes('side-by-side')) return fail(viewer, message.id, 'unsupported', 'this run has no arms playing side by side');
      viewer.sideBySide = message.on;
      updateWatched();
      viewer.send({ type: 'side-by-side', id: message.id, on: message.on });
      return;
    }
    if (!tokenMatches(message.token, token)) return fail(viewer, message.id, 'unauthorized', 'control needs the token `dgr serve` printed');
    const { command } = message;
    if (!job.capabilities.includes(CONTROL_CAPABILITY[command.op])) {
      return fail(viewer, message.id, 'unsupported', `this run cannot ${command.op}`);
    }
    if (command.op === 'watch' && command.game !== null && (run?.kind !== 'rl' || command.game >= run.games.length)) {
      return fail(viewer, message.id, 'invalid', `command.game: no game ${command.game} in this run`);
    }
    const control = job.apply(command);
    viewer.send({ type: 'ack', id: message.id, control });
    for (const other of viewers) if (other !== viewer) other.send({ type: 'control', control });
  }

  function onJob(o: JobOutput): void {
    if (o.kind === 'binary') {
      if (o.frame) {
        for (const v of viewers) v.offerFrame(o.bytes);
        return;
      }
      history.addBinary(o.bytes);
      for (const v of viewers) if (v.subscribed) v.sendBinary(o.bytes);
      return;
    }
    if (o.kind === 'end') {
      state = o.state;
      broadcast({ type: 'status', state, ...(o.message ? { message: o.message } : {}) }, false);
      endJob(state);
      return;
    }
    const m = o.message;
    switch (m.type) {
      case 'run':
        run = m.run;
        broadcast(m, false);
        return;
      case 'status':
        state = m.state;
        broadcast(m, false);
        return;
      case 'progress':
        history.setProgress(m);
        break;
      case 'curve':
        history.addPoint(m.point);
        break;
      case 'task-end':
        history.addTaskEnd(m);
        break;
      case 'episode':
        history.addEpisode(m);
        break;
    }
    broadcast(m, true);
  }

  const ticker = setInterval(() => {
    const now = performance.now();
    for (const v of viewers) v.tick(now);
  }, 50);
  const heartbeat = setInterval(() => {
    for (const v of viewers) {
      if (!v.alive) {
        v.socket.terminate();
        continue;
      }
      v.alive = false;
      v.socket.ping();
    }
  }, options.heartbeatMs ?? 15_000);

  job.start(onJob);

  return {
    url: viewerUrl(options.host, port),
    port,
    token,
    session,
    history,
    jobEnded,
    viewers: () =>
      seen.map((v) => ({
        connected: viewers.has(v),
        framesSent: v.framesSent,
        framesDropped: v.framesDropped,
        maxBuffered: v.maxBuffered,
        buffered: v.socket.bufferedAmount,
      })),
    async close() {
      clearInterval(ticker);
      clearInterval(heartbeat);
      for (const v of viewers) v.socket.terminate();
      wss.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
