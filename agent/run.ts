/**
 * The continual RL run (RePR's shape in the paper's vocabulary, ../shared/PAPER.md §4): the RL domain of core's
 * continual loop (core/continual.ts). For each game k of the schedule:
 *   1. learn     a short-term double DQN learns game k from scratch (./learner-phase.ts; shared by every arm);
 *   2. for each arm, one student of the loop:
 *      consolidate  Q_k learns r · L(Q_k(s), Q_short(s)) + (1 − r) · L(Q_k(s'), y') (./consolidate.ts), s' and y'
 *                   from the arm's replay source and a penalty from its regulariser (./arms, one table), while G_k
 *                   learns real game-k frames mixed with G_(k−1)'s dreams (arms with a generator); then the arm
 *                   keeps what it needs of game k;
 *      evaluate     greedy episodes of Q_k on every game of the schedule: row k of R, in normalised scores;
 *      audit        what G_(k−1) replayed, how often Q_k keeps Q_(k−1)'s actions on the earlier games' real
 *                   frames and dreams (./actions-kept.ts), and G_k's dreams with Q_k's greedy actions for the viewer;
 *   and a checkpoint after every phase, so a killed run resumes to the identical result. A phase is also
 *   checkpointed in its middle every few minutes, and where a run asked to stop (control.stop: Ctrl-C) stands: a
 *   learner mid-game (./learner-state.ts), or a consolidation between two reports of G_k's training or Q_k's
 *   (its streams where they stand, and Q_(k−1) and G_(k−1) beside Q_k and G_k, ./saved-progress.ts); the next
 *   start goes on from there.
 */
import { hasCheckpoint, loadCheckpoint, type CheckpointArray } from '../core/checkpoint.ts';
import { sameRun } from '../core/config.ts';
import { clock, continualLoop, importance, type ContinualDomain, type Lesson, type Learnt, type Position } from '../core/continual.ts';
import type { BackendName } from '../core/engine/backend-names.ts';
import { Rng } from '../core/engine/random.ts';
import { EventStream } from '../core/events.ts';
import type { Generator } from '../core/generators/generator.ts';
import { PerTaskGenerators } from '../core/generators/per-task.ts';
import { disposeStudent } from '../core/scholar.ts';
import type { Solver } from '../core/solvers/solver.ts';
import { parseSchedule, type Schedule } from '../env/schedule.ts';
import { actionsKept, teacherOnReal, type TeacherActions } from './actions-kept.ts';
import { auditDreams, channelProfile, type ReplayAuditRL } from './audit.ts';
import { parseAgentConfig, type AgentArm, type AgentConfig } from './config.ts';
import { consolidationLesson, consolidationStreams, qScale, type ConsolidationStreams } from './consolidate.ts';
import { defaultControl, type AgentControl, type AgentEvent, type ConsolidationSteps, type Dreams } from './events.ts';
import { greedyScores, referenceScores, type GreedyScores, type Reference } from './evaluate.ts';
import { evaluationSeed, learnPhase, MID_PHASE_CHECKPOINT_SECONDS } from './learner-phase.ts';
import { learnerCheckpoint, learnerFromCheckpoint, setWeights, weightsOf, type LearnerState } from './learner-state.ts';
import { ACTION_UNITS, createQSolver, greedy } from './network.ts';
import { runArmsInThreads } from './arm-threads.ts';
import { replaysFeatures } from './arms/index.ts';
import { agentResult, type AgentResult, type ArmRecord, type RunRecord } from './result.ts';
import { armArrays, createArmScholar, OBSERVATION_SHAPE, observationInputs, restoreArm, type ArmScholar } from './scholar.ts';
import { PROGRESS_FORMAT, readProgress, type SavedLesson, type SavedProgress, type ScholarStreams } from './saved-progress.ts';
import { ValidDreams } from './valid-dreams.ts';
import { Watcher } from './watch.ts';

/** Thrown when the run was asked to stop (control.stop); its last checkpoint is where it stopped. */
export class RunStopped extends Error {
  constructor(readonly phasesDone: number) {
    super('the run was stopped; start it again with the same settings to resume from its last checkpoint');
  }
}

export interface AgentRunOptions {
  readonly backend: BackendName;
  readonly events?: EventStream<AgentEvent>;
  readonly control?: AgentControl;
  /** Write a checkpoint here after every phase, and resume from it when one exists. */
  readonly checkpointDir?: string;
  /** With a checkpoint folder: checkpoint a phase in its middle (a learner mid-game, a consolidation between two
   *  reports) when this long has passed since the last checkpoint (default ./learner-phase.ts
   *  MID_PHASE_CHECKPOINT_SECONDS; 0: at every vector step and report, a test's setting). */
  readonly midPhaseCheckpointSeconds?: number;
  /** Stop after this many phases (a test's stand-in for a killed run). */
  readonly stopAfterPhases?: number;
  /** A folder of learners kept for reuse (./learner-cache.ts): a learner found there is loaded instead of trained,
   *  one trained here is saved there. */
  readonly learnerCache?: string;
  /** Wait for each learner to appear in the learner cache instead of training it: another thread trains them
   *  (./arm-threads.ts). */
  readonly awaitLearners?: boolean;
  /** With runLearners and a learner cache: train only the later games' learners nobody has cached or claimed,
   *  ahead of the learner thread (./learner-phase.ts learnAhead). */
  readonly learnersAhead?: boolean;
  /** With a learner cache: the game whose learner the run's other learner thread had in the middle of its game
   *  when the run stopped (./arm-threads.ts): waited for, never claimed, so that thread goes on with it. */
  readonly leaveLearner?: number;
}

/** What an RL run holds between the loop's steps. */
export interface Run {
  readonly config: AgentConfig;
  readonly schedule: Schedule;
  readonly root: Rng;
  readonly events: EventStream<AgentEvent>;
  readonly control: AgentControl;
  readonly options: AgentRunOptions;
  readonly arms: ArmScholar[];
  record: RunRecord;
  start: Position;
  /** The learner of the game being consolidated (null between games). */
  learned: { network: Solver; observations: Uint8Array } | null;
  /** A learner stopped in the middle of game start.task, restored from the checkpoint (null otherwise). */
  learnerInProgress: LearnerState | null;
  /** Per game seen: a few real frames and their channel profile, for the replay audit. */
  auditFrames: Uint8Array[];
  /** Per arm: G_k's dreamt frames after each game (null without a generator). */
  dreamFrames: Record<string, (Uint8Array | null)[]>;
  /** The consolidation under way (its streams and what it replays), for a checkpoint in its middle. */
  lessonInProgress: LessonInProgress | null;
  /** A consolidation checkpointed in its middle, to go on with (restored; cleared once its lesson is rebuilt). */
  resumeLesson: SavedLesson | null;
  /** When this process last wrote a checkpoint (performance.now()): a phase is checkpointed in its middle once
   *  midPhaseCheckpointSeconds have passed since. */
  checkpointedAt: number;
  /** Phases done by this process (the loop's count, as of its last checkpoint). */
  phasesDone: number;
  elapsed: () => number;
}

/** What a consolidation draws from, kept to checkpoint it in its middle. */
interface LessonInProgress {
  readonly arm: ArmScholar;
  readonly game: number;
  /** The scholar's streams (null while G_k trains, before the scholar's first step). */
  readonly streams: ConsolidationStreams | null;
  /** G_(k−1)'s dreams as replayed (null without a generator, or on the first game). */
  readonly dreams: Generator | null;
}

export async function runAgent(config: AgentConfig, options: AgentRunOptions): Promise<AgentResult> {
  // A run whose arms compute in threads of their own, unless it has a checkpoint of its own already: one it
  // finished (the threads' checkpoints became the run's) or one a run on one thread left.
  if (config.parallel === 'arms' && !(options.checkpointDir && hasCheckpoint(options.checkpointDir))) return runArmsInThreads(config, options);
  const run = await runLoop(config, options, config.arms);
  const result = agentResult(run.config, run.record, run.dreamFrames, run.elapsed());
  run.events.emit({
    type: 'end',
    kind: 'rl',
    seconds: result.seconds,
    arms: result.arms.map((a) => ({ arm: a.arm, acc: a.acc, retention: a.retention })),
  });
  return result;
}

/** The games' short-term learners alone, each trained into the learner cache (the learner thread of a run whose
 *  arms compute in threads, ./arm-threads.ts); checkpointed after each, as a run is. */
export async function runLearners(config: AgentConfig, options: AgentRunOptions & { readonly learnerCache: string }): Promise<void> {
  const run = await runLoop(config, options, []);
  // A learner thread ends before the run's arms do: it says so, or its last report would stand as where it is.
  const { totalSteps, tasks } = run.schedule;
  run.events.emit({ type: 'progress', kind: 'rl', task: tasks.length - 1, phase: 'done', frame: run.record.frames, totalFrames: totalSteps, framesPerSecond: 0, epsilon: null, tdLoss: null, consolidationLoss: null, etaSeconds: null });
}

/** The loop over the games for these arms (none: the learners alone), from the checkpoint when there is one. */
async function runLoop(config: AgentConfig, options: AgentRunOptions, armNames: readonly AgentArm[]): Promise<Run> {
  const run = await setUp(config, options, armNames);
  emitStart(run);
  const end = await continualLoop(agentDomain(run), options);
  if (end.stopped) throw new RunStopped(end.phasesDone);
  return run;
}

async function setUp(config: AgentConfig, options: AgentRunOptions, armNames: readonly AgentArm[]): Promise<Run> {
  const started = performance.now();
  const schedule = parseSchedule(config.schedule);
  const root = new Rng(config.seed);
  const arms = armNames.map((arm) => createArmScholar(arm, config, root));
  const reference = schedule.tasks.map((t, k) => referenceScores(t.task, config.evaluation.referenceEpisodes, root.fork(`reference ${k}`).int(2 ** 31)));
  const run: Run = {
    config,
    schedule,
    root,
    events: options.events ?? new EventStream<AgentEvent>(),
    control: options.control ?? defaultControl(),
    options,
    arms,
    record: emptyRecord(armNames, schedule, reference),
    start: { task: 0, learned: false, studentsDone: 0 },
    learned: null,
    learnerInProgress: null,
    auditFrames: [],
    dreamFrames: Object.fromEntries(armNames.map((arm) => [arm, []])),
    lessonInProgress: null,
    resumeLesson: null,
    checkpointedAt: started,
    phasesDone: 0,
    elapsed: clock(0, started),
  };
  try {
    if (options.checkpointDir && hasCheckpoint(options.checkpointDir)) restore(run, options.checkpointDir, started);
    else {
      // Row 0 of R: the untrained scholar on every game. Every arm starts from the same network, except that hidden
      // replay's has the learner's convolution size: one evaluation for each.
      const untrained = new Map<boolean, Evaluation>();
      for (const arm of arms) {
        const key = replaysFeatures(arm.arm);
        const row = untrained.get(key) ?? (await evaluateScholar(run, arm.scholar.solver, -1));
        untrained.set(key, row);
        run.record.arms[arm.arm].rows.push(row.normalised);
        run.record.arms[arm.arm].rowsSe?.push(row.se);
      }
    }
  } catch (error) {
    for (const arm of arms) disposeStudent(arm);
    throw error;
  }
  return run;
}

function emptyRecord(armNames: readonly AgentArm[], schedule: Schedule, reference: Reference[]): RunRecord {
  const arms = {} as Record<AgentArm, ArmRecord>;
  for (const arm of armNames) arms[arm] = { rows: [], rowsSe: [], raw: [], audits: [], actionsKept: [], dreams: [], losses: [], curves: [], seconds: [] };
  return { games: schedule.tasks.map((t) => t.task.name), reference, learners: [], learnerCurves: [], arms, frames: 0, learnerSeconds: 0, consolidationSeconds: 0 };
}

function emitStart(run: Run): void {
  run.events.emit({
    type: 'start',
    kind: 'rl',
    config: run.config,
    tasks: run.record.games,
    frames: run.schedule.tasks.map((t) => t.steps),
    resumedAtFrame: run.record.frames + (run.learnerInProgress?.frame ?? 0),
    reference: { random: run.record.reference.map((r) => r.random), scripted: run.record.reference.map((r) => r.scripted) },
  });
}

/** The RL run as core's loop sees it: games are tasks, arms are students, game k's learner is its learner phase. */
function agentDomain(run: Run): ContinualDomain<GameLesson, Evaluation, Dreams | null> {
  // The generator worker runs core's generators alone: not the dream filter, nor a generator per game, nor a
  // second model beside GR's (hidden replay's of features).
  const inWorker = run.config.parallel === true && keepsAllDreams(run.config) && !run.config.generator.perGame && !run.arms.some((a) => replaysFeatures(a.arm));
  return {
    tasks: run.schedule.tasks.length,
    students: run.arms,
    start: run.start,
    worker: inWorker && run.arms.some((a) => a.scholar.generator) ? { model: run.config.generator.model, shape: OBSERVATION_SHAPE } : null,
    learn: (k) => learnPhase(run, k),
    lesson: (k, a) => gameLesson(run, k, run.arms[a], inWorker),
    evaluate: (a, k) => evaluateScholar(run, run.arms[a].scholar.solver, k),
    audit: (lesson) => {
      const { arm, game } = lesson;
      arm.scholar.generator?.reseed(game.rng.fork('dream noise'));
      return arm.scholar.generator && !replaysFeatures(arm.arm) ? showDreams(run, game.k, arm) : null;
    },
    record: (lesson, learnt) => recordConsolidation(run, lesson, learnt),
    // Every arm has consolidated the game: its learner is done with.
    taskDone: () => {
      run.learned?.network.dispose();
      run.learned = null;
    },
    checkpoint: (position) => checkpointOf(run, position),
    shouldStop: (phasesDone) => {
      run.phasesDone = phasesDone;
      return run.control.stop || phasesDone === run.options.stopAfterPhases;
    },
    // An exact pool of dreams is drawn once, at a lesson's first batch: a lesson stopped after it could not redraw
    // it, so those lessons are checkpointed between phases only.
    midLesson:
      run.config.generator.keep === 'exact'
        ? undefined
        : { due: () => run.options.checkpointDir !== undefined && midPhaseCheckpointDue(run), stop: () => run.control.stop },
    failed: (error) => {
      if (!(error instanceof RunStopped)) run.events.emit({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    },
    dispose: () => run.learned?.network.dispose(),
  };
}

/** Game k as one arm consolidates it: its learner and observations, its r and teaching scale, its stream, and
 *  what G_(k−1) replays (audited before it teaches). */
interface GameLesson extends Lesson {
  readonly arm: ArmScholar;
  readonly game: GamePlan;
  readonly audit: ReplayAuditRL | null;
  /** Q_(k−1)'s actions on the earlier games' audit frames and dreams, kept to compare Q_k's with (null on game 1). */
  readonly teacher: TeacherActions | null;
  readonly dreams: Generator | null;
}

interface GamePlan {
  readonly k: number;
  readonly learner: Solver;
  readonly observations: Uint8Array;
  readonly r: number;
  readonly scale: number;
  /** One stream per game for every arm: arms see the same batches of the new game and differ only by what they
   *  keep the old games with. */
  readonly rng: Rng;
}

function planConsolidation(run: Run, k: number): GamePlan {
  const learned = run.learned as { network: Solver; observations: Uint8Array };
  const scale = run.config.scholar.normalise ? qScale(learned.network, learned.observations) : 1;
  return { k, learner: learned.network, observations: learned.observations, r: importance(run.config.scholar, k), scale, rng: run.root.fork(`game ${k} consolidation`) };
}

/** What the arm learns from game k: G_k's task (on this thread, before the scholar, unless a worker trains it),
 *  Q_k's consolidation, the regulariser's anchor on the game's frames, and what the arm's source keeps. */
function gameLesson(run: Run, k: number, arm: ArmScholar, inWorker: boolean): GameLesson {
  const game = planConsolidation(run, k);
  const { config } = run;
  const { rng } = game;
  // The generators draw from streams named by phase (the audit's, the replay's, the dreams'), so a resumed run
  // and a run with the generator on this thread draw exactly what an uninterrupted one draws.
  arm.previous.generator?.reseed(rng.fork('audit noise'));
  arm.source.beforeTask?.({ k, observations: game.observations, learner: game.learner }, arm.scholar.solver);
  // Dreamt features have no frames to audit or filter: hidden replay is measured on the real audit frames alone.
  const frames = !replaysFeatures(arm.arm);
  const real = k > 0 ? teacherOnReal(arm.previous.solver, run.auditFrames.slice(0, k)) : null;
  const audited = real && arm.previous.generator && frames ? auditReplay(run, k, arm, real) : null;
  const teacher = real && { real, dreams: audited?.dreams ?? null };
  const dreams = k === 0 ? null : frames ? replayedDreams(run, arm.previous.generator, k) : arm.previous.generator;
  const resumed = run.resumeLesson?.game === k && run.resumeLesson.arm === arm.arm ? run.resumeLesson : null;
  if (resumed) run.resumeLesson = null;
  if (resumed?.draws && dreams instanceof ValidDreams) dreams.resumeDraws(resumed.draws);
  run.lessonInProgress = { arm, game: k, streams: null, dreams };
  const inputs = observationInputs(game.observations);
  const perGame = arm.scholar.generator instanceof PerTaskGenerators ? arm.scholar.generator : null;
  perGame?.beginTask(k);
  const generator = arm.scholar.generator && {
    task: {
      generator: arm.scholar.generator,
      // A generator per game learns its game's frames alone; the scholar still replays the earlier games' dreams.
      teacher: perGame ? null : dreams,
      inputs: arm.source.generatorInputs?.(game.observations, arm.scholar.solver) ?? inputs,
      settings: { iterations: config.generator.iterations, batchSize: config.generator.batchSize, r: game.r, reportEvery: config.progress.every },
      rng: { train: rng.fork('generator batches'), noise: rng.fork('generator noise'), replay: rng.fork('generator replay') },
    },
    // On this thread the generator trains before the scholar: say so, or the run looks stalled.
    report: inWorker ? undefined : (iteration: number) => emitConsolidating(run, k, null, { of: 'generator', done: iteration, total: config.generator.iterations }),
  };
  const solver = (): ReturnType<typeof consolidationLesson> => {
    arm.previous.generator?.reseed(rng.fork('replay noise'));
    const streams = resumed?.scholar ? resumeStreams(resumed.scholar, arm) : consolidationStreams(rng.fork('consolidation'));
    run.lessonInProgress = { arm, game: k, streams, dreams };
    const { scholar } = config;
    return consolidationLesson(
      arm.scholar.solver,
      game.learner,
      game.observations,
      { source: arm.source, previous: k > 0 ? arm.previous.solver : null, dreams },
      { iterations: scholar.iterations, batchSize: scholar.batchSize, r: game.r, loss: scholar.loss, scale: game.scale, reportEvery: config.progress.every },
      streams,
      (iteration, loss) => reportConsolidation(run, k, iteration, loss),
    );
  };
  return {
    arm,
    game,
    audit: audited?.audit ?? null,
    teacher,
    dreams,
    generator,
    solver,
    anchor: { inputs, units: ACTION_UNITS, rng: rng.fork('regulariser') },
    // The arm keeps what it needs of game k: its source's frames (its regulariser's anchor is the loop's).
    keep: () => arm.source.afterTask({ observations: game.observations, learner: game.learner, scale: game.scale }, rng.fork('memory')),
  };
}

type Evaluation = GreedyScores;

/** Row k of R for the arm (greedy episodes of Q_k on every game), what its consolidation measured, its dreams. */
function recordConsolidation(run: Run, lesson: GameLesson, learnt: Learnt<Evaluation, Dreams | null>): void {
  const { arm, game } = lesson;
  const { row, audit: shown } = learnt;
  const record = run.record.arms[arm.arm];
  record.rows.push(row.normalised);
  record.rowsSe?.push(row.se);
  record.raw.push(row.raw);
  run.lessonInProgress = null;
  const pool = lesson.dreams instanceof ValidDreams ? lesson.dreams.poolStats() : null;
  record.audits.push(lesson.audit && pool ? { ...lesson.audit, pool } : lesson.audit);
  record.actionsKept?.push(lesson.teacher && actionsKept(arm.scholar.solver, lesson.teacher));
  record.losses.push(learnt.loss);
  record.seconds?.push({ ...learnt.seconds, dreams: lesson.dreams instanceof ValidDreams ? lesson.dreams.drawStats() : null });
  record.curves.push({ frame: run.record.frames, game: game.k, scores: row.normalised });
  run.dreamFrames[arm.arm][game.k] = shown?.observations ?? null;
  // Its steps' seconds, which count those before a restart in the middle of the lesson.
  run.record.consolidationSeconds += Object.values(learnt.seconds).reduce((sum, s) => sum + s, 0);
  record.dreams.push(shown && { actions: [...shown.actions], resembles: [...shown.resembles] });
  run.events.emit({ type: 'curve', kind: 'rl', arm: arm.arm, frame: run.record.frames, task: game.k, values: row.normalised });
  run.events.emit({ type: 'task-end', kind: 'rl', arm: arm.arm, task: game.k, frame: run.record.frames, row: row.normalised, learnerScore: run.record.learners[game.k].score, dreams: shown });
}

function reportConsolidation(run: Run, k: number, iteration: number, loss: number): Promise<void> | void {
  emitConsolidating(run, k, loss, { of: 'scholar', done: iteration, total: run.config.scholar.iterations });
  if (iteration % run.config.progress.yieldEvery === 0) return Watcher.yieldToEvents(run.control);
}

/** A progress event of game k's consolidation: its steps, and the scholar's last loss (null while its generator
 *  trains first). */
function emitConsolidating(run: Run, k: number, loss: number | null, steps: ConsolidationSteps): void {
  run.events.emit({
    type: 'progress',
    kind: 'rl',
    task: k,
    phase: 'consolidate',
    frame: run.record.frames,
    totalFrames: run.schedule.totalSteps,
    framesPerSecond: 0,
    epsilon: null,
    tdLoss: null,
    consolidationLoss: loss,
    etaSeconds: null,
    steps,
  });
}

/** Greedy episodes of `q` on every game of the schedule (the same episodes for every arm after game k). */
function evaluateScholar(run: Run, q: Solver, k: number): Promise<Evaluation> {
  const { episodes, maxSteps } = run.config.evaluation;
  return greedyScores(q, run.schedule.tasks.map((t) => t.task), run.record.reference, episodes, maxSteps, evaluationSeed(run, k));
}

const keepsAllDreams = (config: AgentConfig): boolean => (config.generator.keep ?? 'all') === 'all';

/** What G's dreams after the first `games` games are replayed through: all its samples, or only those one of
 *  those games could show (config.generator.keep, ./valid-dreams.ts). */
function replayedDreams(run: Run, generator: Generator | null, games: number): Generator | null {
  if (generator === null || keepsAllDreams(run.config)) return generator;
  const pool = run.config.generator.keep === 'exact' ? { perGame: run.config.scholar.observations, rng: run.root.fork(`game ${games} dream pool`) } : null;
  return new ValidDreams(generator, run.schedule.tasks.slice(0, games).map((t) => t.task.game), pool);
}

/** The audit of what G_(k−1) replays to Q_k, judged by Q_(k−1)'s actions (./audit.ts; `real`: its actions on the
 *  earlier games' audit frames), and the audited dreams with its actions (./actions-kept.ts compares Q_k's with them). */
function auditReplay(run: Run, k: number, state: ArmScholar, real: TeacherActions['real']): { audit: ReplayAuditRL; dreams: NonNullable<TeacherActions['dreams']> } {
  const generator = state.previous.generator;
  if (!generator) throw new Error('auditReplay: the arm has no generator');
  const count = run.config.audit.samples;
  const samples = generatedFrames(generator, count);
  const games = run.schedule.tasks.slice(0, k).map((t) => t.task.game);
  const actions = greedy(state.previous.solver, samples, count).actions;
  const { audit, resembles } = auditDreams(
    samples,
    games,
    real.map((r) => channelProfile(r.frames)),
    actions,
    real.map((r) => r.actions),
  );
  return { audit, dreams: { frames: samples, actions, resembles } };
}

/** G_k's dreams after game k with Q_k's greedy actions: what the next game will replay. */
function showDreams(run: Run, k: number, state: ArmScholar): Dreams {
  const generator = replayedDreams(run, state.scholar.generator, k + 1);
  if (!generator) throw new Error('dreams: the arm has no generator');
  const count = run.config.audit.dreams;
  const observations = generatedFrames(generator, count);
  const games = run.schedule.tasks.slice(0, k + 1).map((t) => t.task.game);
  const actions = Array.from(greedy(state.scholar.solver, observations, count).actions);
  const real = run.auditFrames.slice(0, k + 1);
  const { resembles } = auditDreams(observations, games, real.map(channelProfile), actions, real.map(() => []));
  return { observations, actions, resembles: Array.from(resembles) };
}

function generatedFrames(generator: Generator, n: number): Uint8Array {
  const t = generator.sample(n);
  const cells = Uint8Array.from(t.dataSync(), (v) => (v >= 0.5 ? 1 : 0));
  t.dispose();
  return cells;
}

// ---------------------------------------------------------------------------------------------------------------
// checkpoints

/** True once a phase in its middle should be checkpointed: midPhaseCheckpointSeconds since the last checkpoint. */
export function midPhaseCheckpointDue(run: Run): boolean {
  return performance.now() - run.checkpointedAt >= (run.options.midPhaseCheckpointSeconds ?? MID_PHASE_CHECKPOINT_SECONDS) * 1000;
}

/** The consolidation under way as its checkpoint keeps it, and Q_(k−1)'s and G_(k−1)'s weights beside Q_k's. */
function savedLesson(run: Run): { lesson: SavedLesson; arrays: Record<string, CheckpointArray[]> } {
  const current = run.lessonInProgress;
  if (!current) throw new Error('a checkpoint in the middle of a consolidation, with none under way');
  const { arm, game, streams, dreams } = current;
  const previous = arm.previous;
  const lesson: SavedLesson = {
    arm: arm.arm,
    game,
    scholar: streams && { current: streams.current.snapshot(), replayed: streams.replayed.snapshot(), replayNoise: previous.generator?.noiseStreams() ?? [] },
    draws: dreams instanceof ValidDreams ? dreams.drawStats() : null,
  };
  const arrays: Record<string, CheckpointArray[]> = { [`${arm.arm}.previousSolver`]: weightsOf(previous.solver) };
  if (previous.generator) arrays[`${arm.arm}.previousGenerator`] = previous.generator.weights().values;
  return { lesson, arrays };
}

/** The scholar's streams where its checkpoint left them, G_(k−1)'s noise as it replays included. */
function resumeStreams(saved: ScholarStreams, arm: ArmScholar): ConsolidationStreams {
  arm.previous.generator?.resumeNoise(saved.replayNoise);
  return { current: Rng.fromSnapshot(saved.current), replayed: Rng.fromSnapshot(saved.replayed) };
}

/** Puts back Q_(k−1) and G_(k−1) of a consolidation checkpointed in its middle (restoreArm made them Q_k's copy). */
function restorePrevious(arm: ArmScholar, arrays: Record<string, CheckpointArray[]>, dir: string): void {
  const solver = arrays[`${arm.arm}.previousSolver`] as Float32Array[] | undefined;
  if (!solver) throw new Error(`${dir}: checkpoint in the middle of ${arm.arm}'s consolidation holds no previous scholar`);
  setWeights(arm.previous.solver, solver, `${arm.arm}'s previous scholar`);
  const generator = arm.previous.generator;
  if (!generator) return;
  const values = arrays[`${arm.arm}.previousGenerator`] as Float32Array[] | undefined;
  if (!values) throw new Error(`${dir}: checkpoint in the middle of ${arm.arm}'s consolidation holds no previous generator`);
  generator.setWeights({ shapes: generator.weights().shapes, values });
}

/** The checkpoint at `position`: every arm's arrays, the audit frames and dreams, the learner of the game being
 *  consolidated, and one stopped mid-game (`learner`). */
export function checkpointOf(run: Run, position: Position, learner: LearnerState | null = null): { config: AgentConfig; progress: SavedProgress; arrays: Record<string, CheckpointArray[]> } {
  const arrays: Record<string, CheckpointArray[]> = { auditFrames: run.auditFrames };
  for (const [arm, frames] of Object.entries(run.dreamFrames)) arrays[`${arm}.dreams`] = frames.map((f) => f ?? new Uint8Array(0));
  for (const arm of run.arms) Object.assign(arrays, armArrays(arm));
  if (run.learned) {
    arrays.learner = weightsOf(run.learned.network);
    arrays.learnerObservations = [run.learned.observations];
  }
  const inProgress = learner && learnerCheckpoint(learner);
  if (inProgress) Object.assign(arrays, inProgress.arrays);
  const consolidation = position.lesson && savedLesson(run);
  if (consolidation) Object.assign(arrays, consolidation.arrays);
  const saved = { game: position.task, learned: position.learned, armsDone: position.studentsDone, ...(position.lesson && { lesson: position.lesson }) };
  const progress: SavedProgress = {
    format: PROGRESS_FORMAT,
    position: saved,
    record: run.record,
    seconds: run.elapsed(),
    ...(inProgress && { learner: inProgress.progress }),
    ...(consolidation && { consolidation: consolidation.lesson }),
  };
  // Built to be written: the next checkpoint in the middle of a phase is due a period from now.
  run.checkpointedAt = performance.now();
  return { config: run.config, progress, arrays };
}

/** Each arm's dreamt frames after each game, as checkpointOf keeps them (an empty array: no dreams that game). */
export function dreamFramesOf(arrays: Record<string, CheckpointArray[]>, arms: readonly AgentArm[]): Record<string, (Uint8Array | null)[]> {
  return Object.fromEntries(arms.map((arm) => [arm, ((arrays[`${arm}.dreams`] ?? []) as Uint8Array[]).map((f) => (f.length > 0 ? f : null))]));
}

function restore(run: Run, dir: string, started: number): void {
  const saved = loadCheckpoint<AgentConfig, SavedProgress>(dir, { parseConfig: parseAgentConfig, parseProgress: readProgress, expected: run.config, same: sameRun });
  const { arrays } = saved;
  for (const arm of run.arms) restoreArm(arm, arrays);
  run.auditFrames = (arrays.auditFrames ?? []) as Uint8Array[];
  run.dreamFrames = dreamFramesOf(arrays, run.arms.map((a) => a.arm));
  run.record = saved.progress.record;
  const { game, learned, armsDone, lesson } = saved.progress.position;
  const { consolidation } = saved.progress;
  run.start = { task: game, learned, studentsDone: armsDone, ...(lesson && { lesson }) };
  if (lesson && consolidation) {
    const arm = run.arms.find((a) => a.arm === consolidation.arm);
    if (!arm) throw new Error(`${dir}: checkpoint in the middle of arm ${consolidation.arm}'s consolidation, which this run does not have`);
    restorePrevious(arm, arrays, dir);
    run.resumeLesson = consolidation;
  }
  run.elapsed = clock(saved.progress.seconds, started);
  if (saved.progress.learner) run.learnerInProgress = learnerFromCheckpoint(saved.progress.learner, arrays, dir);
  if (learned) {
    const network = createQSolver(run.config.learner.network, run.config.learner.adam, new Rng(0));
    const weights = arrays.learner as Float32Array[] | undefined;
    const observations = arrays.learnerObservations?.[0];
    if (!weights || !(observations instanceof Uint8Array)) throw new Error(`${dir}: checkpoint after a learner phase holds no learner`);
    setWeights(network, weights, 'checkpointed learner');
    run.learned = { network, observations };
  }
}
