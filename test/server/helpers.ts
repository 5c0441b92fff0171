/** A real WebSocket client of protocol v1 for the server tests, and a tiny real classification run to serve. */
import WebSocket from 'ws';
import type { AgentConfig } from '../../agent/config.ts';
import { agentPreset } from '../../agent/presets.ts';
import type { RunConfig } from '../../core/config.ts';
import { findExperiment } from '../../core/experiments/presets.ts';
import { serverMessageSchema, SUBPROTOCOL, type ServerMessage } from '../../protocol/messages.ts';

/** Split MNIST, two tasks of 2 digits, 20 iterations each on a few hundred images: seconds. */
export function tinySplit(overrides: Partial<RunConfig> = {}): RunConfig {
  const preset = findExperiment('split-mnist').build('quick', { arm: 'gr', seed: 1, scenario: 'class' });
  return {
    ...preset,
    stream: { kind: 'split-mnist', scenario: 'class', tasks: 2, limit: { train: 400, test: 100 } },
    iterations: 50,
    generatorIterations: 20,
    evalEvery: 25,
    curveSamples: 50,
    parallel: false,
    ...overrides,
  };
}

/**
 * The quick RL preset cut to seconds of work: Freeway then Breakout, 4000 frames each, learning from frame 500,
 * evaluating every 1000 frames with 2 short episodes, 60 consolidation and generator iterations.
 */
export function tinyRl(): AgentConfig {
  const c = agentPreset('quick', { framesPerGame: 4000, iterations: 60, generatorIterations: 60, parallel: false });
  return {
    ...c,
    learner: { ...c.learner, bufferSize: 4000, learningStarts: 500, epsilon: { ...c.learner.epsilon, decayFrames: 2000 } },
    scholar: { ...c.scholar, observations: 1000, batchSize: 32 },
    generator: { ...c.generator, batchSize: 32 },
    er: { capacity: 1000 },
    evaluation: { every: 1000, episodes: 2, maxSteps: 200, referenceEpisodes: 2 },
  };
}

export class TestClient {
  readonly messages: ServerMessage[] = [];
  readonly binaries: Uint8Array[] = [];
  closeCode: number | null = null;
  private waiters: (() => void)[] = [];

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      if (isBinary) this.binaries.push(new Uint8Array(data as Buffer));
      // Everything the server sends must follow the protocol: parse, and throw (fail the test) if not.
      else this.messages.push(serverMessageSchema.parse(JSON.parse(String(data))));
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('close', (code) => {
      this.closeCode = code;
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** The first message (from index `from`) matching, waiting for it up to `ms`. */
  async next<T extends ServerMessage['type']>(type: T, match: (m: Extract<ServerMessage, { type: T }>) => boolean = () => true, ms = 60_000): Promise<Extract<ServerMessage, { type: T }>> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.messages.find((m) => m.type === type && match(m as Extract<ServerMessage, { type: T }>));
      if (found) return found as Extract<ServerMessage, { type: T }>;
      if (this.closeCode !== null) throw new Error(`closed (${this.closeCode}) before a '${type}' message`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no '${type}' message within ${ms} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async closed(ms = 10_000): Promise<number> {
    const deadline = Date.now() + ms;
    while (this.closeCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (this.closeCode === null) throw new Error('still open');
    return this.closeCode;
  }

  send(data: unknown): void {
    this.socket.send(typeof data === 'string' || Buffer.isBuffer(data) ? data : JSON.stringify(data));
  }

  close(): void {
    this.socket.terminate();
  }
}

/** Connects; rejects with the HTTP status when the server refuses the upgrade. */
export function connect(port: number, options: { origin?: string; protocol?: string | null } = {}): Promise<TestClient> {
  const protocol = options.protocol === undefined ? SUBPROTOCOL : options.protocol;
  const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, protocol === null ? [] : [protocol], options.origin ? { origin: options.origin } : {});
  const client = new TestClient(socket);
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(client));
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    socket.once('error', reject);
  });
}
