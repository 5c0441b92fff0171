/**
 * A run's events (core/run-events.ts) as protocol messages, in the job's worker thread: one path for both kinds
 * of run. The events every run shares become the same messages (run, status, progress, curve, task-end); each
 * kind's payload fills in what the kinds measure differently — a curve's x (the RL run's frame, a classification
 * arm's solver iterations over the run), a progress report's values, and the binary a task's end carries (an RL
 * arm's dreams, a classification arm's generated digits). An RL run also emits a frame on every vector step while
 * it has a subscriber; viewers need a few dozen a second, so frames pass a throttle here (latest wins) and are
 * encoded only when someone watches.
 */
import type { AgentConfig } from '../agent/config.ts';
import type { AgentEvent, AgentFrame } from '../agent/events.ts';
import type { RunConfig } from '../core/config.ts';
import type { Subscriber } from '../core/events.ts';
import { encodeArmFrames, encodeDreams, encodeFrame, encodeSamples, type Frame } from '../protocol/binary.ts';
import type { CurvePoint, Progress, RunInfo } from '../protocol/messages.ts';
import type { AnyRunEvent } from '../runner/watchers.ts';
import { postLifecycle, type JobOutput } from './job.ts';
import { FrameThrottle } from './throttle.ts';

/**
 * The wire's Frame repeats the agent's frame event field for field (the client may import only env/ and
 * protocol/, so the wire type stands on its own); this fails to compile when either gains a field the other lacks.
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const FRAME_FIELDS_MATCH: Same<Omit<AgentFrame, 'type'>, Frame> = true;

/** Episode reports per game per second at most. */
const EPISODES_PER_SECOND = 4;

export interface MessageOptions {
  /** Whether a subscribed viewer is there for the frames. */
  readonly watched: () => boolean;
  /** Most frames per second posted. */
  readonly frameRate: number;
  /** At each progress report: where a paused classification run holds (an RL run reads its controls itself). */
  readonly beforeProgress?: () => void;
  /** A classification experiment's arms, each run on its own in this order: the first arm's start says what the
   *  job runs, and each arm is a series of the curves. */
  readonly arms?: readonly string[];
}

export function rlRunInfo(config: AgentConfig, games: readonly string[], frames: readonly number[], reference: { readonly random: readonly number[]; readonly scripted: readonly number[] }): RunInfo {
  return {
    kind: 'rl',
    config: { ...config },
    arms: [...config.arms],
    games: [...games],
    frames: [...frames],
    reference: { random: [...reference.random], scripted: [...reference.scripted] },
  };
}

export function classificationRunInfo(config: RunConfig, arms: readonly string[], tasks: readonly string[], shape: readonly number[]): RunInfo {
  return { kind: 'classification', config: { ...config }, arms: [...arms], tasks: [...tasks], iterations: config.iterations, shape: [...shape] };
}

/** Generated inputs (floats in [0, 1]) as bytes for the SAMPLES message. */
function quantise(x: Float32Array): Uint8Array {
  const out = new Uint8Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.round(255 * Math.min(1, Math.max(0, x[i])));
  return out;
}

type Event<T extends AnyRunEvent['type'], E = AnyRunEvent> = Extract<E, { type: T }>;
type Start = Event<'start'>;

/** What the run's start said that later events are read with: its arms, and a classification arm's series. */
interface Started {
  readonly arms: readonly string[];
  /** The classification arm this run is (its name and index among the experiment's arms). */
  readonly series: string;
  readonly index: number;
  readonly tasks: number;
  /** Solver iterations per task (classification). */
  readonly iterations: number;
}

function started(e: Start, options: MessageOptions): Started {
  if (e.kind === 'rl') return { arms: e.config.arms, series: '', index: 0, tasks: e.tasks.length, iterations: 0 };
  const arms = options.arms ?? [e.config.arm];
  return { arms, series: e.config.arm, index: Math.max(0, arms.indexOf(e.config.arm)), tasks: e.tasks.length, iterations: e.config.iterations };
}

/** The run the job serves; a classification experiment says so once, at its first arm's start. */
function runInfo(e: Start, run: Started): RunInfo | null {
  if (e.kind === 'rl') return rlRunInfo(e.config, e.tasks, e.frames, e.reference);
  return run.index === 0 ? classificationRunInfo(e.config, run.arms, e.tasks, e.stream.shape) : null;
}

function progressMessage(e: Event<'progress'>, run: Started): Omit<Progress, 'type'> {
  if (e.kind === 'rl') {
    const values = { epsilon: e.epsilon, tdLoss: e.tdLoss, consolidationLoss: e.consolidationLoss };
    return { task: e.task, phase: e.phase, done: e.frame, total: e.totalFrames, framesPerSecond: e.framesPerSecond, values, etaSeconds: e.etaSeconds };
  }
  const done = e.task * run.iterations + e.iteration;
  const values = { solverLoss: e.solverLoss, generatorLoss: e.generatorLoss };
  return { task: e.task, phase: `${run.series}: train`, done, total: run.tasks * run.iterations, framesPerSecond: null, values, etaSeconds: null };
}

/** A curve's point: the RL run's frame, or the classification arm's solver iterations over the run. */
function curvePoint(e: Event<'curve'>, run: Started): CurvePoint {
  if (e.kind === 'rl') return { series: e.arm ?? 'learner', x: e.frame, task: e.task, values: [...e.values] };
  return { series: run.series, x: e.task * run.iterations + e.iteration, task: e.task, values: [...e.values] };
}

/** A task's end: its row of R at x, and what the student would replay (dreams, or digits with their labels). */
function taskEndOutputs(e: Event<'task-end'>, run: Started): JobOutput[] {
  if (e.kind === 'rl') {
    const out: JobOutput[] = [{ kind: 'message', message: { type: 'task-end', series: e.arm, task: e.task, x: e.frame, row: [...e.row] } }];
    if (e.dreams) {
      const bytes = encodeDreams({ arm: run.arms.indexOf(e.arm), game: e.task, actions: e.dreams.actions, resembles: e.dreams.resembles, observations: e.dreams.observations });
      out.push({ kind: 'binary', bytes, frame: false });
    }
    return out;
  }
  const x = (e.task + 1) * run.iterations;
  const out: JobOutput[] = [
    { kind: 'message', message: { type: 'task-end', series: run.series, task: e.task, x, row: [...e.row] } },
    // The end of a task is a point of its curves too, so a run without --eval-every still draws lines.
    { kind: 'message', message: { type: 'curve', point: { series: run.series, x, task: e.task, values: [...e.row] } } },
  ];
  if (e.samples && e.sampleLabels && e.samples.length > 0) {
    const [h, w, c] = e.shape;
    const bytes = encodeSamples({ arm: run.index, task: e.task, shape: [h, w, c], labels: Array.from(e.sampleLabels), pixels: quantise(e.samples) });
    out.push({ kind: 'binary', bytes, frame: false });
  }
  return out;
}

/** What an RL run's played game becomes: throttled frames and episodes, the arms side by side as they come. */
function liveGame(post: (o: JobOutput) => void, options: MessageOptions): { offer(e: Event<'frame' | 'arm-frames' | 'episode', AgentEvent>): void; dispose(): void } {
  const frames = new FrameThrottle<AgentFrame>(options.frameRate, (f) => post({ kind: 'binary', bytes: encodeFrame(f), frame: true }));
  // Sixteen environments end many episodes a second early in a game; viewers show the latest per game.
  const episodes = new Map<number, FrameThrottle<Event<'episode', AgentEvent>>>();
  const episodeThrottle = (game: number): FrameThrottle<Event<'episode', AgentEvent>> => {
    let throttle = episodes.get(game);
    if (!throttle) {
      throttle = new FrameThrottle(EPISODES_PER_SECOND, (e) => {
        post({ kind: 'message', message: { type: 'episode', game: e.game, frame: e.frame, return: e.return, length: e.length } });
      });
      episodes.set(game, throttle);
    }
    return throttle;
  };
  return {
    offer(e) {
      if (e.type === 'frame') {
        if (options.watched()) frames.offer(e);
      } else if (e.type === 'arm-frames') {
        // Already at a person's pace (agent/side-by-side.ts), and made only while a viewer asks.
        post({ kind: 'binary', bytes: encodeArmFrames(e.frames), frame: true });
      } else episodeThrottle(e.game).offer(e);
    },
    dispose() {
      frames.dispose();
      for (const t of episodes.values()) t.dispose();
    },
  };
}

/** A subscriber of one run's events (a classification experiment: one per arm) that posts protocol messages. */
export function runMessages(post: (o: JobOutput) => void, options: MessageOptions): { subscriber: Subscriber<AnyRunEvent>; dispose: () => void } {
  let run: Started | null = null;
  const game = liveGame(post, options);
  const message = (m: Extract<JobOutput, { kind: 'message' }>['message']): void => post({ kind: 'message', message: m });
  const subscriber: Subscriber<AnyRunEvent> = (e) => {
    switch (e.type) {
      case 'start': {
        run = started(e, options);
        const info = runInfo(e, run);
        if (info) message({ type: 'run', run: info });
        message({ type: 'status', state: 'running' });
        return;
      }
      case 'progress':
        options.beforeProgress?.();
        if (run) message({ type: 'progress', ...progressMessage(e, run) });
        return;
      case 'curve':
        if (run) message({ type: 'curve', point: curvePoint(e, run) });
        return;
      case 'task-end':
        if (run) for (const o of taskEndOutputs(e, run)) post(o);
        return;
      case 'frame':
      case 'arm-frames':
      case 'episode':
        game.offer(e);
        return;
      case 'end':
      case 'error':
      case 'subscriber-error':
        postLifecycle(e, post);
        return;
    }
  };
  return { subscriber, dispose: () => game.dispose() };
}
