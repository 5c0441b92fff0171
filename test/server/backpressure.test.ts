/**
 * Backpressure: a viewer that stops reading must neither grow the server's memory nor slow the job. A real server,
 * one real ws viewer that reads, and one raw TCP viewer that completes the handshake, subscribes and then never
 * reads again, while a job offers game frames as fast as it can make them.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeEnv } from '../../env/single.ts';
import { decodeFrame, encodeFrame, OPCODE_FRAME } from '../../protocol/binary.ts';
import type { Capability, ControlState } from '../../protocol/messages.ts';
import { refusalOf, type Job, type JobOutput, type JobRequest, type Refusal, type Watching } from '../../server/job.ts';
import { stalledViewer } from '../../server/bench.ts';
import { startServer, type ViewerServer } from '../../server/server.ts';
import { connect } from './helpers.ts';

/** A job that plays Breakout with random actions and offers every frame, `total` of them, in slices. */
class FrameSource implements Job {
  readonly capabilities: readonly Capability[] = ['frames'];
  produced = 0;
  watched = false;
  private output: (o: JobOutput) => void = () => {};

  constructor(private readonly total: number) {}

  refusal(request: JobRequest): Refusal | null {
    return refusalOf(this.capabilities, null, request);
  }

  start(output: (o: JobOutput) => void): void {
    this.output = output;
  }

  /** Offers all frames (yielding to the event loop between slices, as a training loop does); resolves when done. */
  async run(): Promise<void> {
    const env = makeEnv('breakout');
    let observation = env.reset(1).observation;
    while (this.produced < this.total) {
      for (let i = 0; i < 2000 && this.produced < this.total; i++) {
        const action = this.produced % 6;
        const step = env.step(action);
        const frame = { game: 0, player: 'learner' as const, step: this.produced, frame: this.produced, action, reward: step.reward, score: step.info.score, observation, qValues: [0, 1, 2, 3, 4, 5] };
        observation = step.terminated || step.truncated ? env.reset().observation : step.observation;
        this.output({ kind: 'binary', bytes: encodeFrame(frame), frame: true });
        this.produced++;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.output({ kind: 'end', state: 'finished' });
  }

  control(): ControlState {
    return { paused: false, framesPerSecond: 0, watch: null };
  }

  apply(): ControlState {
    return this.control();
  }

  setWatched(watching: Watching): void {
    this.watched = watching.frames;
  }

  async stop(): Promise<void> {}
}

describe('dgr serve: backpressure', () => {
  let server: ViewerServer | null = null;
  afterAll(async () => {
    await server?.close();
  });

  it('drops frames for a stalled viewer (latest wins), bounds its backlog, disconnects it, and never holds the job back', async () => {
    // Enough frames to fill the loopback socket's kernel buffers several times over (they autotune to ~10 MB).
    const total = 300_000;
    const job = new FrameSource(total);
    const frameCap = 64 * 1024;
    server = await startServer({
      host: '127.0.0.1',
      port: 0,
      job,
      clientDir: mkdtempSync(join(tmpdir(), 'dgr-bp-')),
      limits: { frameCap, hardCap: 4 * 1024 * 1024, stuckMs: 1500 },
    });
    const fast = await connect(server.port);
    fast.send({ type: 'subscribe', id: 'fast', historyPoints: 10 });
    await fast.next('history');
    const slow = await stalledViewer(server.port);
    await new Promise((r) => setTimeout(r, 200));
    expect(job.watched).toBe(true);
    expect(server.viewers().map((v) => v.connected)).toEqual([true, true]);

    await job.run();
    expect(job.produced).toBe(total);
    const [fastStats, slowStats] = server.viewers();
    // The stalled viewer: frames held back once its backlog passed the cap, so the backlog stays at the cap.
    expect(slowStats.framesDropped).toBeGreaterThan(10_000);
    expect(slowStats.framesSent).toBeLessThan(total - 10_000);
    expect(slowStats.maxBuffered).toBeLessThanOrEqual(frameCap + 200);
    // The reading viewer is not held back by the other: it is sent every frame.
    expect(fastStats.framesDropped).toBe(0);
    // ... and ends on the newest frame.
    const deadline = Date.now() + 60_000;
    const last = (): number => {
      const frames = fast.binaries.filter((b) => b[0] === OPCODE_FRAME);
      return frames.length === 0 ? -1 : decodeFrame(frames[frames.length - 1]).frame;
    };
    while (last() !== total - 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(last()).toBe(total - 1);
    // Stuck over the cap for longer than stuckMs: disconnected.
    const gone = Date.now() + 10_000;
    while (server.viewers()[1].connected && Date.now() < gone) await new Promise((r) => setTimeout(r, 50));
    expect(server.viewers().map((v) => v.connected)).toEqual([true, false]);
    slow.destroy();
    fast.close();
  });
});
