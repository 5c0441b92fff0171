/**
 * `dgr serve --runs DIR`: the runs page over HTTP — the built page (client/runs.html) and the read-only JSON API
 * of protocol/runs.ts. Nothing here changes a run, so nothing asks for the token. Bounded per viewer: a few
 * requests at a time per address, answers of bounded size, and the folder read at most once a second whatever
 * the number of viewers (answers are shared for that second), so watching costs a running sweep nothing
 * measurable.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { RUN_FILE_PATH, RUN_FILE_TYPES, RUN_PATH, RUNS_PATH } from '../protocol/runs.ts';
import { listRuns, runDetail, runFolder } from './runs-folder.ts';
import { serveStatic } from './static.ts';

export interface RunsServerOptions {
  readonly host: string;
  readonly port: number;
  /** The folder of runs. */
  readonly root: string;
  readonly clientDir: string;
  /** Requests one address may have under way at once (beyond: 429). */
  readonly perViewer?: number;
}

export interface RunsServer {
  readonly url: string;
  readonly port: number;
  /** Times the folder was read for a listing or a run (for the benchmark and tests). */
  reads(): number;
  close(): Promise<void>;
}

/** How long one reading of the folder answers every viewer. */
const FRESH_MS = 1000;
/** Above the six connections a browser opens to one host, so a page's pictures never hit it. */
const PER_VIEWER = 8;

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache' });
  res.end(text);
}

/** Answers computed at most once per FRESH_MS per key, shared by every viewer. */
class Fresh {
  private readonly cache = new Map<string, { at: number; value: unknown }>();
  reads = 0;

  get(key: string, compute: () => unknown): unknown {
    const now = performance.now();
    const hit = this.cache.get(key);
    if (hit && now - hit.at < FRESH_MS) return hit.value;
    this.reads++;
    const value = compute();
    this.cache.set(key, { at: now, value });
    // Keys are run ids of the folder: bounded by it; old ones go.
    for (const [k, v] of this.cache) if (now - v.at > 60_000) this.cache.delete(k);
    return value;
  }
}

export async function startRunsServer(options: RunsServerOptions): Promise<RunsServer> {
  const root = resolve(options.root);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new Error(`--runs ${options.root}: no such folder`);
  const perViewer = options.perViewer ?? PER_VIEWER;
  const busy = new Map<string, number>();
  const fresh = new Fresh();

  function api(url: URL, res: ServerResponse): void {
    if (url.pathname === RUNS_PATH) return json(res, 200, fresh.get('', () => listRuns(root)));
    const id = url.searchParams.get('id') ?? '';
    const dir = runFolder(root, id);
    if (dir === null) return json(res, 404, { error: `id: no run '${id.slice(0, 200)}' in the folder` });
    if (url.pathname === RUN_PATH) return json(res, 200, fresh.get(`run ${id}`, () => runDetail(root, dir)));
    const path = url.searchParams.get('path') ?? '';
    const file = normalize(join(dir, path));
    const type = RUN_FILE_TYPES[extname(file) as keyof typeof RUN_FILE_TYPES];
    if (!type || !file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) return json(res, 404, { error: `path: no picture '${path.slice(0, 200)}' in run ${id}` });
    res.writeHead(200, { 'content-type': type, 'content-length': statSync(file).size, 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache' });
    createReadStream(file).pipe(res);
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith('/api/')) {
      // The runs page is this server's front page; the live viewer's files are served beside it.
      if (url.pathname === '/') req.url = '/runs.html';
      return serveStatic(options.clientDir, req, res);
    }
    if (req.method !== 'GET') return json(res, 405, { error: 'the runs API is read-only: GET only' });
    if (![RUNS_PATH, RUN_PATH, RUN_FILE_PATH].includes(url.pathname)) return json(res, 404, { error: `no ${url.pathname} (see docs/PROTOCOL.md)` });
    const who = req.socket.remoteAddress ?? '';
    const n = busy.get(who) ?? 0;
    if (n >= perViewer) return json(res, 429, { error: `at most ${perViewer} requests at a time per viewer` });
    busy.set(who, n + 1);
    res.once('close', () => {
      const left = (busy.get(who) ?? 1) - 1;
      if (left > 0) busy.set(who, left);
      else busy.delete(who);
    });
    try {
      api(url, res);
    } catch (error) {
      json(res, 500, { error: (error as Error).message });
    }
  }

  const http: Server = createServer(handle);
  await new Promise<void>((ok, fail) => {
    http.once('error', fail);
    http.listen(options.port, options.host, () => ok());
  });
  const port = (http.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/`,
    port,
    reads: () => fresh.reads,
    close: () => new Promise<void>((ok) => http.close(() => ok())),
  };
}
