/**
 * The arms side by side over the wire, with a real tiny RL run of two arms (GR and None) in the job's worker
 * thread: a viewer that asks (no token needed) is sent every arm's scholar playing the first game, episode 0 of
 * every arm from the same seed; a viewer that did not ask is sent none of it; a classification run refuses the
 * request; and after the first consolidation the newest scholars play (their Q-values on the same first
 * observation have changed).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeArmFrames, OPCODE_ARM_FRAMES, OPCODE_FRAME, type Frame } from '../../protocol/binary.ts';
import { WorkerJob } from '../../server/job.ts';
import { startServer, type ViewerServer } from '../../server/server.ts';
import { connect, tinyRl, tinySplit, type TestClient } from './helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'dgr-side-by-side-'));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const armFrames = (c: TestClient): Frame[][] => c.binaries.filter((b) => b[0] === OPCODE_ARM_FRAMES).map(decodeArmFrames);

describe('dgr serve: the arms side by side', () => {
  let server: ViewerServer;
  let job: WorkerJob;
  const clients: TestClient[] = [];
  const config = tinyRl();

  beforeAll(async () => {
    job = new WorkerJob({ kind: 'rl', config, backend: 'wasm', out: join(work, 'rl'), command: 'dgr serve (test)' }, 30);
    server = await startServer({ host: '127.0.0.1', port: 0, job, clientDir: join(work, 'no-client') });
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await job.stop();
    await server.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('sends every arm on the same game, seeds alike, only to the viewer that asked, and the newest scholars after a consolidation', async () => {
    expect(config.arms).toEqual(['gr', 'none']);
    const plain = await connect(server.port);
    const asking = await connect(server.port);
    clients.push(plain, asking);
    const hello = await asking.next('hello');
    expect(hello.capabilities).toContain('side-by-side');
    for (const c of [plain, asking]) c.send({ type: 'subscribe', id: 'h', historyPoints: 10 });
    asking.send({ type: 'side-by-side', id: 's1', on: true });
    expect(await asking.next('side-by-side')).toEqual({ type: 'side-by-side', id: 's1', on: true });

    // Arm frames while the first game is learnt, and again while the second is (after game 0's consolidation).
    const run = hello.run ?? (await asking.next('run')).run;
    if (run.kind !== 'rl') throw new Error('an RL run was served');
    const gameFrames = run.frames[0];
    const deadline = Date.now() + 400_000;
    // (A learner's last vector step lands on its game's last frame: the next game's frames are past it.)
    while (!armFrames(asking).some((set) => set[0].frame > gameFrames) && Date.now() < deadline) await sleep(250);
    const sets = armFrames(asking);
    expect(sets.length).toBeGreaterThan(2);
    for (const set of sets) {
      expect(set).toHaveLength(2);
      for (const f of set) {
        expect(f.player).toBe('scholar');
        expect(f.game).toBe(0);
        expect(f.qValues).toHaveLength(6);
      }
    }
    // Each phase starts every arm at episode 0 of the first game, from the same seed: the same first board.
    const firstOf = (inPhase: (f: Frame) => boolean): Frame[] => sets.find((set) => inPhase(set[0]))!;
    const before = firstOf((f) => f.frame <= gameFrames);
    const after = firstOf((f) => f.frame > gameFrames);
    for (const set of [before, after]) {
      expect(set.map((f) => f.step)).toEqual([1, 1]);
      expect(set[1].observation).toEqual(set[0].observation);
    }
    expect(after[0].observation).toEqual(before[0].observation);
    // The scholars consolidated game 0 in between: on that same board their Q-values are not what they were.
    for (const a of [0, 1]) expect(after[a].qValues).not.toEqual(before[a].qValues);

    // The viewer that never asked had game frames, and no arm frames.
    expect(plain.binaries.some((b) => b[0] === OPCODE_FRAME)).toBe(true);
    expect(armFrames(plain)).toEqual([]);
  }, 600_000);
});

describe('dgr serve: no arms side by side in a classification run', () => {
  it('refuses the request as unsupported', async () => {
    const job = new WorkerJob({ kind: 'classification', configs: [tinySplit()], backend: 'wasm', out: join(work, 'cls'), command: 'dgr serve (test)' }, 30);
    const server = await startServer({ host: '127.0.0.1', port: 0, job, clientDir: join(work, 'no-client') });
    try {
      const c = await connect(server.port);
      expect((await c.next('hello')).capabilities).not.toContain('side-by-side');
      c.send({ type: 'side-by-side', id: 's', on: true });
      expect(await c.next('error')).toMatchObject({ id: 's', code: 'unsupported' });
      c.close();
    } finally {
      await job.stop();
      await server.close();
    }
  }, 120_000);
});
