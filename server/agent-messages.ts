/**
 * An RL run's events (agent/events.ts) as protocol messages, in the job's worker thread. The agent emits a
 * frame on every vector step while it has a subscriber; viewers need a few dozen a second, so frames pass a
 * throttle here (latest wins) and are encoded only when someone watches.
 */
import type { AgentEvent, AgentFrame } from '../agent/events.ts';
import type { SubscriberError } from '../core/events.ts';
import { encodeArmFrames, encodeDreams, encodeFrame, type Frame } from '../protocol/binary.ts';
import { postLifecycle, type JobOutput } from './job.ts';

/**
 * The wire's Frame repeats the agent's frame event field for field (the client may import only env/ and
 * protocol/, so the wire type stands on its own); this fails to compile when either gains a field the other lacks.
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const FRAME_FIELDS_MATCH: Same<Omit<AgentFrame, 'type'>, Frame> = true;

/**
 * Keeps the newest frame offered and posts at most `rate` per second. A frame that arrives too soon replaces the
 * waiting one, which a timer posts when its slot comes (so the last frame before a pause is still shown).
 */
export class FrameThrottle<F> {
  private last = -Infinity;
  private waiting: F | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly rate: number,
    private readonly post: (frame: F) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  offer(frame: F): void {
    const gap = 1000 / this.rate;
    const t = this.now();
    if (t - this.last >= gap) {
      this.last = t;
      this.waiting = null;
      this.post(frame);
      return;
    }
    this.waiting = frame;
    this.timer ??= setTimeout(() => this.flush(), Math.max(0, gap - (t - this.last)));
  }

  private flush(): void {
    this.timer = null;
    if (this.waiting === null) return;
    const frame = this.waiting;
    this.waiting = null;
    this.last = this.now();
    this.post(frame);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** Episode reports per game per second at most. */
const EPISODES_PER_SECOND = 4;

/** A subscriber of the agent's event stream that posts protocol messages. */
export function agentSubscriber(
  post: (o: JobOutput) => void,
  watched: () => boolean,
  frameRate: number,
): { subscriber: (e: AgentEvent | SubscriberError) => void; dispose: () => void } {
  let arms: readonly string[] = [];
  const frames = new FrameThrottle<Extract<AgentEvent, { type: 'frame' }>>(frameRate, (f) => {
    post({ kind: 'binary', bytes: encodeFrame(f), frame: true });
  });
  // Sixteen environments end many episodes a second early in a game; viewers show the latest per game.
  const episodes = new Map<number, FrameThrottle<Extract<AgentEvent, { type: 'episode' }>>>();
  const episodeThrottle = (game: number): FrameThrottle<Extract<AgentEvent, { type: 'episode' }>> => {
    let throttle = episodes.get(game);
    if (!throttle) {
      throttle = new FrameThrottle(EPISODES_PER_SECOND, (e) => {
        post({ kind: 'message', message: { type: 'episode', game: e.game, frame: e.frame, return: e.return, length: e.length } });
      });
      episodes.set(game, throttle);
    }
    return throttle;
  };
  const subscriber = (e: AgentEvent | SubscriberError): void => {
    switch (e.type) {
      case 'start':
        arms = e.config.arms;
        post({
          kind: 'message',
          message: {
            type: 'run',
            run: {
              kind: 'rl',
              config: { ...e.config },
              arms: [...e.config.arms],
              games: [...e.games],
              frames: [...e.frames],
              reference: { random: [...e.reference.random], scripted: [...e.reference.scripted] },
            },
          },
        });
        post({ kind: 'message', message: { type: 'status', state: 'running' } });
        return;
      case 'progress':
        post({
          kind: 'message',
          message: {
            type: 'progress',
            task: e.game,
            phase: e.phase,
            done: e.frame,
            total: e.totalFrames,
            framesPerSecond: e.framesPerSecond,
            values: { epsilon: e.epsilon, tdLoss: e.tdLoss, consolidationLoss: e.consolidationLoss },
            etaSeconds: e.etaSeconds,
          },
        });
        return;
      case 'frame':
        if (watched()) frames.offer(e);
        return;
      case 'arm-frames':
        // Already at a person's pace (agent/side-by-side.ts), and made only while a viewer asks.
        post({ kind: 'binary', bytes: encodeArmFrames(e.frames), frame: true });
        return;
      case 'episode':
        episodeThrottle(e.game).offer(e);
        return;
      case 'curve':
        post({ kind: 'message', message: { type: 'curve', point: { series: e.arm ?? 'learner', x: e.frame, task: e.game, values: [...e.scores] } } });
        return;
      case 'task-end':
        post({ kind: 'message', message: { type: 'task-end', series: e.arm, task: e.game, x: e.frame, row: [...e.row] } });
        return;
      case 'dreams': {
        const bytes = encodeDreams({ arm: arms.indexOf(e.arm), game: e.game, actions: e.actions, resembles: e.resembles, observations: e.observations });
        post({ kind: 'binary', bytes, frame: false });
        return;
      }
      case 'end':
      case 'error':
      case 'subscriber-error':
        postLifecycle(e, post);
        return;
    }
  };
  return {
    subscriber,
    dispose: () => {
      frames.dispose();
      for (const t of episodes.values()) t.dispose();
    },
  };
}
