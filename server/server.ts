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
  type ClientMessage,
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

/**
 * The server of one job's viewers. Its surface is small: viewers connect (`connect`, behind the upgrade checks),
 * send client messages (`receive`: validated, then answered or carried to the job) and are sent the job's output
 * (`output`: recorded in the history and forwarded). What a request means for the run — whether the job can do
 * it, whether a game exists — is the job's to say (Job.refusal); the server knows the protocol, not the run.
 */
export class ViewerServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly session = randomUUID();
  readonly history = new RunHistory();
  /** Resolves when the job has ended (finished, stopped or failed). */
  readonly jobEnded: Promise<JobState>;
  private readonly job: Job;
  private readonly limits: BackpressureLimits;
  private readonly maxViewers: number;
  private readonly connected = new Set<Viewer>();
  /** Viewers in the order they connected, the last STATS_KEPT of them (gone ones too). */
  private readonly seen: Viewer[] = [];
  private readonly wss: WebSocketServer;
  private readonly timers: ReturnType<typeof setInterval>[];
  private run: RunInfo | null = null;
  private state: JobState = 'starting';
  private endJob: (state: JobState) => void = () => {};

  /** Listens on the options' host and port and starts the job. */
  static async start(options: ServeOptions): Promise<ViewerServer> {
    const http = createServer((req, res) => serveStatic(options.clientDir, req, res));
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port, options.host, () => resolve());
    });
    return new ViewerServer(options, http);
  }

  private constructor(
    options: ServeOptions,
    private readonly http: Server,
  ) {
    this.job = options.job;
    this.token = options.token ?? randomBytes(16).toString('hex');
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.maxViewers = options.maxViewers ?? 32;
    this.jobEnded = new Promise<JobState>((resolve) => (this.endJob = resolve));
    this.port = (http.address() as AddressInfo).port;
    this.url = viewerUrl(options.host, this.port);
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxPayload ?? 64 * 1024,
      perMessageDeflate: false,
      clientTracking: false,
      handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
    });
    const origins = new Set([...ownOrigins(options.host, this.port), ...(options.allowOrigins ?? [])]);
    http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head, origins));
    this.timers = [setInterval(() => this.tick(), 50), setInterval(() => this.heartbeat(), options.heartbeatMs ?? 15_000)];
    this.job.start((o) => this.output(o));
  }

  /** Per viewer, in the order they connected (the last 64, gone ones too): frames sent and dropped, the largest
   *  backlog seen, whether still connected. */
  viewers(): ViewerStats[] {
    return this.seen.map((v) => ({
      connected: this.connected.has(v),
      framesSent: v.framesSent,
      framesDropped: v.framesDropped,
      maxBuffered: v.maxBuffered,
      buffered: v.socket.bufferedAmount,
    }));
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    for (const v of this.connected) v.socket.terminate();
    this.wss.close();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  // -------------------------------------------------------------------------------------------------------------
  // connections

  /** The checks before a WebSocket is accepted: path, Origin, subprotocol, and room for one more viewer. */
  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, origins: ReadonlySet<string>): void {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== WS_PATH) return refuse(socket, 400, `the WebSocket endpoint is ${WS_PATH}`);
    // Browsers always send Origin; a page of another site must not drive this server (cross-site WebSocket
    // hijacking). Clients outside a browser send none.
    const origin = req.headers.origin;
    if (origin !== undefined && !origins.has(origin)) return refuse(socket, 403, `origin ${origin} is not allowed (see --allow-origin)`);
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (!offered.includes(SUBPROTOCOL)) return refuse(socket, 400, `offer the subprotocol ${SUBPROTOCOL}`);
    if (this.connected.size >= this.maxViewers) return refuse(socket, 503, `too many viewers (${this.maxViewers})`);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.connect(ws));
  }

  /** A viewer joins: it is told who the server is, what the job can do and where the run stands. */
  private connect(ws: WebSocket): void {
    const viewer = new Viewer(ws, this.limits);
    this.connected.add(viewer);
    this.seen.push(viewer);
    if (this.seen.length > STATS_KEPT) this.seen.shift();
    ws.on('pong', () => (viewer.alive = true));
    ws.on('close', () => {
      this.connected.delete(viewer);
      this.updateWatched();
    });
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => this.receive(viewer, data, isBinary));
    const { session, run, state } = this;
    viewer.send({ type: 'hello', protocol: PROTOCOL_VERSION, session, capabilities: [...this.job.capabilities], run, state, control: this.job.control() });
  }

  private tick(): void {
    const now = performance.now();
    for (const v of this.connected) v.tick(now);
  }

  /** A viewer that did not answer the last ping is gone. */
  private heartbeat(): void {
    for (const v of this.connected) {
      if (!v.alive) {
        v.socket.terminate();
        continue;
      }
      v.alive = false;
      v.socket.ping();
    }
  }

  /** Tells the job who watches: frames and the arms side by side are made only while someone does. */
  private updateWatched(): void {
    const subscribed = [...this.connected].filter((v) => v.subscribed);
    this.job.setWatched({ frames: subscribed.length > 0, sideBySide: subscribed.some((v) => v.sideBySide) });
  }

  // -------------------------------------------------------------------------------------------------------------
  // client messages

  private receive(viewer: Viewer, data: RawData, isBinary: boolean): void {
    const message = this.parse(viewer, data, isBinary);
    if (message === null) return;
    if (message.type === 'subscribe') return this.subscribe(viewer, message.id, message.historyPoints);
    if (message.type === 'side-by-side') return this.sideBySide(viewer, message.id, message.on);
    this.control(viewer, message.id, message.token, message.command);
  }

  /** The message, validated; null when it was not one (the viewer has been told why). */
  private parse(viewer: Viewer, data: RawData, isBinary: boolean): ClientMessage | null {
    const fail = (id: string | null, code: ErrorCode, message: string): null => {
      viewer.send({ type: 'error', id, code, message });
      return null;
    };
    if (isBinary) return fail(null, 'binary', 'clients send JSON text messages only');
    const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    if (buffer.length > MAX_CLIENT_MESSAGE_BYTES) return fail(null, 'too-large', `a message is at most ${MAX_CLIENT_MESSAGE_BYTES} bytes, got ${buffer.length}`);
    let raw: unknown;
    try {
      raw = JSON.parse(buffer.toString('utf8'));
    } catch {
      return fail(null, 'malformed', 'not JSON');
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail(null, 'malformed', 'a message is a JSON object');
    const fields = raw as Record<string, unknown>;
    const id = typeof fields.id === 'string' && fields.id.length > 0 && fields.id.length <= 64 ? fields.id : null;
    if (!(CLIENT_MESSAGE_TYPES as readonly unknown[]).includes(fields.type)) {
      return fail(id, 'unknown-type', `type must be one of ${CLIENT_MESSAGE_TYPES.join(', ')}, got ${JSON.stringify(fields.type)?.slice(0, 40)}`);
    }
    const parsed = clientMessageSchema.safeParse(raw);
    return parsed.success ? parsed.data : fail(id, 'invalid', describeIssues(parsed.error));
  }

  /** The history so far, then live messages. */
  private subscribe(viewer: Viewer, id: string, historyPoints: number): void {
    const { message: reply, binaries } = this.history.snapshot(id, historyPoints);
    viewer.send(reply);
    for (const bytes of binaries) viewer.sendBinary(bytes);
    viewer.subscribed = true;
    this.updateWatched();
  }

  /** Read-only (it changes only what this viewer is sent), so no token: one flag per viewer, and the run plays one
   *  set of games for all who asked. */
  private sideBySide(viewer: Viewer, id: string, on: boolean): void {
    const refused = this.job.refusal({ op: 'side-by-side' });
    if (refused) return viewer.send({ type: 'error', id, code: refused.code, message: refused.message });
    viewer.sideBySide = on;
    this.updateWatched();
    viewer.send({ type: 'side-by-side', id, on });
  }

  /** A command for the job, with the token; the others are told the new state. */
  private control(viewer: Viewer, id: string, presented: string, command: ControlCommand): void {
    if (!tokenMatches(presented, this.token)) return viewer.send({ type: 'error', id, code: 'unauthorized', message: 'control needs the token `dgr serve` printed' });
    const refused = this.job.refusal(command);
    if (refused) return viewer.send({ type: 'error', id, code: refused.code, message: refused.message });
    const control = this.job.apply(command);
    viewer.send({ type: 'ack', id, control });
    for (const other of this.connected) if (other !== viewer) other.send({ type: 'control', control });
  }

  // -------------------------------------------------------------------------------------------------------------
  // job output

  /** Frames go to every viewer (dropped for a slow one); the rest is kept in the history and sent to subscribers,
   *  but what the run is and how it stands, which every viewer is told. */
  private output(o: JobOutput): void {
    if (o.kind === 'binary') {
      if (o.frame) {
        for (const v of this.connected) v.offerFrame(o.bytes);
        return;
      }
      this.history.addBinary(o.bytes);
      for (const v of this.connected) if (v.subscribed) v.sendBinary(o.bytes);
      return;
    }
    if (o.kind === 'end') {
      this.state = o.state;
      this.broadcast({ type: 'status', state: o.state, ...(o.message ? { message: o.message } : {}) }, false);
      this.endJob(o.state);
      return;
    }
    const m = o.message;
    if (m.type === 'run') this.run = m.run;
    else if (m.type === 'status') this.state = m.state;
    else if (m.type === 'progress') this.history.setProgress(m);
    else if (m.type === 'curve') this.history.addPoint(m.point);
    else if (m.type === 'task-end') this.history.addTaskEnd(m);
    else if (m.type === 'episode') this.history.addEpisode(m);
    this.broadcast(m, m.type !== 'run' && m.type !== 'status');
  }

  private broadcast(message: ServerMessage, subscribedOnly: boolean): void {
    const text = JSON.stringify(message);
    for (const v of this.connected) if (!subscribedOnly || v.subscribed) v.sendText(text);
  }
}

/** Starts a server for the options' job (ViewerServer.start). */
export function startServer(options: ServeOptions): Promise<ViewerServer> {
  return ViewerServer.start(options);
}
