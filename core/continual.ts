/**
 * The one continual-learning loop. Every continual run goes through it, classification (./classification.ts) or
 * RL (agent/run.ts): tasks arrive one after another; a task may first have a learner phase of its own (the RL
 * agent's short-term learner); then each student — one scholar per arm, all learning the same task — trains its
 * generator and solver (independently, paper §3) from the task and its previous scholar, keeps what it needs of
 * the task, is evaluated on every task (a row of R), audited and recorded; a checkpoint follows every phase.
 *
 * What a run is made of is its domain's (ContinualDomain below): the task's inputs and the teacher's targets,
 * evaluation, the audit, the record and the checkpointed arrays. The loop owns the order of the steps, the
 * generator's training (here or in a worker), the solver's steps with the arm's regulariser, consolidation
 * (the regulariser's anchor, the frozen teacher), checkpoints and stopping. A domain that can rebuild a lesson
 * stopped in its middle (ContinualDomain.midLesson) is also checkpointed during its solvers' steps, and stops there.
 */
import * as tf from '@tensorflow/tfjs-core';
import { saveCheckpoint, type CheckpointArray } from './checkpoint.ts';
import { turnEventLoop } from './event-loop.ts';
import type { RunConfig } from './config.ts';
import type { Inputs } from './data/types.ts';
import type { BackendName } from './engine/backend.ts';
import { sizedStep } from './engine/capacity.ts';
import type { Rng } from './engine/random.ts';
import type { GeneratorSpec } from './generators/create.ts';
import { GeneratorWorker } from './generators/parallel.ts';
import { trainGenerator, type GeneratorProgress, type GeneratorTask } from './generators/train.ts';
import type { Regulariser } from './regularisers/regulariser.ts';
import { addPenalty, disposeStudent, freeze, type Student } from './scholar.ts';
import type { Solver } from './solvers/solver.ts';

export { runContinual, type RunOptions, type RunResult } from './classification.ts';
export type { ClassificationEvent, CurvePoint, Progress } from './run-events.ts';

/** How r is set: fixed, or 1/(tasks so far) so every task weighs the same (RunConfig's and the RL scholar's). */
export type Importance = RunConfig['importance'];

/** r, the importance of the new task (paper §3), for both domains; the first task has nothing to replay, so r = 1. */
export function importance(config: { readonly importance: Importance }, taskIndex: number): number {
  if (taskIndex === 0) return 1;
  return config.importance === 'tasks-so-far' ? 1 / (taskIndex + 1) : config.importance.fixed;
}

/** Where a run stands: the next task, whether its learner phase is done, how many students have learnt it. */
export interface Position {
  readonly task: number;
  readonly learned: boolean;
  readonly studentsDone: number;
  /** The next student's lesson of the task, stopped in its middle (absent: from its start). */
  readonly lesson?: LessonProgress;
}

/** Where a lesson checkpointed in its middle stood: at a step of its generator's training (its solver not begun;
 *  where G's and its teacher's noise streams stood), or at a step of its solver's (its generator trained). */
export type LessonStage = ({ readonly stage: 'generator' } & GeneratorProgress) | { readonly stage: 'solver'; readonly iterations: number; readonly loss: number };

/** A lesson checkpointed in its middle: its stage, and the seconds it had spent (the rest of its LessonSeconds
 *  come after its solver). */
export type LessonProgress = LessonStage & { readonly seconds: Pick<LessonSeconds, 'prepare' | 'generator' | 'solver'> };

/** The solver's side of a lesson: its steps' objective and how often it reports. */
export interface SolverLesson {
  readonly iterations: number;
  readonly batchSize: number;
  /** Read the loss (and report it) every this many iterations, and at the last. */
  readonly reportEvery: number;
  /** Builds one step's batches (inside the loop's tidy) and returns the loss r · L(S(x), y) + (1 − r) · L(S(x'), y')
   *  (core/scholar.ts mixByImportance) over them; the loop adds the regulariser's penalty. */
  batch(): () => tf.Scalar;
  /** The loss at a report; a promise holds the run (a viewer's pause). */
  report(iteration: number, loss: number): Promise<void> | void;
  /** After every step (a learning curve's points). */
  afterStep?(iteration: number): void;
}

/** What one student learns from one task. */
export interface Lesson {
  /** G_i's task (its inputs, its teacher, its streams) and its progress; null for a student without a generator. */
  readonly generator: { readonly task: GeneratorTask; readonly report?: (iteration: number, loss: number) => void } | null;
  /** The solver's lesson, asked for once the generator has started. */
  solver(): SolverLesson;
  /** What the regulariser consolidates the task on: its inputs and output units (and a stream for its samples). */
  readonly anchor: { readonly inputs: Inputs; readonly units: readonly number[]; readonly rng?: Rng };
  /** What the domain keeps of the task once the student learnt it (a replay memory), before it is frozen. */
  keep?(): void;
}

/** Where one lesson's wall time went, in seconds (the loop's steps, in order). */
export interface LessonSeconds {
  /** The domain's preparation of the lesson (e.g. RL's audit of what G_(i−1) replays). */
  readonly prepare: number;
  /** The generator's training on this thread, or the wait for its worker once the solver is done. */
  readonly generator: number;
  readonly solver: number;
  /** The regulariser's anchor on the task and what the domain keeps of it. */
  readonly consolidate: number;
  readonly evaluate: number;
  readonly audit: number;
}

/** What the loop measured of one lesson. */
export interface Learnt<Row, Audit> {
  readonly row: Row;
  readonly audit: Audit;
  /** The solver's last reported loss. */
  readonly loss: number;
  readonly seconds: LessonSeconds;
}

/** A kind of continual run: its tasks, its students, and what the loop asks of them. */
export interface ContinualDomain<L extends Lesson, Row, Audit> {
  /** Tasks this run goes through, and the students that learn each. */
  readonly tasks: number;
  readonly students: readonly Student[];
  /** Where it starts: its checkpoint's position, or the first task. */
  readonly start: Position;
  /** The generator a worker thread should train (when the run trains generators in parallel), or null. */
  readonly worker: { readonly model: GeneratorSpec; readonly shape: readonly [number, number, number] } | null;
  /** Task t's own learner phase, before any student learns it (RL's short-term learner); absent where tasks come
   *  with their data. */
  learn?(t: number): Promise<void>;
  /** What student s learns from task t. */
  lesson(t: number, s: number): L;
  /** The student's solver on every task: its row of R (a promise where evaluating lets the event loop turn). */
  evaluate(s: number, t: number): Row | Promise<Row>;
  /** What the student's new scholar would hand on. */
  audit(lesson: L, s: number, t: number): Audit;
  record(lesson: L, learnt: Learnt<Row, Audit>, s: number, t: number): void;
  /** After every student learnt task t. */
  taskDone?(t: number): void;
  /** The checkpoint at `position`: the run's config, its progress and its arrays. */
  checkpoint(position: Position): { readonly config: unknown; readonly progress: unknown; readonly arrays: Record<string, CheckpointArray[]> };
  /** Asked after each phase's checkpoint: true ends the run there, to be resumed from that checkpoint. */
  shouldStop(phasesDone: number): boolean;
  /**
   * For a domain whose lesson(t, s) rebuilds a lesson stopped in its middle from its own checkpoint (streams and
   * all, so it goes on to the numbers of an uninterrupted run): asked at each report of a solver training on this
   * thread, `due` when a checkpoint should be written there, `stop` when the run should end there (after one).
   * Absent: checkpoints and stops fall between phases only.
   */
  readonly midLesson?: { due(): boolean; stop(): boolean };
  /** The run failed: tell its watchers. */
  failed(error: unknown): void;
  /** Frees what the domain holds beside its students (the loop frees those). */
  dispose?(): void;
}

export interface LoopOptions {
  readonly backend: BackendName;
  /** Write a checkpoint here after each phase. */
  readonly checkpointDir?: string;
}

/** How a loop ended: after its last task, or asked to stop after `phasesDone` phases. */
export interface LoopEnd {
  readonly stopped: boolean;
  readonly phasesDone: number;
}

/** Runs the domain's tasks from its start position; its students are freed however the run ends. */
export async function continualLoop<L extends Lesson, Row, Audit>(domain: ContinualDomain<L, Row, Audit>, options: LoopOptions): Promise<LoopEnd> {
  let worker: GeneratorWorker | null = null;
  try {
    let position = domain.start;
    let phasesDone = 0;
    const endPhase = (next: Position): boolean => {
      position = next;
      phasesDone += 1;
      if (options.checkpointDir) saveCheckpoint(options.checkpointDir, domain.checkpoint(position));
      return domain.shouldStop(phasesDone);
    };
    if (domain.worker && position.task < domain.tasks) worker = await GeneratorWorker.start(options.backend, domain.worker.model, domain.worker.shape);
    // A checkpoint in the middle of student s's lesson of task t (its position names the lesson's progress).
    const saveInLesson = (t: number, s: number, lesson: LessonProgress): void => {
      if (options.checkpointDir) saveCheckpoint(options.checkpointDir, domain.checkpoint({ task: t, learned: true, studentsDone: s, lesson }));
    };
    for (let t = position.task; t < domain.tasks; t++) {
      if (domain.learn && !position.learned) {
        await domain.learn(t);
        // A run of learner phases alone (no students: agent/arm-threads.ts's learner thread) is done with the task.
        const alone = domain.students.length === 0;
        if (alone) domain.taskDone?.(t);
        if (endPhase(alone ? { task: t + 1, learned: false, studentsDone: 0 } : { task: t, learned: true, studentsDone: 0 })) return { stopped: true, phasesDone };
      }
      for (let s = position.studentsDone; s < domain.students.length; s++) {
        const resumed = t === position.task && s === position.studentsDone ? position.lesson : undefined;
        if (await learnLesson(domain, s, t, worker, resumed, saveInLesson)) return { stopped: true, phasesDone };
        const last = s + 1 === domain.students.length;
        if (last) domain.taskDone?.(t);
        if (endPhase(last ? { task: t + 1, learned: false, studentsDone: 0 } : { task: t, learned: true, studentsDone: s + 1 })) {
          return { stopped: true, phasesDone };
        }
      }
    }
    return { stopped: false, phasesDone };
  } catch (error) {
    domain.failed(error);
    throw error;
  } finally {
    await worker?.stop();
    for (const student of domain.students) disposeStudent(student);
    domain.dispose?.();
  }
}

/**
 * Student s learns task t: generator and solver, then consolidation, its row of R, the audit and the record. A
 * lesson `resumed` in its middle goes on from the step it was checkpointed at, of its generator or of its solver.
 * Returns true when the run stopped in the middle of the lesson (checkpointed there by `save`).
 */
async function learnLesson<L extends Lesson, Row, Audit>(
  domain: ContinualDomain<L, Row, Audit>,
  s: number,
  t: number,
  worker: GeneratorWorker | null,
  resumed: LessonProgress | undefined,
  save: (t: number, s: number, lesson: LessonProgress) => void,
): Promise<boolean> {
  const student = domain.students[s];
  const before = resumed?.seconds ?? { prepare: 0, generator: 0, solver: 0 };
  const lap = stopwatch();
  const lesson = domain.lesson(t, s);
  const prepare = before.prepare + lap();
  // Checkpoints in the middle of the lesson, at its generator's and its solver's reports, with the seconds spent so
  // far; on this thread only (a generator in a worker would be half-trained).
  const midLesson = worker === null ? domain.midLesson : undefined;
  const pauseIn = (seconds: () => LessonProgress['seconds']) => midLesson && pauseAt(midLesson, (stage) => save(t, s, { ...stage, seconds: seconds() }));
  const generatorPause = pauseIn(() => ({ prepare, generator: before.generator + lap.peek(), solver: 0 }));
  const inSolver = resumed?.stage === 'solver' ? resumed : undefined;
  const generator = inSolver ? NO_GENERATOR : startGenerator(lesson, worker, resumed, generatorPause);
  // Without a worker the generator trains here, before the solver: it lets the event loop turn, so it is awaited.
  if (worker === null && (await generator.finish())) return true;
  const generatorHere = before.generator + lap();
  const solverBefore = inSolver ? before.solver : 0;
  const solverPause = pauseIn(() => ({ prepare, generator: generatorHere, solver: solverBefore + lap.peek() }));
  const trained = await trainSolver(student.scholar.solver, student.regulariser, lesson.solver(), {
    check: generator.check,
    from: inSolver,
    pause: solverPause && ((iterations, loss) => solverPause({ stage: 'solver', iterations, loss })),
  });
  if (trained.stopped) return true;
  const solver = solverBefore + lap();
  await generator.finish();
  const generatorWait = lap();
  consolidate(student, lesson);
  const consolidated = lap();
  const row = await domain.evaluate(s, t);
  const evaluate = lap();
  const audit = domain.audit(lesson, s, t);
  // A student without a generator spent nothing on one (its awaits above were of nothing).
  const seconds = { prepare, generator: lesson.generator ? generatorHere + generatorWait : 0, solver, consolidate: consolidated, evaluate, audit: lap() };
  domain.record(lesson, { row, audit, loss: trained.loss, seconds }, s, t);
  return false;
}

/** At a report in the middle of a lesson: a checkpoint there when one is due or the run should stop, and whether
 *  it stops. */
function pauseAt(midLesson: NonNullable<ContinualDomain<Lesson, unknown, unknown>['midLesson']>, save: (stage: LessonStage) => void): (stage: LessonStage) => boolean {
  return (stage) => {
    const stop = midLesson.stop();
    if (stop || midLesson.due()) save(stage);
    return stop;
  };
}

/** Seconds since the last call (or since it was made); `peek` reads them without starting a new lap. */
function stopwatch(): { (): number; peek(): number } {
  let last = performance.now();
  const peek = (): number => (performance.now() - last) / 1000;
  return Object.assign(
    (): number => {
      const seconds = peek();
      last = performance.now();
      return seconds;
    },
    { peek },
  );
}

interface GeneratorJob {
  /** Throws the worker's error as soon as it is known (checked while the solver trains). */
  check(): void;
  /** Waits for the training to end; true when it was paused in its middle (on this thread). */
  finish(): Promise<boolean>;
}

/** A lesson without a generator to train (none, or one trained before the lesson was checkpointed). */
const NO_GENERATOR: GeneratorJob = { check: () => {}, finish: async () => false };

/** Train the generator: G_i learns real inputs of the task mixed with G_(i−1)'s, weighted r : (1 − r). In a
 * worker it trains while the solver does; without one, here before the solver (core/generators/train.ts), from
 * where a lesson checkpointed in its generator's training stood, and paused when `pause` says so. */
function startGenerator(lesson: Lesson, worker: GeneratorWorker | null, resumed: LessonProgress | undefined, pause?: (stage: LessonStage) => boolean): GeneratorJob {
  if (!lesson.generator) return NO_GENERATOR;
  const from = resumed?.stage === 'generator' ? resumed : undefined;
  const job = trainGenerator(lesson.generator.task, worker, lesson.generator.report, { from, pause: pause && ((progress) => pause({ stage: 'generator', ...progress })) });
  // The rejection is held here from the start, so a worker that fails while the solver trains is never an
  // unhandled rejection: the solver's loop sees it at its next report and the run ends with it.
  let failure: Error | null = null;
  let paused = false;
  const held = job.then(
    (stopped) => {
      paused = stopped;
    },
    (error: unknown) => {
      failure = error instanceof Error ? error : new Error(String(error));
    },
  );
  const check = (): void => {
    if (failure) throw failure;
  };
  return {
    check,
    finish: async () => {
      await held;
      check();
      return paused;
    },
  };
}

/** One solver step: the lesson's batch and objective, plus the regulariser's penalty, minimised. The loss is kept. */
export function solverStep(solver: Solver, regulariser: Regulariser | null, lesson: SolverLesson): tf.Scalar {
  const penalty = regulariser ? () => regulariser.penalty() : undefined;
  return tf.tidy(() => {
    const objective = lesson.batch();
    return solver.optimizer.minimize(() => addPenalty(objective(), penalty), regulariser?.beforeStep?.bind(regulariser));
  });
}

/** How a solver's training goes: what is asked at its reports, and where it starts. */
export interface SolverTraining {
  /** Asked at each report: throws when the run must end (a failed generator worker). */
  readonly check?: () => void;
  /** The steps already done (a lesson checkpointed in its middle) and the loss last reported then. */
  readonly from?: { readonly iterations: number; readonly loss: number };
  /** Asked after each report but the last: true stops the training there. */
  readonly pause?: (iterations: number, loss: number) => boolean;
}

/** Train the solver: the lesson's mix of the task and the replay (core/scholar.ts), plus the regulariser's
 *  penalty. Returns the last loss reported, or that it was stopped in its middle (`pause`). */
export async function trainSolver(solver: Solver, regulariser: Regulariser | null, lesson: SolverLesson, training: SolverTraining = {}): Promise<{ loss: number; stopped: boolean }> {
  const step = (): tf.Scalar => solverStep(solver, regulariser, lesson);
  let last = training.from?.loss ?? Number.NaN;
  for (let it = (training.from?.iterations ?? 0) + 1; it <= lesson.iterations; it++) {
    const loss = sizedStep(lesson.batchSize, step);
    regulariser?.afterStep?.();
    const reporting = it % lesson.reportEvery === 0 || it === lesson.iterations;
    if (reporting) last = loss.dataSync()[0];
    loss.dispose();
    if (reporting) {
      await lesson.report(it, last);
      // Let the worker's messages through, and stop at once if it failed.
      await turnEventLoop();
      training.check?.();
    }
    lesson.afterStep?.(it);
    if (reporting && it < lesson.iterations && training.pause?.(it, last)) return { loss: last, stopped: true };
  }
  return { loss: last, stopped: false };
}

/** The regulariser consolidates the task, the domain keeps what it needs of it, and the scholar becomes the next
 *  task's teacher. */
function consolidate(student: Student, lesson: Lesson): void {
  const { inputs, units, rng } = lesson.anchor;
  student.regulariser?.endTask(student.scholar.solver, inputs, units, rng);
  lesson.keep?.();
  freeze(student.scholar, student.previous);
}

/** Seconds of a run's work across resumes: those its checkpoint recorded, and those since it started here. */
export function clock(secondsBefore: number, started = performance.now()): () => number {
  return () => secondsBefore + (performance.now() - started) / 1000;
}
