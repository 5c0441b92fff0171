/**
 * `dgr serve`'s server with a real job (a tiny split-MNIST run in a worker thread) and real WebSocket clients:
 * the protocol's round trip, every validation error, the token rule, Origin and subprotocol checks, the
 * connection cap, the heartbeat, and replaying the finished run's folder.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSamples, OPCODE_SAMPLES } from '../../protocol/binary.ts';
import { MAX_CLIENT_MESSAGE_BYTES, SUBPROTOCOL } from '../../protocol/messages.ts';
import { WorkerJob } from '../../server/job.ts';
import { ReplayJob } from '../../server/replay.ts';
import { startServer, type ViewerServer } from '../../server/server.ts';
import { connect, tinySplit, type TestClient } from './helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'dgr-serve-'));
const out = join(work, 'run');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('dgr serve: a live classification run', () => {
  let server: ViewerServer;
  const clients: TestClient[] = [];
  const open = async (options?: Parameters<typeof connect>[1]): Promise<TestClient> => {
    const c = await connect(server.port, options);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    const config = tinySplit({ iterations: 200, generatorIterations: 50 });
    const job = new WorkerJob({ kind: 'classification', configs: [config], backend: 'wasm', out, command: 'dgr serve (test)' }, 30);
    server = await startServer({ host: '127.0.0.1', port: 0, job, clientDir: join(work, 'no-client') });
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await server.close();
  });

  it('says hello on connect: protocol 1, this session, what the run can do', async () => {
    const c = await open();
    const hello = await c.next('hello');
    expect(hello.protocol).toBe(1);
    expect(hello.session).toBe(server.session);
    expect(hello.capabilities).toEqual(['samples', 'pause']);
    expect(c.socket.protocol).toBe(SUBPROTOCOL);
  });

  it('control needs the token: refused without it, and a tokened pause holds the run until resumed', async () => {
    const controller = await open();
    const watcher = await open();
    watcher.send({ type: 'subscribe', id: 'w', historyPoints: 100 });
    await watcher.next('history');
    await watcher.next('run');
    await watcher.next('progress');

    controller.send({ type: 'control', id: 'bad', token: 'not-the-token', command: { op: 'pause' } });
    const refused = await controller.next('error', (m) => m.id === 'bad');
    expect(refused.code).toBe('unauthorized');
    controller.send({ type: 'control', id: 'no-token', command: { op: 'pause' } });
    expect((await controller.next('error', (m) => m.id === 'no-token')).code).toBe('invalid');
    controller.send({ type: 'control', id: 'watch', token: server.token, command: { op: 'watch', game: 0 } });
    expect((await controller.next('error', (m) => m.id === 'watch')).code).toBe('unsupported');

    controller.send({ type: 'control', id: 'p', token: server.token, command: { op: 'pause' } });
    const ack = await controller.next('ack', (m) => m.id === 'p');
    expect(ack.control.paused).toBe(true);
    // The other viewers hear of it.
    expect((await watcher.next('control')).control.paused).toBe(true);
    // At most the report already on its way arrives while paused (it reports 8 times a second when running).
    await sleep(300);
    const before = watcher.messages.filter((m) => m.type === 'progress').length;
    await sleep(1500);
    expect(watcher.messages.filter((m) => m.type === 'progress').length).toBe(before);
    expect(watcher.messages.some((m) => m.type === 'status' && m.state === 'finished')).toBe(false);

    controller.send({ type: 'control', id: 'r', token: server.token, command: { op: 'resume' } });
    expect((await controller.next('ack', (m) => m.id === 'r')).control.paused).toBe(false);
    await watcher.next('status', (m) => m.state === 'finished', 120_000);
    expect(await server.jobEnded).toBe('finished');
  });

  it('answers every malformed, unknown, invalid or oversized message with an error, and keeps serving', async () => {
    const c = await open();
    await c.next('hello');
    const errors = (): { code: string; id: string | null; message: string }[] =>
      c.messages.filter((m) => m.type === 'error') as { code: string; id: string | null; message: string }[];
    const expectError = async (data: unknown, code: string, message?: RegExp): Promise<void> => {
      const seen = errors().length;
      c.send(data);
      await c.next('error', () => errors().length > seen);
      const e = errors()[seen];
      expect(e.code).toBe(code);
      if (message) expect(e.message).toMatch(message);
    };
    await expectError('{not json', 'malformed');
    await expectError('[1, 2]', 'malformed');
    await expectError('"subscribe"', 'malformed');
    await expectError(Buffer.from([1, 2, 3]), 'binary');
    await expectError({ type: 'launch', id: 'x' }, 'unknown-type', /type must be one of subscribe, control/);
    await expectError({ id: 'x' }, 'unknown-type');
    await expectError({ type: 'subscribe', id: 's1', historyPoints: 'many' }, 'invalid', /historyPoints/);
    await expectError({ type: 'subscribe', id: 's2', historyPoints: 10, extra: true }, 'invalid', /extra/);
    await expectError({ type: 'subscribe', id: '', historyPoints: 10 }, 'invalid', /id/);
    await expectError({ type: 'control', id: 'c1', token: server.token, command: { op: 'speed', framesPerSecond: -1 } }, 'invalid', /command\.framesPerSecond/);
    await expectError({ type: 'control', id: 'c2', token: server.token, command: { op: 'explode' } }, 'invalid', /command\.op/);
    await expectError(JSON.stringify({ type: 'subscribe', id: 'big', historyPoints: 10, pad: 'x'.repeat(MAX_CLIENT_MESSAGE_BYTES) }), 'too-large');
    // The refused messages carried their id back where it was readable.
    expect(errors().find((e) => e.code === 'invalid')?.id).toBe('s1');
    // Still serving: a valid request is answered.
    c.send({ type: 'subscribe', id: 'after', historyPoints: 10 });
    expect((await c.next('history', (m) => m.id === 'after')).id).toBe('after');
    // Past ws's maxPayload the connection is closed (1009), not buffered.
    c.send('x'.repeat(70 * 1024));
    expect(await c.closed()).toBe(1009);
  });

  it('sends the history downsampled to the points asked for, then the binary samples', async () => {
    const c = await open();
    c.send({ type: 'subscribe', id: 'two', historyPoints: 2 });
    const two = await c.next('history', (m) => m.id === 'two');
    expect(two.points.length).toBe(2);
    const all = server.history.snapshot('all', 5000).message.points;
    expect(all.length).toBeGreaterThan(4);
    expect(two.points[0]).toEqual(all[0]);
    expect(two.points[1]).toEqual(all[all.length - 1]);
    expect(two.taskEnds.map((t) => t.task)).toEqual([0, 1]);
    expect(two.binaries).toBe(2);
    await sleep(200);
    const samples = c.binaries.map(decodeSamples);
    expect(c.binaries.every((b) => b[0] === OPCODE_SAMPLES)).toBe(true);
    expect(samples.map((s) => s.task)).toEqual([0, 1]);
    expect(samples[0].shape).toEqual([28, 28, 1]);
    expect(samples[0].labels.length).toBeGreaterThan(0);
  });

  it('replays the finished run from its folder: the same curves and rows of R', async () => {
    const replay = await startServer({ host: '127.0.0.1', port: 0, job: new ReplayJob(out), clientDir: join(work, 'no-client') });
    try {
      const c = await connect(replay.port);
      const hello = await c.next('hello');
      expect(hello.state).toBe('replay');
      expect(hello.run?.kind).toBe('classification');
      c.send({ type: 'subscribe', id: 'h', historyPoints: 5000 });
      const history = await c.next('history');
      const live = server.history.snapshot('all', 5000).message;
      expect(history.points).toEqual(live.points);
      expect(history.taskEnds).toEqual(live.taskEnds);
      expect(history.binaries).toBe(2);
      c.close();
    } finally {
      await replay.close();
    }
  });
});

describe('dgr serve: who may connect', () => {
  let server: ViewerServer;
  const client = join(work, 'client');

  beforeAll(async () => {
    mkdirSync(join(client, 'assets'), { recursive: true });
    writeFileSync(join(client, 'index.html'), '<!doctype html><title>viewer</title>');
    writeFileSync(join(client, 'assets', 'main.js'), 'console.log(1)');
    server = await startServer({
      host: '127.0.0.1',
      port: 0,
      job: new ReplayJob(join(out, 'gr')),
      clientDir: client,
      maxViewers: 2,
      allowOrigins: ['http://allowed.example:3000'],
      heartbeatMs: 200,
    });
  });

  afterAll(async () => {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('serves the built viewer over HTTP, and nothing outside its folder', async () => {
    const get = async (path: string, method = 'GET'): Promise<{ status: number; type: string | null; body: string }> => {
      // Raw paths: fetch would normalise the dot segments away before sending them.
      const res = await new Promise<import('node:http').IncomingMessage>((resolve, reject) =>
        request({ host: '127.0.0.1', port: server.port, path, method }, resolve).on('error', reject).end(),
      );
      let body = '';
      for await (const chunk of res) body += String(chunk);
      return { status: res.statusCode ?? 0, type: res.headers['content-type'] ?? null, body };
    };
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.type).toMatch(/^text\/html/);
    expect(index.body).toContain('<title>viewer</title>');
    expect((await get('/assets/main.js')).type).toMatch(/^text\/javascript/);
    // Dot segments resolve inside the folder (the URL parser drops them), encoded ones are refused.
    expect((await get('/../index.html')).status).toBe(200);
    expect((await get('/../package.json')).status).toBe(404);
    expect((await get('/..%2f..%2fpackage.json')).status).toBe(403);
    expect((await get('/missing.js')).status).toBe(404);
    expect((await get('/', 'POST')).status).toBe(405);
  });

  it('refuses pages of other origins in the upgrade, accepts its own and --allow-origin ones', async () => {
    await expect(connect(server.port, { origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(connect(server.port, { origin: `http://localhost:${server.port + 1}` })).rejects.toThrow('HTTP 403');
    const own = await connect(server.port, { origin: `http://127.0.0.1:${server.port}` });
    const allowed = await connect(server.port, { origin: 'http://allowed.example:3000' });
    own.close();
    allowed.close();
    await own.closed();
    await allowed.closed();
  });

  it('refuses a client that does not speak dgr.v1', async () => {
    await expect(connect(server.port, { protocol: null })).rejects.toThrow('HTTP 400');
    await expect(connect(server.port, { protocol: 'dgr.v0' })).rejects.toThrow('HTTP 400');
  });

  it('caps the connections, and takes a new one when a viewer leaves', async () => {
    await sleep(100);
    const a = await connect(server.port);
    const b = await connect(server.port);
    await expect(connect(server.port)).rejects.toThrow('HTTP 503');
    a.close();
    await a.closed();
    await sleep(50);
    const c = await connect(server.port);
    b.close();
    c.close();
  });

  it('disconnects a client that stops answering pings', async () => {
    await sleep(100);
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, [SUBPROTOCOL], { autoPong: false });
    const code = await new Promise<number>((resolve) => socket.on('close', (c) => resolve(c)));
    expect(code).toBe(1006);
  });
});
