/**
 * The continual RL run (RePR's shape in the paper's vocabulary, ../shared/PAPER.md §4). For each game k of the
 * schedule:
 *   1. learn     a short-term double DQN learns game k from scratch (shared by every arm: it does not depend on
 *                the arm, so a comparison of arms costs one set of learners);
 *   2. for each arm:
 *      consolidate  Q_k learns r · L(Q_k(s), Q_short(s)) + (1 − r) · L(Q_k(s'), y') (./consolidate.ts), s' and y'
 *                   from the arm's replay source and a penalty from its regulariser (./arms, one table), while G_k
 *                   learns real game-k frames mixed with G_(k−1)'s dreams (arms with a generator; core's generator
 *                   training, in a worker thread when `parallel`); then the arm keeps what it needs of game k;
 *      evaluate     greedy episodes of Q_k on every game of the schedule: row k of R, in normalised scores;
 *      audit        what G_(k−1) replayed, and G_k's dreams with Q_k's greedy actions for the viewer;
 *   and a checkpoint after every phase, so a killed run resumes to the identical result. A run asked to stop
 *   (control.stop: Ctrl-C) during a learner phase checkpoints the learner where it stands (./learner-state.ts)
 *   and goes on from there when started again; during a consolidation, it stops at the phase's end.
 */
import { hasCheckpoint, loadCheckpoint, saveCheckpoint, type CheckpointArray } from '../core/checkpoint.ts';
import type { BackendName } from '../core/engine/backend-names.ts';
import { describeBackend } from '../core/engine/backend.ts';
import { Rng } from '../core/engine/random.ts';
import { EventStream } from '../core/events.ts';
import { GeneratorWorker } from '../core/generators/parallel.ts';
import { trainGenerator } from '../core/generators/train.ts';
import type { Generator } from '../core/generators/generator.ts';
import { freeze } from '../core/scholar.ts';
import type { Solver } from '../core/solvers/solver.ts';
import { OBSERVATION_SIZE } from '../env/layout.ts';
import { parseSchedule, type Schedule } from '../env/schedule.ts';
import { auditDreams, channelProfile, type ReplayAuditRL } from './audit.ts';
import { sameRun } from '../core/config.ts';
import { importance } from '../core/continual.ts';
import { parseAgentConfig, type AgentArm, type AgentConfig } from './config.ts';
import { consolidate, qScale } from './consolidate.ts';
import { defaultControl, type AgentControl, type AgentEvent } from './events.ts';
import { greedyScore, greedyScores, normalisedError, normalisedScore, referenceScores, type Reference } from './evaluate.ts';
import { learnerCheckpoint, learnerFromCheckpoint, setWeights, weightsOf, type LearnerProgress, type LearnerState } from './learner-state.ts';
import { learnGame } from './learner.ts';
import { learnerKey, loadLearner, saveLearner, type CachedLearner } from './learner-cache.ts';
import { ACTION_UNITS, createQSolver, greedy } from './network.ts';
import { armArrays, createArmScholar, disposeArm, OBSERVATION_SHAPE, observationInputs, restoreArm, type ArmScholar } from './scholar.ts';
import { ValidDreams } from './valid-dreams.ts';
import { Watcher } from './watch.ts';
import { agentResult, type AgentResult, type ArmRecord, type RunRecord } from './result.ts';

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
  /** Stop after this many phases (a test's stand-in for a killed run). */
  readonly stopAfterPhases?: number;
  /** A folder of learners kept for reuse (./learner-cache.ts): a learner found there is loaded instead of trained,
   *  one trained here is saved there. */
  readonly learnerCache?: string;
}


/** Where a run stands: the next game, whether its learner is done, how many arms have consolidated it. */
interface Position {
  readonly game: number;
  readonly learned: boolean;
  readonly armsDone: number;
}

interface Run {
  readonly config: AgentConfig;
  readonly schedule: Schedule;
  readonly root: Rng;
  readonly events: EventStream<AgentEvent>;
  readonly control: AgentControl;
  readonly options: AgentRunOptions;
  readonly arms: ArmScholar[];
  record: RunRecord;
  position: Position;
  /** The learner of the game being consolidated (null between games). */
  learned: { network: Solver; observations: Uint8Array } | null;
  /** A learner stopped in the middle of game position.game, restored from the checkpoint (null otherwise). */
  learnerInProgress: LearnerState | null;
  /** Per game seen: a few real frames and their channel profile, for the replay audit. */
  auditFrames: Uint8Array[];
  /** Per arm: G_k's dreamt frames after each game (null without a generator). */
  dreamFrames: Record<string, (Uint8Array | null)[]>;
  worker: GeneratorWorker | null;
  phasesDone: number;
  started: number;
  secondsBefore: number;
}

export async function runAgent(config: AgentConfig, options: AgentRunOptions): Promise<AgentResult> {
  const run = await setUp(config, options);
  try {
    emitStart(run);
    for (let k = run.position.game; k < run.schedule.tasks.length; k++) {
      if (!run.position.learned) await learnPhase(run, k);
      for (let a = run.position.armsDone; a < run.arms.length; a++) await consolidationPhase(run, k, a);
    }
    const result = agentResult(run.config, run.record, run.dreamFrames, elapsed(run));
    run.events.emit({
      type: 'end',
      seconds: result.seconds,
      arms: result.arms.map((a) => ({ arm: a.arm, acc: a.acc, retention: a.retention })),
    });
    return result;
  } catch (error) {
    if (!(error instanceof RunStopped)) run.events.emit({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    await run.worker?.stop();
    run.learned?.network.dispose();
    for (const arm of run.arms) disposeArm(arm);
  }
}

async function setUp(config: AgentConfig, options: AgentRunOptions): Promise<Run> {
  const schedule = parseSchedule(config.schedule);
  const root = new Rng(config.seed);
  const arms = config.arms.map((arm) => createArmScholar(arm, config, root));
  const reference = schedule.tasks.map((t, k) => referenceScores(t.task, config.evaluation.referenceEpisodes, root.fork(`reference ${k}`).int(2 ** 31)));
  const run: Run = {
    config,
    schedule,
    root,
    events: options.events ?? new EventStream<AgentEvent>(),
    control: options.control ?? defaultControl(),
    options,
    arms,
    record: emptyRecord(config, schedule, reference),
    position: { game: 0, learned: false, armsDone: 0 },
    learned: null,
    learnerInProgress: null,
    auditFrames: [],
    dreamFrames: Object.fromEntries(config.arms.map((arm) => [arm, []])),
    worker: null,
    phasesDone: 0,
    started: performance.now(),
    secondsBefore: 0,
  };
  if (options.checkpointDir && hasCheckpoint(options.checkpointDir)) restore(run, options.checkpointDir);
  else {
    // Row 0 of R: the untrained scholar (every arm starts from the same network) on every game.
    const row = evaluateScholar(run, arms[0].scholar.solver, -1);
    for (const arm of config.arms) {
      run.record.arms[arm].rows.push(row.normalised);
      run.record.arms[arm].rowsSe?.push(row.se);
    }
  }
  const needsWorker = config.parallel && keepsAllDreams(config) && arms.some((a) => a.scholar.generator) && run.position.game < schedule.tasks.length;
  if (needsWorker) run.worker = await GeneratorWorker.start(options.backend, config.generator.model, OBSERVATION_SHAPE);
  return run;
}

function emptyRecord(config: AgentConfig, schedule: Schedule, reference: Reference[]): RunRecord {
  const arms = {} as Record<AgentArm, ArmRecord>;
  for (const arm of config.arms) arms[arm] = { rows: [], rowsSe: [], raw: [], audits: [], dreams: [], losses: [], curves: [] };
  return { games: schedule.tasks.map((t) => t.task.name), reference, learners: [], learnerCurves: [], arms, frames: 0, learnerSeconds: 0, consolidationSeconds: 0 };
}

function elapsed(run: Run): number {
  return run.secondsBefore + (performance.now() - run.started) / 1000;
}

function emitStart(run: Run): void {
  run.events.emit({
    type: 'start',
    config: run.config,
    games: run.record.games,
    frames: run.schedule.tasks.map((t) => t.steps),
    resumedAtFrame: run.record.frames + (run.learnerInProgress?.frame ?? 0),
    reference: { random: run.record.reference.map((r) => r.random), scripted: run.record.reference.map((r) => r.scripted) },
  });
}

// ---------------------------------------------------------------------------------------------------------------
// 1. learn

async function learnPhase(run: Run, k: number): Promise<void> {
  const { schedule, options } = run;
  const key = options.learnerCache ? learnerKey(run.config, k, schedule.tasks[k].task, schedule.tasks[k].steps, describeBackend()) : null;
  const cached = options.learnerCache && key ? loadLearner(options.learnerCache, key) : null;
  const learner = cached ? replayLearnerCurve(run, k, cached) : await trainLearner(run, k);
  if (options.learnerCache && key && !cached) saveLearner(options.learnerCache, key, learner);
  run.learnerInProgress = null;
  run.record.learners.push(learner.record);
  run.record.learnerSeconds += learner.record.seconds;
  run.record.frames += schedule.tasks[k].steps;
  run.learned = { network: learner.network, observations: learner.observations };
  run.auditFrames[k] = sampleFrames(learner.observations, run.config.audit.frames, run.root.fork(`game ${k} audit frames`));
  run.position = { game: k, learned: true, armsDone: 0 };
  await endPhase(run);
}

/** Game k's short-term learner trained here (from where a stopped one left off), then evaluated greedily. */
async function trainLearner(run: Run, k: number): Promise<CachedLearner> {
  const { config, schedule } = run;
  const task = schedule.tasks[k].task;
  const frames = schedule.tasks[k].steps;
  const startFrame = run.record.frames;
  const started = performance.now();
  const watcher = new Watcher(run, k);
  // A learner resumed mid-game goes on from its saved frame: the rate for the ETA counts frames played since.
  const firstFrame = run.learnerInProgress?.frame ?? 0;
  let lastReport = { at: started, frame: 0 };
  const outcome = await learnGame(
    { task, frames, settings: config.learner, evaluation: config.evaluation, keepObservations: config.scholar.observations },
    run.root.fork(`game ${k} learner`),
    {
      onStep: (step) => watcher.onLearnerStep(startFrame, step),
      onEpisode: (frame, episodeReturn, length) => run.events.emit({ type: 'episode', game: k, frame: startFrame + frame, return: episodeReturn, length }),
      onEvaluation: (frame, score) => addLearnerCurvePoint(run, k, startFrame + frame, score),
      onProgress: ({ frame, epsilon, tdLoss }) => {
        const now = performance.now();
        const framesPerSecond = ((frame - lastReport.frame) * 1000) / Math.max(1, now - lastReport.at);
        lastReport = { at: now, frame };
        run.events.emit({
          type: 'progress',
          game: k,
          phase: 'learn',
          frame: startFrame + frame,
          totalFrames: run.schedule.totalSteps,
          framesPerSecond,
          epsilon,
          tdLoss,
          consolidationLoss: null,
          etaSeconds: eta(run, k, frame, ((frame - firstFrame) * 1000) / Math.max(1, now - started)),
        });
      },
      stopRequested: () => watcher.stopRequested(),
    },
    run.learnerInProgress,
  );
  if (outcome.stopped) {
    // Ctrl-C mid-game: checkpoint the learner where it stands, so the next start goes on from this frame.
    if (run.options.checkpointDir) save(run, run.options.checkpointDir, outcome.state);
    throw new RunStopped(run.phasesDone);
  }
  const { learned } = outcome;
  const { mean: score, sem } = greedyScore(learned.network, task, config.evaluation.episodes, config.evaluation.maxSteps, evaluationSeed(run, k));
  const seconds = (performance.now() - started) / 1000;
  const record = { game: k, score, normalised: normalisedScore(score, run.record.reference[k]), normalisedSe: normalisedError(sem, run.record.reference[k]), frames, updates: learned.updates, trainingReturn: learned.trainingReturn, seconds };
  const curve = run.record.learnerCurves.filter((p) => p.game === k).map(({ frame, score, normalised }) => ({ frame: frame - startFrame, score, normalised }));
  return { network: learned.network, observations: learned.observations, record, curve };
}

/** A cached learner's evaluation curve, recorded and shown as if it had just been measured. */
function replayLearnerCurve(run: Run, k: number, cached: CachedLearner): CachedLearner {
  for (const point of cached.curve) addLearnerCurvePoint(run, k, run.record.frames + point.frame, point.score);
  return cached;
}

function addLearnerCurvePoint(run: Run, k: number, frame: number, score: number): void {
  const normalised = normalisedScore(score, run.record.reference[k]);
  run.record.learnerCurves.push({ frame, game: k, score, normalised });
  run.events.emit({ type: 'curve', arm: null, frame, game: k, scores: run.record.games.map((_, i) => (i === k ? normalised : null)) });
}

/** Seconds left: frames at the measured rate, consolidations at their measured (or first) time. */
function eta(run: Run, k: number, frame: number, framesPerSecond: number): number | null {
  if (framesPerSecond <= 0 || frame < run.config.learner.numEnvs * 64) return null;
  const framesLeft = run.schedule.tasks.slice(k).reduce((s, t) => s + t.steps, 0) - frame;
  const consolidations = (run.schedule.tasks.length - k) * run.arms.length;
  const perConsolidation = run.record.consolidationSeconds / Math.max(1, k * run.arms.length);
  return framesLeft / framesPerSecond + consolidations * perConsolidation;
}

const evaluationSeed = (run: Run, k: number): number => run.root.fork(`evaluation after game ${k}`).int(2 ** 31);

function sampleFrames(observations: Uint8Array, n: number, rng: Rng): Uint8Array {
  const m = observations.length / OBSERVATION_SIZE;
  const rows = rng.permutation(m).slice(0, Math.min(n, m));
  const out = new Uint8Array(rows.length * OBSERVATION_SIZE);
  rows.forEach((row, i) => out.set(observations.subarray(row * OBSERVATION_SIZE, (row + 1) * OBSERVATION_SIZE), i * OBSERVATION_SIZE));
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// 2. consolidate, evaluate, audit — one arm

async function consolidationPhase(run: Run, k: number, a: number): Promise<void> {
  const arm = run.arms[a];
  const started = performance.now();
  const game = planConsolidation(run, k);
  // The generators draw from streams named by phase (the audit's, the replay's, the dreams'), so a resumed run
  // and a run with the generator on this thread draw exactly what an uninterrupted one draws.
  arm.previous.generator?.reseed(game.rng.fork('audit noise'));
  const audit = k > 0 && arm.previous.generator ? auditReplay(run, k, arm) : null;
  const dreams = k > 0 ? replayedDreams(run, arm.previous.generator, k) : null;
  const generatorJob = trainScholarGenerator(run, game, arm, dreams);
  arm.previous.generator?.reseed(game.rng.fork('replay noise'));
  const loss = await consolidateScholar(run, game, arm, dreams);
  await generatorJob;
  keepGame(game, arm);
  const row = recordConsolidation(run, game, arm, { audit, dreams, loss });
  arm.scholar.generator?.reseed(game.rng.fork('dream noise'));
  const shown = arm.scholar.generator ? showDreams(run, k, arm) : null;
  run.dreamFrames[arm.arm][k] = shown?.observations ?? null;
  run.record.consolidationSeconds += (performance.now() - started) / 1000;
  emitConsolidated(run, k, arm, row, shown);
  nextPosition(run, k);
  await endPhase(run);
}

/** Game k as every arm consolidates it: its learner and observations, its r and teaching scale, its stream. */
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

/** G_k learns game k's frames mixed with G_(k−1)'s replayed dreams (core's generator training; in the worker when
 *  there is one, else here before the scholar); null for an arm without a generator. */
function trainScholarGenerator(run: Run, game: GamePlan, arm: ArmScholar, dreams: Generator | null): Promise<void> | null {
  const generator = arm.scholar.generator;
  if (!generator) return null;
  const { config } = run;
  const { rng } = game;
  return trainGenerator(
    {
      generator,
      teacher: dreams,
      inputs: observationInputs(game.observations),
      settings: { iterations: config.generator.iterations, batchSize: config.generator.batchSize, r: game.r, reportEvery: config.progress.every },
      rng: { train: rng.fork('generator batches'), noise: rng.fork('generator noise'), replay: rng.fork('generator replay') },
    },
    run.worker,
    // On this thread (valid dreams) the generator trains before the scholar: say so, or the run looks stalled.
    run.worker ? undefined : () => emitConsolidating(run, game.k, null),
  );
}

/** Q_k learns game k from its learner and keeps the earlier ones by the arm's source and regulariser (./consolidate.ts). */
function consolidateScholar(run: Run, game: GamePlan, arm: ArmScholar, dreams: Generator | null): Promise<number> {
  const { scholar } = run.config;
  return consolidate(
    arm.scholar.solver,
    game.learner,
    game.observations,
    { source: arm.source, previous: game.k > 0 ? arm.previous.solver : null, dreams, regulariser: arm.regulariser },
    { iterations: scholar.iterations, batchSize: scholar.batchSize, r: game.r, loss: scholar.loss, scale: game.scale, reportEvery: run.config.progress.every },
    game.rng.fork('consolidation'),
    (iteration, value) => reportConsolidation(run, game.k, iteration, value),
  );
}

/** The arm keeps what it needs of game k (its source's frames, its regulariser's anchor), and Q_k, G_k become the
 *  teachers of the next game. */
function keepGame(game: GamePlan, arm: ArmScholar): void {
  arm.source.afterTask({ observations: game.observations, learner: game.learner, scale: game.scale }, game.rng.fork('memory'));
  arm.regulariser?.endTask(arm.scholar.solver, observationInputs(game.observations), ACTION_UNITS, game.rng.fork('regulariser'));
  freeze(arm.scholar, arm.previous);
}

/** Row k of R for the arm (greedy episodes of Q_k on every game) and what its consolidation measured. */
function recordConsolidation(
  run: Run,
  game: GamePlan,
  arm: ArmScholar,
  measured: { audit: ReplayAuditRL | null; dreams: Generator | null; loss: number },
): number[] {
  const row = evaluateScholar(run, arm.scholar.solver, game.k);
  const record = run.record.arms[arm.arm];
  record.rows.push(row.normalised);
  record.rowsSe?.push(row.se);
  record.raw.push(row.raw);
  const pool = measured.dreams instanceof ValidDreams ? measured.dreams.poolStats() : null;
  record.audits.push(measured.audit && pool ? { ...measured.audit, pool } : measured.audit);
  record.losses.push(measured.loss);
  record.curves.push({ frame: run.record.frames, game: game.k, scores: row.normalised });
  return row.normalised;
}

function emitConsolidated(run: Run, k: number, arm: ArmScholar, row: number[], dream: ShownDreams | null): void {
  const record = run.record.arms[arm.arm];
  record.dreams.push(dream && { actions: dream.actions, resembles: dream.resembles });
  run.events.emit({ type: 'curve', arm: arm.arm, frame: run.record.frames, game: k, scores: row });
  run.events.emit({ type: 'task-end', arm: arm.arm, game: k, frame: run.record.frames, row, learnerScore: run.record.learners[k].score });
  if (dream) run.events.emit({ type: 'dreams', arm: arm.arm, game: k, count: dream.actions.length, observations: dream.observations, actions: dream.actions, resembles: dream.resembles });
}

/** The next arm of game k, or, once every arm has consolidated it, the next game (its learner done with). */
function nextPosition(run: Run, k: number): void {
  const armsDone = run.position.armsDone + 1;
  if (armsDone < run.arms.length) run.position = { game: k, learned: true, armsDone };
  else {
    run.learned?.network.dispose();
    run.learned = null;
    run.position = { game: k + 1, learned: false, armsDone: 0 };
  }
}

function reportConsolidation(run: Run, k: number, iteration: number, loss: number): Promise<void> | void {
  emitConsolidating(run, k, loss);
  if (iteration % run.config.progress.yieldEvery === 0) return Watcher.yieldToEvents(run.control);
}

/** A progress event of game k's consolidation (the scholar's last loss; null while its generator trains first). */
function emitConsolidating(run: Run, k: number, loss: number | null): void {
  run.events.emit({
    type: 'progress',
    game: k,
    phase: 'consolidate',
    frame: run.record.frames,
    totalFrames: run.schedule.totalSteps,
    framesPerSecond: 0,
    epsilon: null,
    tdLoss: null,
    consolidationLoss: loss,
    etaSeconds: null,
  });
}

/** Greedy episodes of `q` on every game of the schedule (the same episodes for every arm after game k). */
function evaluateScholar(run: Run, q: Solver, k: number): ReturnType<typeof greedyScores> {
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

/** The audit of what G_(k−1) replays to Q_k, judged by Q_(k−1)'s actions (./audit.ts). */
function auditReplay(run: Run, k: number, state: ArmScholar): ReplayAuditRL {
  const generator = state.previous.generator;
  if (!generator) throw new Error('auditReplay: the arm has no generator');
  const count = run.config.audit.samples;
  const samples = generatedFrames(generator, count);
  const games = run.schedule.tasks.slice(0, k).map((t) => t.task.game);
  const real = run.auditFrames.slice(0, k);
  const previous = state.previous.solver;
  const { audit } = auditDreams(
    samples,
    games,
    real.map(channelProfile),
    greedy(previous, samples, count).actions,
    real.map((frames) => greedy(previous, frames, frames.length / OBSERVATION_SIZE).actions),
  );
  return audit;
}

interface ShownDreams {
  readonly observations: Uint8Array;
  readonly actions: number[];
  readonly resembles: number[];
}

/** G_k's dreams after game k with Q_k's greedy actions: what the next game will replay. */
function showDreams(run: Run, k: number, state: ArmScholar): ShownDreams {
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

interface SavedProgress {
  readonly position: Position;
  readonly record: RunRecord;
  readonly seconds: number;
  /** Present when the run stopped in the middle of game position.game's learner. */
  readonly learner?: LearnerProgress;
}

async function endPhase(run: Run): Promise<void> {
  run.phasesDone += 1;
  if (run.options.checkpointDir) save(run, run.options.checkpointDir);
  if (run.control.stop || run.phasesDone === run.options.stopAfterPhases) throw new RunStopped(run.phasesDone);
}

function save(run: Run, dir: string, learner: LearnerState | null = null): void {
  const arrays: Record<string, CheckpointArray[]> = { auditFrames: run.auditFrames };
  for (const [arm, frames] of Object.entries(run.dreamFrames)) arrays[`${arm}.dreams`] = frames.map((f) => f ?? new Uint8Array(0));
  for (const arm of run.arms) Object.assign(arrays, armArrays(arm));
  if (run.learned) {
    arrays.learner = weightsOf(run.learned.network);
    arrays.learnerObservations = [run.learned.observations];
  }
  const inProgress = learner && learnerCheckpoint(learner);
  if (inProgress) Object.assign(arrays, inProgress.arrays);
  const progress: SavedProgress = { position: run.position, record: run.record, seconds: elapsed(run), ...(inProgress && { learner: inProgress.progress }) };
  saveCheckpoint(dir, { config: run.config, progress, arrays });
}

function restore(run: Run, dir: string): void {
  const saved = loadCheckpoint<AgentConfig, SavedProgress>(dir, { parseConfig: parseAgentConfig, expected: run.config, same: sameRun });
  const { arrays } = saved;
  for (const arm of run.arms) restoreArm(arm, arrays);
  run.auditFrames = (arrays.auditFrames ?? []) as Uint8Array[];
  for (const arm of run.config.arms) run.dreamFrames[arm] = ((arrays[`${arm}.dreams`] ?? []) as Uint8Array[]).map((f) => (f.length > 0 ? f : null));
  run.record = saved.progress.record;
  run.position = saved.progress.position;
  run.secondsBefore = saved.progress.seconds;
  if (saved.progress.learner) run.learnerInProgress = learnerFromCheckpoint(saved.progress.learner, arrays, dir);
  if (run.position.learned) {
    const network = createQSolver(run.config.learner.network, run.config.learner.adam, new Rng(0));
    const weights = arrays.learner as Float32Array[] | undefined;
    const observations = arrays.learnerObservations?.[0];
    if (!weights || !(observations instanceof Uint8Array)) throw new Error(`${dir}: checkpoint after a learner phase holds no learner`);
    setWeights(network, weights, 'checkpointed learner');
    run.learned = { network, observations };
  }
}
