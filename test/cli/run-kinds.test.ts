/**
 * Issue 29's cases about run folders, on tiny real runs: a folder holds one kind of run (an RL run into an
 * experiment's folder, or the reverse, is refused naming both, nothing overwritten); `dgr serve` locks its seed
 * folder as `dgr rl` does, and is refused a folder holding other seeds (it writes its own seed's result alone);
 * `dgr serve --replay` of a folder that is not a finished run says what it is (and serves an unfinished RL run from
 * its checkpoint); `--host 0.0.0.0` prints a usable URL, accepts its own addresses' pages and warns that the
 * stream is visible to the network.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplayJob } from '../../server/replay.ts';
import { startServer } from '../../server/server.ts';
import { connect } from '../server/helpers.ts';
import { dgr, dgrRun, root } from './helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'dgr-run-kinds-'));
const rlFolder = join(work, 'rl');
const experimentFolder = join(work, 'experiment');
/** The tiny RL run's settings, for dgr rl and dgr serve alike (the quick preset: two games). */
const tinyRl = ['--frames', '2000', '--iterations', '5', '--generator-iterations', '5', '--backend', 'wasm'];

/** Every file under `dir` with a hash of its bytes: what "nothing overwritten" compares. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[path.slice(dir.length)] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(dir);
  return files;
}

/** A dgr process in the background, its output collected. */
function background(...args: string[]): { child: ChildProcess; out: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [dgr, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  return { child, out: () => out, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
}

async function until(what: string, check: () => boolean, seconds = 600): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('run folders of two kinds, dgr serve\'s lock, replay and host', () => {
  beforeAll(() => {
    const rl = dgrRun('rl', ...tinyRl, '--out', rlFolder);
    expect(rl.status, rl.stderr).toBe(0);
    const experiment = dgrRun('experiment', 'split-mnist', '--arm', 'none', '--iterations', '5', '--eval-every', '0', '--backend', 'wasm', '--out', experimentFolder);
    expect(experiment.status, experiment.stderr).toBe(0);
  }, 1_200_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('an RL run into an experiment\'s folder, and the reverse, is refused naming both kinds; nothing is overwritten', () => {
    const before = [snapshot(rlFolder), snapshot(experimentFolder)];
    const rl = dgrRun('rl', ...tinyRl, '--arm', 'none', '--out', experimentFolder);
    expect(rl.status).toBe(1);
    expect(rl.stderr).toContain(`${experimentFolder} holds a \`dgr experiment\` run (split-mnist: ${join(experimentFolder, 'none')}`);
    expect(rl.stderr).toContain('a `dgr rl` run there would replace its results');
    const served = dgrRun('serve', 'rl', '--preset', 'quick', ...tinyRl, '--port', '0', '--out', experimentFolder);
    expect(served.status).toBe(1);
    expect(served.stderr).toContain('holds a `dgr experiment` run');
    const experiment = dgrRun('experiment', 'split-mnist', '--arm', 'none', '--iterations', '5', '--out', rlFolder);
    expect(experiment.status).toBe(1);
    expect(experiment.stderr).toContain(`${rlFolder} holds a \`dgr rl\` run (RL: ${join(rlFolder, 'config.json')}); a \`dgr experiment\` run there would replace its results`);
    for (const r of [rl, served, experiment]) expect(r.stderr).not.toContain('dgr: backend');
    expect([snapshot(rlFolder), snapshot(experimentFolder)]).toEqual(before);
  }, 900_000);

  it('dgr serve, which writes its one seed\'s result, is refused a folder holding other seeds of the run, for both kinds', () => {
    const before = [snapshot(rlFolder), snapshot(experimentFolder)];
    const rl = dgrRun('serve', 'rl', '--preset', 'quick', ...tinyRl, '--seed', '2', '--port', '0', '--out', rlFolder);
    expect(rl.status).toBe(1);
    expect(rl.stderr).toContain(
      `${rlFolder} holds seed 1 of this run: \`dgr serve\` writes the result of its one seed (2) alone, which would replace theirs; ` +
        'add seed 2 with `dgr rl` and this --out, or serve into another --out',
    );
    const experiment = dgrRun('serve', 'split-mnist', '--arm', 'none', '--iterations', '5', '--eval-every', '0', '--backend', 'wasm', '--seed', '2', '--port', '0', '--out', experimentFolder);
    expect(experiment.status).toBe(1);
    expect(experiment.stderr).toContain(`${join(experimentFolder, 'none')} holds seed 1 of this run: \`dgr serve\` writes the result of its one seed (2) alone`);
    expect(experiment.stderr).toContain('add seed 2 with `dgr experiment` and this --out');
    for (const r of [rl, experiment]) expect(r.stderr).not.toContain('dgr: backend');
    expect([snapshot(rlFolder), snapshot(experimentFolder)]).toEqual(before);
  }, 900_000);

  it('dgr serve locks its seed folder: it is refused beside a running dgr rl, and dgr rl or a second serve beside it', async () => {
    const out = join(work, 'locked');
    const run = ['--preset', 'quick', '--frames', '40000', '--iterations', '5', '--generator-iterations', '5', '--backend', 'wasm', '--out', out];
    const rl = background('rl', ...run);
    await until('the rl run\'s lock', () => existsSync(join(out, 'seed-1', 'run.lock')));
    const refused = dgrRun('serve', 'rl', ...run, '--port', '0');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`the run folder of seed-1 ${join(out, 'seed-1')} is being written by process ${rl.child.pid}`);
    rl.child.kill('SIGKILL');
    await rl.exited;

    // The killed run's lock is stale: serve takes it, and holds it while it serves.
    const serve = background('serve', 'rl', ...run, '--port', '0', '--host', '0.0.0.0');
    try {
      await until('the viewer\'s URL', () => /open http/.test(serve.out()));
      const second = dgrRun('serve', 'rl', ...run, '--port', '0');
      const again = dgrRun('rl', ...run);
      for (const r of [second, again]) {
        expect(r.status).toBe(1);
        expect(r.stderr).toContain(`${join(out, 'seed-1')} is being written by process ${serve.child.pid}`);
      }
      // Listening on every address: a URL a browser can open, and a warning that the stream is visible.
      expect(serve.out()).toMatch(/open http:\/\/127\.0\.0\.1:\d+\/#token=/);
      expect(serve.out()).not.toContain('http://0.0.0.0');
      expect(serve.out()).toContain('beyond this machine: anyone who reaches port');
      expect(serve.out()).toContain('only the holder of the control token can control it');
    } finally {
      serve.child.kill('SIGINT');
      await serve.exited;
    }
    expect(existsSync(join(out, 'seed-1', 'run.lock'))).toBe(false);
  }, 1_800_000);

  it('dgr serve of an experiment locks its seed folders too: dgr experiment beside it is refused', async () => {
    const out = join(work, 'locked-experiment');
    // Long enough to be running still when the second run starts.
    const run = ['split-mnist', '--arm', 'none', '--iterations', '3000', '--eval-every', '0', '--backend', 'wasm', '--out', out];
    const seedDir = join(out, 'none', 'seed-1');
    const serve = background('serve', ...run, '--port', '0');
    try {
      await until('the served run\'s lock', () => existsSync(join(seedDir, 'run.lock')) || serve.child.exitCode !== null);
      const refused = dgrRun('experiment', ...run);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain(`${seedDir} is being written by process ${serve.child.pid}`);
    } finally {
      serve.child.kill('SIGINT');
      await serve.exited;
    }
    expect(existsSync(join(seedDir, 'run.lock'))).toBe(false);
  }, 1_800_000);

  it('--host 0.0.0.0 accepts the viewer\'s own pages from each address it listens on, and no others', async () => {
    const server = await startServer({ host: '0.0.0.0', port: 0, job: new ReplayJob(rlFolder), clientDir: join(work, 'no-client') });
    try {
      expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
      const lan = Object.values(networkInterfaces()).flatMap((l) => l ?? []).filter((a) => a.family === 'IPv4').map((a) => a.address);
      for (const address of ['127.0.0.1', 'localhost', ...lan]) {
        const client = await connect(server.port, { origin: `http://${address}:${server.port}` });
        client.socket.close();
      }
      await expect(connect(server.port, { origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
      await expect(connect(server.port, { origin: `http://0.0.0.0:${server.port + 1}` })).rejects.toThrow('HTTP 403');
    } finally {
      await server.close();
    }
  });

  it('dgr serve --replay says what a folder is that is not a finished run, and serves an unfinished RL run from its checkpoint', () => {
    const replay = (dir: string) => dgrRun('serve', '--replay', dir, '--port', '0');
    const file = join(work, 'a-file.json');
    writeFileSync(file, '{}');
    expect(replay(file).stderr).toContain(`--replay ${file}: a file, not a run's folder`);
    const stray = join(work, 'stray');
    mkdirSync(stray);
    writeFileSync(join(stray, 'config.json'), JSON.stringify({ hello: 1 }));
    const strayed = replay(stray);
    expect(strayed.stderr).toMatch(/config\.json is not the config of a `dgr rl` or `dgr experiment` run \(\d+ fields do not fit/);
    expect(strayed.stderr.split('\n').length).toBeLessThan(4);
    // A dgr rl run killed before its end: its seed folder, without the run's own config.json and arm folders.
    const unfinished = join(work, 'unfinished');
    mkdirSync(join(unfinished, 'seed-1'), { recursive: true });
    writeFileSync(join(unfinished, 'seed-1', 'config.json'), readFileSync(join(rlFolder, 'seed-1', 'config.json')));
    const early = replay(unfinished);
    expect(early.status).toBe(1);
    expect(early.stderr).toContain(`--replay ${unfinished}: an RL run stopped before its first phase ended (seed-1 holds no checkpoint): nothing to replay yet`);
    cpSync(join(rlFolder, 'seed-1', 'checkpoint'), join(unfinished, 'seed-1', 'checkpoint'), { recursive: true });
    const outputs: unknown[] = [];
    new ReplayJob(unfinished).start((o) => outputs.push(o));
    expect(outputs[0]).toMatchObject({ kind: 'message', message: { type: 'run', run: { kind: 'rl', games: ['freeway/slow', 'breakout'] } } });
  }, 900_000);
});
