/**
 * The one continual-learning loop. Every experiment and every arm runs through it: tasks arrive one after
 * another; for each, the scholar's generator and solver are trained (independently, paper §3) from the new
 * task's data and the previous scholar; then every task's real test set is evaluated, what the scholar would
 * replay is audited, and a checkpoint written. Arms differ only in the pieces they plug in (core/arms.ts):
 * replayed inputs, their targets, a regulariser. The run tells subscribers what happens through its events
 * (core/run-events.ts); none of them can slow or break it (core/events.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ARMS, type Arm } from './arms.ts';
import { floatArrays, hasCheckpoint, loadCheckpoint, saveCheckpoint, type CheckpointArray } from './checkpoint.ts';
import { parseRunConfig, sameRun, type RunConfig } from './config.ts';
import { EpochSampler, fillBatch } from './data/batch.ts';
import { activeUnits } from './data/streams.ts';
import type { TaskStream } from './data/types.ts';
import type { BackendName } from './engine/backend.ts';
import { sized, sizedStep } from './engine/capacity.ts';
import { Rng } from './engine/random.ts';
import { evaluateStream } from './evaluate.ts';
import type { EventStream } from './events.ts';
import { createGenerator } from './generators/create.ts';
import { GeneratorWorker } from './generators/parallel.ts';
import { trainGenerator, type GeneratorRngs, type GeneratorTaskSettings } from './generators/train.ts';
import { continualMetrics, type Metrics } from './metrics.ts';
import { createRegulariser } from './regularisers/create.ts';
import type { Regulariser } from './regularisers/regulariser.ts';
import { AUDIT_SAMPLES, auditReplay, labelSamples, type ReplayAudit } from './replay/audit.ts';
import { replayBatch, replayGroups, unitsSoFar, type ReplayContext } from './replay/replay.ts';
import { parseRunProgress, type RunProgress } from './run-progress.ts';
import type { ContinualEvent, CurvePoint } from './run-events.ts';
import { ensureWritableDir } from './run-folder.ts';
import { freeze, restoreScholar, scholarArrays, solverObjective, type Scholar } from './scholar.ts';
import { createSolver } from './solvers/create.ts';
import { buildStream } from './stream.ts';

export type { ContinualEvent, CurvePoint, Progress } from './run-events.ts';

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
  readonly events?: EventStream<ContinualEvent>;
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

/** How r is set: fixed, or 1/(tasks so far) so every task weighs the same (RunConfig's and the RL scholar's). */
export type Importance = RunConfig['importance'];

/** r, the importance of the new task (paper §3), for both domains; the first task has nothing to replay, so r = 1. */
export function importance(config: { readonly importance: Importance }, taskIndex: number): number {
  if (taskIndex === 0) return 1;
  return config.importance === 'tasks-so-far' ? 1 / (taskIndex + 1) : config.importance.fixed;
}

/** Everything the steps of a run share. */
interface Run {
  readonly config: RunConfig;
  readonly options: RunOptions;
  readonly arm: Arm;
  readonly stream: TaskStream;
  readonly root: Rng;
  readonly scholar: Scholar;
  /** The frozen scholar of the previous task: the teacher. */
  readonly previous: Scholar;
  readonly regulariser: Regulariser | null;
  readonly emit: (event: ContinualEvent) => void;
  /** Seconds of work so far, across resumes. */
  readonly elapsed: () => number;
  progress: RunProgress;
  // The report's samples of finished tasks travel in the checkpoint, so a resumed run still draws every grid.
  readonly samples: Float32Array[];
  readonly sampleLabels: Int32Array[];
}

/** What one task trains with: its importance r and its random streams (a task's randomness depends only on
 * the seed and the task's index, so a resumed run draws the same). */
interface TaskPlan {
  readonly t: number;
  readonly r: number;
  readonly rng: Rng;
  readonly generator: GeneratorTaskSettings;
  readonly generatorRng: GeneratorRngs;
}

export async function runContinual(config: RunConfig, options: RunOptions): Promise<RunResult> {
  const emit = (event: ContinualEvent): void => options.events?.emit(event);
  let run: Run | null = null;
  try {
    run = prepare(config, options, emit);
    const { stream, scholar } = run;
    const generatorIterations = scholar.generator ? config.generatorIterations : null;
    emit({ type: 'start', config, stream: streamInfo(stream), resumedAt: run.progress.nextTask, generatorIterations });
    const lastTask = Math.min(stream.tasks.length, options.stopAfterTasks ?? Infinity);
    const worker =
      config.parallel && scholar.generator && run.progress.nextTask < lastTask
        ? await GeneratorWorker.start(options.backend, config.generator, stream.shape)
        : null;
    try {
      for (let t = run.progress.nextTask; t < lastTask; t++) {
        const plan = planTask(run, t);
        const tracker = progressTracker(run, plan);
        const generator = startGenerator(run, plan, worker, tracker);
        await trainSolver(run, plan, tracker, generator);
        await generator.finish();
        const row = evaluateStream(scholar.solver, stream);
        consolidate(run, plan);
        const audit = auditScholar(run, plan);
        record(run, plan, row, audit);
        checkpoint(run);
        if (options.shouldStop?.()) break;
      }
    } finally {
      await worker?.stop();
    }
    return finish(run);
  } catch (error) {
    emit({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    if (run) dispose(run);
  }
}

/** Builds the stream and both scholars, and restores them from the checkpoint when one exists. */
function prepare(config: RunConfig, options: RunOptions, emit: (event: ContinualEvent) => void): Run {
  const started = performance.now();
  // The output folder is checked before any work: a run must not train a task only to find it cannot save it.
  if (options.checkpointDir) ensureWritableDir(options.checkpointDir, 'checkpoint folder');
  const arm = ARMS[config.arm];
  const stream = buildStream(config.stream, config.seed);
  const root = new Rng(config.seed);
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
  const models = { scholar, previous, regulariser };
  try {
    return restore(config, options, emit, { arm, stream, root, ...models }, started);
  } catch (error) {
    dispose(models);
    throw error;
  }
}

/** The run as it starts: from its checkpoint when there is one, else before its first task. */
function restore(
  config: RunConfig,
  options: RunOptions,
  emit: (event: ContinualEvent) => void,
  parts: Pick<Run, 'arm' | 'stream' | 'root' | 'scholar' | 'previous' | 'regulariser'>,
  started: number,
): Run {
  const { stream, scholar, previous, regulariser } = parts;
  let progress: RunProgress = { nextTask: 0, accuracyMatrix: [evaluateStream(scholar.solver, stream)], curves: [], seconds: 0 };
  let samples: Float32Array[] = [];
  let sampleLabels: Int32Array[] = [];
  if (options.checkpointDir && hasCheckpoint(options.checkpointDir)) {
    const saved = loadCheckpoint<RunConfig, RunProgress>(options.checkpointDir, {
      parseConfig: parseRunConfig,
      parseProgress: (raw, source) => parseRunProgress(raw, source, stream.tasks.length),
      expected: config,
      same: sameRun,
    });
    restoreScholar(scholar, saved.arrays);
    if (regulariser) regulariser.restore(need(saved.arrays, 'regulariser'));
    samples = floatArrays(saved.arrays, 'reportSamples') ?? [];
    sampleLabels = (floatArrays(saved.arrays, 'reportSampleLabels') ?? []).map((labels) => Int32Array.from(labels));
    freeze(scholar, previous);
    progress = saved.progress;
  }
  const secondsBefore = progress.seconds;
  const elapsed = (): number => secondsBefore + (performance.now() - started) / 1000;
  return { config, options, ...parts, emit, elapsed, progress, samples, sampleLabels };
}

/** Frees both scholars' and the regulariser's tensors, however the run ended. */
function dispose(run: Pick<Run, 'scholar' | 'previous' | 'regulariser'>): void {
  for (const s of [run.scholar, run.previous]) {
    s.solver.dispose();
    s.generator?.dispose();
  }
  run.regulariser?.dispose();
}

function need(arrays: Record<string, CheckpointArray[]>, name: string): Float32Array[] {
  const list = floatArrays(arrays, name);
  if (!list) throw new Error(`checkpoint has no '${name}' arrays (saved by a different arm?)`);
  return list;
}

function streamInfo(stream: TaskStream) {
  const { name, scenario, outputs, shape } = stream;
  return { name, scenario, outputs, shape: [...shape], taskNames: stream.tasks.map((t) => t.name) };
}

function planTask(run: Run, t: number): TaskPlan {
  const rng = run.root.fork(`task ${t}`);
  const r = importance(run.config, t);
  return {
    t,
    r,
    rng,
    generator: { iterations: run.config.generatorIterations, batchSize: run.config.batchSize, r, reportEvery: 25 },
    generatorRng: { train: rng.fork('generator batches'), noise: rng.fork('generator noise'), replay: rng.fork('generator replay') },
  };
}

interface ProgressTracker {
  solver(iteration: number, loss: number): void;
  generator(iteration: number, loss: number): void;
}

/** Emits progress from the solver's reports and, once its iterations are done, from the generator's (which
 * trains after the solver without a worker, and may outlast it with one). */
function progressTracker(run: Run, plan: TaskPlan): ProgressTracker {
  const { config, stream, scholar } = run;
  let solverState: { iteration: number; loss: number } | null = null;
  let generatorState: { iteration: number; loss: number } | null = null;
  const report = (): void => {
    if (!solverState) return;
    run.emit({
      type: 'progress',
      task: plan.t,
      tasks: stream.tasks.length,
      iteration: solverState.iteration,
      iterations: config.iterations,
      solverLoss: solverState.loss,
      generatorIterations: scholar.generator ? config.generatorIterations : null,
      generatorIteration: generatorState?.iteration ?? null,
      generatorLoss: generatorState?.loss ?? null,
    });
  };
  return {
    solver(iteration, loss) {
      solverState = { iteration, loss };
      report();
    },
    generator(iteration, loss) {
      generatorState = { iteration, loss };
      if (solverState?.iteration === config.iterations) report();
    },
  };
}

interface GeneratorJob {
  /** Throws the worker's error as soon as it is known (checked while the solver trains). */
  check(): void;
  /** Waits for the worker, or trains the generator here when there is none. */
  finish(): Promise<void>;
}

/** Train the generator: G_i learns real inputs of the task mixed with G_(i−1)'s, weighted r : (1 − r). In a
 * worker it trains while the solver does; without one, `finish` trains it after the solver. */
function startGenerator(run: Run, plan: TaskPlan, worker: GeneratorWorker | null, tracker: ProgressTracker): GeneratorJob {
  const { scholar, previous, stream } = run;
  const task = stream.tasks[plan.t];
  const teacher = plan.t > 0 ? previous.generator : null;
  const generator = scholar.generator;
  if (!generator) return { check: () => {}, finish: async () => {} };
  const train = (): Promise<void> =>
    trainGenerator({ generator, teacher, inputs: task.train, settings: plan.generator, rng: plan.generatorRng }, worker, tracker.generator);
  if (!worker) return { check: () => {}, finish: train };
  // The rejection is held here from the start, so a worker that fails while the solver trains is never an
  // unhandled rejection: the solver's loop sees it at its next report and the run ends with it.
  let failure: Error | null = null;
  const job = train().catch((error: unknown) => {
    failure = error instanceof Error ? error : new Error(String(error));
  });
  const check = (): void => {
    if (failure) throw failure;
  };
  return {
    check,
    finish: async () => {
      await job;
      check();
    },
  };
}

/** Train the solver: r · L(S(x), y) + (1 − r) · L(S(x'), S_prev(x')) (core/scholar.ts), plus any penalty. */
async function trainSolver(run: Run, plan: TaskPlan, tracker: ProgressTracker, generator: GeneratorJob): Promise<void> {
  const { config, arm, stream, scholar, previous, regulariser } = run;
  const { t, r, rng } = plan;
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
  const penalty = regulariser ? () => regulariser.penalty() : undefined;
  const step = (): tf.Scalar => {
    const batch = fillBatch(task.train, sampler.nextBatch());
    return tf.tidy(() => {
      const x = tf.tensor2d(batch.x, [batch.size, h * w * c]);
      const labels = tf.tensor1d(batch.y, 'int32');
      const replay = hasPast ? replayBatch(arm, context, x, config.batchSize) : null;
      // r = 0 (the scholar chain) learns from the previous scholar alone.
      const current = r === 0 && replay !== null ? null : { x, labels, units };
      return scholar.solver.optimizer.minimize(
        () => solverObjective(scholar.solver, current, replay, r, penalty),
        regulariser?.beforeStep?.bind(regulariser),
      );
    });
  };
  for (let it = 1; it <= config.iterations; it++) {
    const loss = sizedStep(config.batchSize, step);
    regulariser?.afterStep?.();
    const reporting = it % REPORT_EVERY === 0 || it === config.iterations;
    if (reporting) tracker.solver(it, loss.dataSync()[0]);
    loss.dispose();
    if (reporting) {
      // Let the worker's messages through, and stop at once if it failed.
      await new Promise((resolve) => setImmediate(resolve));
      generator.check();
    }
    if (config.evalEvery > 0 && it % config.evalEvery === 0) {
      const point = { task: t, iteration: it, accuracies: evaluateStream(scholar.solver, stream, config.curveSamples) };
      run.progress.curves.push(point);
      run.emit({ type: 'curve', ...point });
    }
  }
}

/** The regulariser consolidates the task, and the scholar becomes the next task's teacher. */
function consolidate(run: Run, plan: TaskPlan): void {
  const task = run.stream.tasks[plan.t];
  run.regulariser?.endTask(run.scholar.solver, task.train, activeUnits(run.stream, plan.t));
  freeze(run.scholar, run.previous);
}

/** What this scholar would hand on: its generator's samples as its solver labels them. */
function auditScholar(run: Run, plan: TaskPlan): { samples: { x: Float32Array; labels: Int32Array } | null; audit: ReplayAudit | null } {
  const { generator, solver } = run.scholar;
  if (!generator) return { samples: null, audit: null };
  const learned = unitsSoFar(run.stream, plan.t);
  return {
    samples: labelSamples(generator, solver, learned, run.options.sampleCount ?? 64, plan.rng.fork('report samples')),
    audit: auditReplay(generator, solver, learned, AUDIT_SAMPLES, plan.rng.fork('replay audit')),
  };
}

function record(run: Run, plan: TaskPlan, row: number[], audited: ReturnType<typeof auditScholar>): void {
  const { t } = plan;
  const { samples, audit } = audited;
  run.samples[t] = samples?.x ?? new Float32Array(0);
  run.sampleLabels[t] = samples?.labels ?? new Int32Array(0);
  const before = run.progress;
  run.progress = {
    nextTask: t + 1,
    accuracyMatrix: [...before.accuracyMatrix, row],
    curves: before.curves,
    seconds: run.elapsed(),
    // A checkpoint written before the audit existed has none for its tasks: null, so indices stay tasks.
    replay: [...run.stream.tasks.slice(0, t).map((_, k) => before.replay?.[k] ?? null), audit],
  };
  run.emit({
    type: 'task-end',
    task: t,
    accuracies: row,
    samples: samples?.x ?? null,
    sampleLabels: samples?.labels ?? null,
    replay: audit,
    shape: [...run.stream.shape],
  });
}

function checkpoint(run: Run): void {
  const dir = run.options.checkpointDir;
  if (!dir) return;
  const done = run.stream.tasks.slice(0, run.progress.nextTask);
  const arrays: Record<string, Float32Array[]> = {
    ...scholarArrays(run.scholar),
    ...(run.regulariser ? { regulariser: run.regulariser.state() } : {}),
    reportSamples: done.map((_, k) => run.samples[k] ?? new Float32Array(0)),
    reportSampleLabels: done.map((_, k) => Float32Array.from(run.sampleLabels[k] ?? [])),
  };
  saveCheckpoint(dir, { config: run.config, progress: run.progress, arrays });
}

function finish(run: Run): RunResult {
  const { stream, progress } = run;
  const metrics = continualMetrics(padded(progress.accuracyMatrix, stream.tasks.length));
  const seconds = run.elapsed();
  run.emit({ type: 'end', ...metrics, accuracyMatrix: progress.accuracyMatrix, seconds });
  return {
    ...metrics,
    accuracyMatrix: progress.accuracyMatrix,
    curves: progress.curves,
    // A checkpoint from before samples were saved leaves its tasks without any.
    samples: stream.tasks.map((_, t) => run.samples[t] ?? new Float32Array(0)),
    sampleLabels: stream.tasks.map((_, t) => run.sampleLabels[t] ?? new Int32Array(0)),
    replay: stream.tasks.map((_, t) => progress.replay?.[t] ?? null),
    seconds,
    taskNames: stream.tasks.map((t) => t.name),
  };
}

/** Metrics of a run stopped early are computed over the rows it has, repeating the last (for partial reports). */
function padded(matrix: number[][], tasks: number): number[][] {
  const rows = [...matrix];
  while (rows.length < tasks + 1) rows.push(rows[rows.length - 1]);
  return rows;
}
