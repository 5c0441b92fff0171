/**
 * The classification domain of the continual loop (./continual.ts): a stream of labelled tasks (./stream.ts) and
 * one student, the arm's scholar (./arms.ts: its replayed inputs, their targets, its regulariser). A task's
 * lesson is its training set with the arm's replay; its row of R is every task's test accuracy; its audit is what
 * the new generator would hand on, as its solver labels it. The run tells subscribers what happens through its
 * events (./run-events.ts); none of them can slow or break it (./events.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ARMS, type Arm } from './arms.ts';
import { floatArrays, hasCheckpoint, loadCheckpoint, type CheckpointArray } from './checkpoint.ts';
import { clock, continualLoop, importance, type ContinualDomain, type Lesson, type Learnt, type Position, type SolverLesson } from './continual.ts';
import { parseRunConfig, sameRun, type RunConfig } from './config.ts';
import { EpochSampler, fillBatch } from './data/batch.ts';
import { activeUnits } from './data/streams.ts';
import type { TaskStream } from './data/types.ts';
import type { BackendName } from './engine/backend.ts';
import { sized } from './engine/capacity.ts';
import { Rng } from './engine/random.ts';
import { evaluateStream } from './evaluate.ts';
import type { EventStream } from './events.ts';
import { createGenerator } from './generators/create.ts';
import { continualMetrics, type Metrics } from './metrics.ts';
import { createRegulariser } from './regularisers/create.ts';
import { AUDIT_SAMPLES, auditReplay, labelSamples, type ReplayAudit } from './replay/audit.ts';
import { replayBatch, replayGroups, unitsSoFar, type ReplayContext } from './replay/replay.ts';
import { parseRunProgress, type RunProgress } from './run-progress.ts';
import type { ClassificationEvent, CurvePoint } from './run-events.ts';
import { ensureWritableDir } from './run-folder.ts';
import { disposeStudent, restoreStudent, solverObjective, studentArrays, type Scholar, type Student } from './scholar.ts';
import { createSolver } from './solvers/create.ts';
import { buildStream } from './stream.ts';

export interface RunResult extends Metrics {
  /** R[k][i]: row 0 at start, row k after task k; column i task i. */
  readonly accuracyMatrix: number[][];
  readonly curves: CurvePoint[];
  /** Generated inputs after each task (flat [n, inputSize]); empty arrays for arms without a generator. */
  readonly samples: Float32Array[];
  /** The solver's label for each of those samples, among the units learned so far. */
  readonly sampleLabels: Int32Array[];
  /** After each task, what the scholar would replay (core/replay/audit.ts); null for arms without a generator. */
  readonly replay: (ReplayAudit | null)[];
  readonly seconds: number;
  readonly taskNames: string[];
}

/** The solver reports its loss (and lets the worker's messages through) every this many iterations. */
const REPORT_EVERY = 25;

export interface RunOptions {
  readonly backend: BackendName;
  /** Where the run tells what happens: start, progress, curve points, task ends, end, error. */
  readonly events?: EventStream<ClassificationEvent>;
  /** Write a checkpoint here after each task, and resume from it when one exists. */
  readonly checkpointDir?: string;
  /** Stop after this many tasks (a test's stand-in for a killed run). */
  readonly stopAfterTasks?: number;
  /** Asked after each task's checkpoint: true ends the run there, to be resumed from that checkpoint (a sweep
   *  worker told to shut down finishes its task first). The result then covers the tasks done. */
  readonly shouldStop?: () => boolean;
  /** Generated samples kept per task for the report's grids. */
  readonly sampleCount?: number;
}

export async function runContinual(config: RunConfig, options: RunOptions): Promise<RunResult> {
  const emit = (event: ClassificationEvent): void => options.events?.emit(event);
  let domain: Classification;
  try {
    domain = new Classification(config, options, emit);
  } catch (error) {
    emit({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    throw error;
  }
  await continualLoop(domain, options);
  return domain.finish();
}

/** A task's lesson for the arm's scholar: r and the task's random streams (they depend only on the seed and the
 *  task's index, so a resumed run draws the same). */
interface TaskLesson extends Lesson {
  readonly t: number;
  readonly rng: Rng;
}

interface ProgressTracker {
  solverStarts(): void;
  solver(iteration: number, loss: number): void;
  generator(iteration: number, loss: number): void;
}

/** What the scholar hands on after a task: its generator's samples as its solver labels them. */
interface Handed {
  readonly samples: { x: Float32Array; labels: Int32Array } | null;
  readonly audit: ReplayAudit | null;
}

class Classification implements ContinualDomain<TaskLesson, number[], Handed> {
  readonly tasks: number;
  readonly students: readonly Student[];
  readonly start: Position;
  readonly worker: ContinualDomain<TaskLesson, number[], Handed>['worker'];
  private readonly arm: Arm;
  private readonly stream: TaskStream;
  private readonly root: Rng;
  private readonly elapsed: () => number;
  private progress: RunProgress;
  // The report's samples of finished tasks travel in the checkpoint, so a resumed run still draws every grid.
  private samples: Float32Array[] = [];
  private sampleLabels: Int32Array[] = [];

  constructor(
    private readonly config: RunConfig,
    private readonly options: RunOptions,
    private readonly emit: (event: ClassificationEvent) => void,
  ) {
    const started = performance.now();
    // The output folder is checked before any work: a run must not train a task only to find it cannot save it.
    if (options.checkpointDir) ensureWritableDir(options.checkpointDir, 'checkpoint folder');
    this.arm = ARMS[config.arm];
    this.stream = buildStream(config.stream, config.seed);
    this.root = new Rng(config.seed);
    const student = this.makeStudent();
    this.students = [student];
    try {
      this.progress = this.restore(student);
    } catch (error) {
      disposeStudent(student);
      throw error;
    }
    this.elapsed = clock(this.progress.seconds, started);
    this.tasks = Math.min(this.stream.tasks.length, options.stopAfterTasks ?? Infinity);
    this.start = { task: this.progress.nextTask, learned: false, studentsDone: 0 };
    const generator = student.scholar.generator;
    this.worker = config.parallel && generator ? { model: config.generator, shape: this.stream.shape } : null;
    const stream = streamInfo(this.stream);
    emit({ type: 'start', kind: 'classification', tasks: stream.taskNames, config, stream, resumedAt: this.progress.nextTask, generatorIterations: generator ? config.generatorIterations : null });
  }

  /** The arm's scholar and the frozen previous scholar, and its regulariser. */
  private makeStudent(): Student {
    const { config, stream, root, arm } = this;
    const make = (label: string): Scholar => ({
      solver: sized(`solver ${JSON.stringify(config.solver)}`, () => createSolver(config.solver, stream.shape, stream.outputs, root.fork(`${label} solver`))),
      generator:
        arm.inputs === 'generator'
          ? sized(`generator ${JSON.stringify(config.generator)}`, () => createGenerator(config.generator, stream.shape, root.fork(`${label} generator`)))
          : null,
    });
    const scholar = make('scholar');
    const previous = make('previous');
    const regulariser = arm.regulariser && createRegulariser(arm.regulariser, config, scholar.solver, root.fork('regulariser'));
    return { scholar, previous, regulariser };
  }

  /** The run as it starts: from its checkpoint when there is one, else before its first task. */
  private restore(student: Student): RunProgress {
    const { stream, options, config } = this;
    const fresh: RunProgress = { nextTask: 0, accuracyMatrix: [evaluateStream(student.scholar.solver, stream)], curves: [], seconds: 0 };
    if (!options.checkpointDir || !hasCheckpoint(options.checkpointDir)) return fresh;
    const saved = loadCheckpoint<RunConfig, RunProgress>(options.checkpointDir, {
      parseConfig: parseRunConfig,
      parseProgress: (raw, source) => parseRunProgress(raw, source, stream.tasks.length),
      expected: config,
      same: sameRun,
    });
    restoreStudent(student, saved.arrays);
    this.samples = floatArrays(saved.arrays, 'reportSamples') ?? [];
    this.sampleLabels = (floatArrays(saved.arrays, 'reportSampleLabels') ?? []).map((labels) => Int32Array.from(labels));
    return saved.progress;
  }

  lesson(t: number): TaskLesson {
    const { config, stream } = this;
    const student = this.students[0];
    const rng = this.root.fork(`task ${t}`);
    const r = importance(config, t);
    const task = stream.tasks[t];
    const progress = this.progressTracker(t);
    return {
      t,
      rng,
      generator: student.scholar.generator && {
        task: {
          generator: student.scholar.generator,
          teacher: t > 0 ? student.previous.generator : null,
          inputs: task.train,
          settings: { iterations: config.generatorIterations, batchSize: config.batchSize, r, reportEvery: REPORT_EVERY },
          rng: { train: rng.fork('generator batches'), noise: rng.fork('generator noise'), replay: rng.fork('generator replay') },
        },
        report: progress.generator,
      },
      solver: () => {
        progress.solverStarts();
        return this.solverLesson(t, r, rng, progress.solver);
      },
      anchor: { inputs: task.train, units: activeUnits(stream, t) },
    };
  }

  /** r · L(S(x), y) + (1 − r) · L(S(x'), S_prev(x')) (./scholar.ts) on a batch of the task and the arm's replay. */
  private solverLesson(t: number, r: number, rng: Rng, report: (iteration: number, loss: number) => void): SolverLesson {
    const { config, arm, stream } = this;
    const { scholar, previous } = this.students[0];
    const task = stream.tasks[t];
    const [h, w, c] = stream.shape;
    const hasPast = t > 0;
    previous.generator?.reseed(rng.fork('solver replay noise'));
    const context: ReplayContext = {
      previous: hasPast ? previous : null,
      memory: stream.tasks.slice(0, t).map((p) => p.train),
      groups: replayGroups(stream, t),
      unitsSoFar: unitsSoFar(stream, t),
      temperature: config.temperature,
      rng: rng.fork('replay'),
    };
    const units = activeUnits(stream, t);
    const sampler = new EpochSampler(task.train.n, config.batchSize, rng.fork('solver batches'));
    return {
      iterations: config.iterations,
      batchSize: config.batchSize,
      reportEvery: REPORT_EVERY,
      batch: () => {
        const batch = fillBatch(task.train, sampler.nextBatch());
        const x = tf.tensor2d(batch.x, [batch.size, h * w * c]);
        const labels = tf.tensor1d(batch.y, 'int32');
        const replay = hasPast ? replayBatch(arm, context, x, config.batchSize) : null;
        // r = 0 (the scholar chain) learns from the previous scholar alone.
        const current = r === 0 && replay !== null ? null : { x, labels, units };
        return () => solverObjective(scholar.solver, current, replay, r);
      },
      report,
      afterStep: (it) => {
        if (config.evalEvery > 0 && it % config.evalEvery === 0) {
          const point = { task: t, iteration: it, accuracies: evaluateStream(scholar.solver, stream, config.curveSamples) };
          this.progress.curves.push(point);
          this.emit({ type: 'curve', kind: 'classification', task: t, iteration: it, values: point.accuracies });
        }
      },
    };
  }

  /** Progress from the solver's reports and from the generator's: before the solver starts (without a worker the
   *  generator trains first) and once the solver's iterations are done (a worker's generator may outlast it). */
  private progressTracker(t: number): ProgressTracker {
    const { config, stream } = this;
    const hasGenerator = this.students[0].scholar.generator !== null;
    let solverStarted = false;
    let solverState: { iteration: number; loss: number } | null = null;
    let generatorState: { iteration: number; loss: number } | null = null;
    const report = (): void => {
      this.emit({
        type: 'progress',
        kind: 'classification',
        task: t,
        tasks: stream.tasks.length,
        iteration: solverState?.iteration ?? 0,
        iterations: config.iterations,
        solverLoss: solverState?.loss ?? null,
        generatorIterations: hasGenerator ? config.generatorIterations : null,
        generatorIteration: generatorState?.iteration ?? null,
        generatorLoss: generatorState?.loss ?? null,
      });
    };
    return {
      solverStarts() {
        solverStarted = true;
      },
      solver(iteration, loss) {
        solverState = { iteration, loss };
        report();
      },
      generator(iteration, loss) {
        generatorState = { iteration, loss };
        if (!solverStarted || solverState?.iteration === config.iterations) report();
      },
    };
  }

  evaluate(): number[] {
    return evaluateStream(this.students[0].scholar.solver, this.stream);
  }

  /** What this scholar would hand on: its generator's samples as its solver labels them. */
  audit(lesson: TaskLesson): Handed {
    const { generator, solver } = this.students[0].scholar;
    if (!generator) return { samples: null, audit: null };
    const learned = unitsSoFar(this.stream, lesson.t);
    return {
      samples: labelSamples(generator, solver, learned, this.options.sampleCount ?? 64, lesson.rng.fork('report samples')),
      audit: auditReplay(generator, solver, learned, AUDIT_SAMPLES, lesson.rng.fork('replay audit')),
    };
  }

  record(lesson: TaskLesson, learnt: Learnt<number[], Handed>): void {
    const { t } = lesson;
    const { row } = learnt;
    const { samples, audit } = learnt.audit;
    this.samples[t] = samples?.x ?? new Float32Array(0);
    this.sampleLabels[t] = samples?.labels ?? new Int32Array(0);
    const before = this.progress;
    this.progress = {
      nextTask: t + 1,
      accuracyMatrix: [...before.accuracyMatrix, row],
      curves: before.curves,
      seconds: this.elapsed(),
      // A checkpoint written before the audit existed has none for its tasks: null, so indices stay tasks.
      replay: [...this.stream.tasks.slice(0, t).map((_, k) => before.replay?.[k] ?? null), audit],
    };
    this.emit({
      type: 'task-end',
      kind: 'classification',
      task: t,
      row,
      samples: samples?.x ?? null,
      sampleLabels: samples?.labels ?? null,
      replay: audit,
      shape: [...this.stream.shape],
    });
  }

  checkpoint(): { config: RunConfig; progress: RunProgress; arrays: Record<string, CheckpointArray[]> } {
    const student = this.students[0];
    const done = this.stream.tasks.slice(0, this.progress.nextTask);
    const arrays: Record<string, Float32Array[]> = {
      ...studentArrays(student),
      reportSamples: done.map((_, k) => this.samples[k] ?? new Float32Array(0)),
      reportSampleLabels: done.map((_, k) => Float32Array.from(this.sampleLabels[k] ?? [])),
    };
    return { config: this.config, progress: this.progress, arrays };
  }

  shouldStop(): boolean {
    return this.options.shouldStop?.() ?? false;
  }

  failed(error: unknown): void {
    this.emit({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }

  finish(): RunResult {
    const { stream, progress } = this;
    const metrics = continualMetrics(padded(progress.accuracyMatrix, stream.tasks.length));
    const seconds = this.elapsed();
    this.emit({ type: 'end', kind: 'classification', ...metrics, accuracyMatrix: progress.accuracyMatrix, seconds });
    return {
      ...metrics,
      accuracyMatrix: progress.accuracyMatrix,
      curves: progress.curves,
      // A checkpoint from before samples were saved leaves its tasks without any.
      samples: stream.tasks.map((_, t) => this.samples[t] ?? new Float32Array(0)),
      sampleLabels: stream.tasks.map((_, t) => this.sampleLabels[t] ?? new Int32Array(0)),
      replay: stream.tasks.map((_, t) => progress.replay?.[t] ?? null),
      seconds,
      taskNames: stream.tasks.map((t) => t.name),
    };
  }
}

function streamInfo(stream: TaskStream) {
  const { name, scenario, outputs, shape } = stream;
  return { name, scenario, outputs, shape: [...shape], taskNames: stream.tasks.map((t) => t.name) };
}

/** Metrics of a run stopped early are computed over the rows it has, repeating the last (for partial reports). */
function padded(matrix: number[][], tasks: number): number[][] {
  const rows = [...matrix];
  while (rows.length < tasks + 1) rows.push(rows[rows.length - 1]);
  return rows;
}
