/**
 * A run whose arms compute side by side (config.parallel 'arms'): one worker thread trains the games' short-term
 * learners into a learner cache, and one thread per arm runs that arm alone (./run.ts), loading each game's
 * learner from the cache as soon as it is there. A wasm engine computes on one core, so on two cores the learner
 * of game k+1 and the arms' consolidations of game k run at once. While the first game's learner trains, the arms
 * have nothing to do: a second learner thread trains a later game's learner meanwhile ("learners-ahead",
 * ./learner-phase.ts learnAhead), so the learners end one game's time sooner.
 *
 * Where the run computes, not what: arms never share a random stream (each forks its own by name,
 * core/engine/random.ts) and every arm consolidates the same learner (./learner-cache.ts), so an arm's thread
 * computes what that arm computes in a run of all the arms on one thread, number for number
 * (test/agent/arm-threads.test.ts).
 *
 * Each thread checkpoints in its own folder (`<checkpoint>/threads/<part>`) and resumes from it. At the end the
 * threads' checkpoints become the run's, as one thread would have left it (the arms' arrays side by side, the
 * learners' record), and their folders are removed; a finished run is then read back on one thread like any
 * other.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { checkpointProgress, loadCheckpoint, saveCheckpoint, type CheckpointArray, type CheckpointData } from '../core/checkpoint.ts';
import { sameRun } from '../core/config.ts';
import { clock } from '../core/continual.ts';
import { matMulPath } from '../core/engine/wasm-kernels.ts';
import { EventStream } from '../core/events.ts';
import type { ArmThreadInput, ArmThreadMessage, ArmThreadRequest } from './arm-thread.ts';
import { RL_ARMS } from './arms/index.ts';
import { parseAgentConfig, type AgentConfig } from './config.ts';
import { defaultControl, type AgentEvent } from './events.ts';
import { agentResult, type AgentResult, type RunRecord } from './result.ts';
import { dreamFramesOf, RunStopped, type AgentRunOptions } from './run.ts';
import { PROGRESS_FORMAT, readProgress, type SavedProgress } from './saved-progress.ts';
import { ThreadsEta } from './threads-eta.ts';

/** How often the parent passes a stop on to its threads. */
const STOP_POLL_MS = 250;

/**
 * How much lower (in nice steps, per thread on Linux) an arm's thread runs than the learners'. Every arm's
 * consolidation of game k waits for learner k, so the learners are the run's critical path; at equal shares, four
 * threads on two cores gave the learner half a core (the protocol's first seed on both cores, 2026-12-07: 48 % of a
 * core each), which every arm's next game then waited on. At 5 the learner took 86 % of a core and the arms shared
 * the other (35-37 % each). Where the run computes, not what: the numbers are the same.
 */
export const ARM_THREAD_NICE = 5;

/**
 * How much lower an arm with a generator runs (GR): between the learners and the other arms. Its consolidations are
 * the run's longest (G's training on top of the scholar's), so once the learners are done it is the last arm
 * running: on the protocol's first seed at equal shares it ran alone for its last 20 minutes, one core idle. Ahead
 * of the other arms, it keeps more of a core while they run and less of the run's end is it alone.
 */
export const GENERATOR_ARM_NICE = 2;

/** A thread's nice steps below the process: the learners' 0, a generator arm's, another arm's. */
const niceOf = (part: Part): number => (isLearners(part) ? 0 : RL_ARMS[part].generator ? GENERATOR_ARM_NICE : ARM_THREAD_NICE);

type Part = ArmThreadInput['part'];
type Saved = CheckpointData<AgentConfig, SavedProgress>;

/** What each part's thread runs: the whole config for the learners, the arm alone for an arm (on its thread). */
const partConfig = (config: AgentConfig, part: Part): AgentConfig => ({ ...config, ...(isLearners(part) ? {} : { arms: [part] }), parallel: false });

const isLearners = (part: Part): part is 'learners' | 'learners-ahead' => part === 'learners' || part === 'learners-ahead';

export async function runArmsInThreads(config: AgentConfig, options: AgentRunOptions): Promise<AgentResult> {
  const started = performance.now();
  const scratch = options.checkpointDir ? null : mkdtempSync(join(tmpdir(), 'dgr-arm-threads-'));
  const threads = join(options.checkpointDir ?? (scratch as string), 'threads');
  const folder = (part: Part): string => join(threads, part);
  const events = options.events ?? new EventStream<AgentEvent>();
  try {
    const ahead: Part[] = config.schedule.tasks.length > 1 ? ['learners-ahead'] : [];
    const parts: Part[] = ['learners', ...config.arms];
    const cache = options.learnerCache ?? join(threads, 'learner-cache');
    // Where each thread's checkpoint left it (null: none), read once for the run's time and the learners' games.
    const left = new Map([...parts, ...ahead].map((part) => [part, checkpointProgress(folder(part)) as ThreadProgress | null]));
    const before = secondsBefore([...left.values()]);
    const leave = learnersLeft(left.get('learners') ?? null, left.get('learners-ahead') ?? null);
    const leaveLearner = (part: Part): number | undefined => (part === 'learners' ? leave.byLearners : part === 'learners-ahead' ? leave.byAhead : undefined);
    const eta = new ThreadsEta(config);
    for (const arm of config.arms) eta.timedBefore(arm, lastLessonSeconds(left.get(arm) ?? null, arm));
    await runParts([...parts, ...ahead], config, options, events, eta, (part) => ({ checkpointDir: folder(part), learnerCache: cache, leaveLearner: leaveLearner(part) }));
    const load = (part: Part): Saved => loadCheckpoint<AgentConfig, SavedProgress>(folder(part), { parseConfig: parseAgentConfig, parseProgress: readProgress, expected: partConfig(config, part), same: sameRun });
    const saved = mergedCheckpoint(config, parts.map(load), ahead.length > 0 ? load('learners-ahead') : null);
    if (options.checkpointDir) {
      saveCheckpoint(options.checkpointDir, saved);
      rmSync(threads, { recursive: true, force: true });
    }
    const { record, seconds } = saved.progress;
    const result = agentResult(config, record, dreamFramesOf(saved.arrays, config.arms), Math.max(seconds, clock(before, started)()));
    events.emit({ type: 'end', kind: 'rl', seconds: result.seconds, arms: result.arms.map((a) => ({ arm: a.arm, acc: a.acc, retention: a.retention })) });
    return result;
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * After a restart, the game each learner thread leaves to the other: the one the other's checkpoint holds in the
 * middle of its game (whichever claimed it first would otherwise train it again from its first frame). Both in the
 * middle of the same game (one claimed it as the other stopped), the one further on keeps it.
 */
function learnersLeft(learners: ThreadProgress | null, ahead: ThreadProgress | null): { byLearners?: number; byAhead?: number } {
  const [mine, theirs] = [learners, ahead].map(inTheMiddle);
  if (mine && theirs && mine.game === theirs.game) return theirs.frame > mine.frame ? { byLearners: theirs.game } : { byAhead: mine.game };
  return { byLearners: theirs?.game, byAhead: mine?.game };
}

/** What of a thread's checkpoint progress the parent reads (unchecked: any field may be missing). */
interface ThreadProgress {
  readonly seconds?: unknown;
  readonly position?: { readonly game?: unknown };
  readonly learner?: { readonly frame?: unknown };
  readonly record?: { readonly arms?: Record<string, { readonly seconds?: unknown } | undefined> };
}

/** An arm thread's last finished consolidation as its checkpoint records it: its generator's and scholar's seconds. */
function lastLessonSeconds(progress: ThreadProgress | null, arm: string): { generator?: number; scholar?: number } {
  const lessons = progress?.record?.arms?.[arm]?.seconds;
  const last: unknown = Array.isArray(lessons) ? lessons.at(-1) : undefined;
  if (typeof last !== 'object' || last === null) return {};
  const { generator, solver } = last as { generator?: unknown; solver?: unknown };
  return { ...(typeof generator === 'number' && { generator }), ...(typeof solver === 'number' && { scholar: solver }) };
}

/** The game (and frame) a learner thread's checkpoint holds a learner in the middle of, if any. */
function inTheMiddle(progress: ThreadProgress | null): { game: number; frame: number } | undefined {
  const game = progress?.position?.game;
  const frame = progress?.learner?.frame;
  return typeof game === 'number' && typeof frame === 'number' ? { game, frame } : undefined;
}

/**
 * The run's wall seconds before this process took it up: the most any of its threads' checkpoints counted. A
 * thread's clock goes on from its checkpoint's seconds, or starts at 0 without one: an arm that had only waited for
 * a learner before a restart would count the run from the restart.
 */
function secondsBefore(progress: readonly (ThreadProgress | null)[]): number {
  const counted = progress.map((p) => p?.seconds);
  return Math.max(0, ...counted.map((s) => (typeof s === 'number' && Number.isFinite(s) ? s : 0)));
}

/**
 * Runs every part in its thread until all are done; passes the run's stop on to them (each stops at its next
 * checkpoint, and the run throws RunStopped once all have), and ends the others at once when one fails.
 */
async function runParts(parts: readonly Part[], config: AgentConfig, options: AgentRunOptions, events: EventStream<AgentEvent>, eta: ThreadsEta, where: (part: Part) => Pick<ArmThreadInput, 'checkpointDir' | 'learnerCache' | 'leaveLearner'>): Promise<void> {
  const control = options.control ?? defaultControl();
  const native = options.backend === 'wasm' && matMulPath() === 'openblas';
  const workers = parts.map((part) => {
    const input: ArmThreadInput = { config: partConfig(config, part), part, backend: options.backend, native, nice: niceOf(part), ...where(part) };
    return { part, worker: new Worker(new URL('./arm-thread-entry.mjs', import.meta.url), { workerData: input }) };
  });
  const stopAll = (): void => {
    for (const { worker } of workers) worker.postMessage({ type: 'stop' } satisfies ArmThreadRequest);
  };
  let stopSent = false;
  const poll = setInterval(() => {
    if (control.stop && !stopSent) {
      stopSent = true;
      stopAll();
    }
  }, STOP_POLL_MS);
  try {
    const ends = await Promise.all(workers.map(({ part, worker }) => partEnd(part, worker, events, config, eta)));
    if (ends.includes('stopped')) throw new RunStopped(0);
  } catch (error) {
    await Promise.all(workers.map(({ worker }) => worker.terminate()));
    throw error;
  } finally {
    clearInterval(poll);
  }
}

/** A part's thread to its end: its events forwarded as the whole run's, then done or stopped; an error, or an
 *  exit without either, rejects naming the part. */
function partEnd(part: Part, worker: Worker, events: EventStream<AgentEvent>, whole: AgentConfig, eta: ThreadsEta): Promise<'done' | 'stopped'> {
  const name = part === 'learners' ? 'the learner thread' : part === 'learners-ahead' ? 'the thread training learners ahead' : `arm ${part}'s thread`;
  return new Promise((resolve, reject) => {
    let ended = false;
    worker.on('message', (message: ArmThreadMessage) => {
      if (message.type === 'event') return events.emit(asWholeRun(message.event, whole, part, eta));
      ended = true;
      if (message.type === 'error') reject(new Error(`${name}: ${message.message}`));
      else resolve(message.type);
    });
    worker.on('error', (error) => reject(new Error(`${name}: ${error.message}`)));
    worker.on('exit', (code) => {
      if (!ended) reject(new Error(`${name} exited (code ${code}) before the end of its part`));
    });
  });
}

/** A part's event as the whole run's: the learner thread's start with the run's config; progress named by its
 *  part, with the whole run's time left from every thread's reports (a thread's own estimate counts its part only). */
function asWholeRun(event: AgentEvent, whole: AgentConfig, part: Part, eta: ThreadsEta): AgentEvent {
  if (event.type === 'start') return { ...event, config: whole };
  if (event.type === 'progress') return { ...event, part, etaSeconds: eta.observe(part, event, performance.now()) };
  return event;
}

/**
 * The run's checkpoint at its end, from its parts' (the learners first, then each arm's): the learners' record with
 * each arm's rows and the arms' consolidation time summed, every arm's arrays (each named by its arm; the audit
 * frames are the same in every part), and the longest part's seconds, which include its waits. A learner the
 * thread ahead trained is the run's own, not one reused from a cache, though the learner thread loaded it there.
 */
function mergedCheckpoint(config: AgentConfig, [learners, ...arms]: readonly Saved[], ahead: Saved | null): Saved {
  const trainedAhead = ahead?.progress.record.learners ?? [];
  const record: RunRecord = {
    ...learners.progress.record,
    learners: learners.progress.record.learners.map((l) => trainedAhead.find((a) => a.game === l.game) ?? l),
    arms: Object.fromEntries(config.arms.map((arm, i) => [arm, arms[i].progress.record.arms[arm]])) as RunRecord['arms'],
    consolidationSeconds: arms.reduce((sum, a) => sum + a.progress.record.consolidationSeconds, 0),
  };
  const arrays: Record<string, CheckpointArray[]> = Object.assign({}, ...arms.map((a) => a.arrays));
  const seconds = Math.max(...[learners, ...arms, ...(ahead ? [ahead] : [])].map((p) => p.progress.seconds));
  return { config, progress: { format: PROGRESS_FORMAT, position: { game: config.schedule.tasks.length, learned: false, armsDone: 0 }, record, seconds }, arrays };
}
