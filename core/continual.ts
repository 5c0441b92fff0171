/**
 * The one continual-learning loop. Every experiment and every arm runs through it: tasks arrive one after
 * another; for each, the scholar's generator and solver are trained (independently, paper §3) from the new
 * task's data and the previous scholar; then every task's real test set is evaluated and a checkpoint written.
 * Arms differ only in the pieces they plug in (core/arms.ts): replayed inputs, their targets, a regulariser.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ARMS, type Arm } from './arms.ts';
import { floatArrays, hasCheckpoint, loadCheckpoint, saveCheckpoint, type CheckpointArray } from './checkpoint.ts';
import { parseRunConfig, sameRun, type RunConfig } from './config.ts';
import { EpochSampler, fillBatch } from './data/batch.ts';
import { activeUnits } from './data/streams.ts';
import type { TaskStream } from './data/types.ts';
import type { BackendName } from './engine/backend.ts';
import { Rng } from './engine/random.ts';
import { evaluateStream } from './evaluate.ts';
import { createGenerator } from './generators/create.ts';
import { GeneratorWorker } from './generators/parallel.ts';
import { trainGeneratorOnTask } from './generators/train.ts';
import { continualMetrics, type Metrics } from './metrics.ts';
import { Ewc } from './regularisers/ewc.ts';
import type { Regulariser } from './regularisers/regulariser.ts';
import { Si } from './regularisers/si.ts';
import { auditReplay, labelSamples, type ReplayAudit } from './replay/audit.ts';
import { replayBatch, type ReplayContext } from './replay/replay.ts';
import { freeze, restoreScholar, scholarArrays, solverObjective, type ReplayGroup, type Scholar } from './scholar.ts';
import { createSolver } from './solvers/create.ts';
import type { Solver } from './solvers/solver.ts';
import { buildStream } from './stream.ts';

export interface CurvePoint {
  /** 0-based task being trained. */
  readonly task: number;
  /** Solver iteration within that task. */
  readonly iteration: number;
  /** Accuracy on each task's test set (a subset of `curveSamples` per task). */
  readonly accuracies: number[];
}

export interface Progress {
  readonly task: number;
  readonly tasks: number;
  readonly iteration: number;
  readonly iterations: number;
  readonly solverLoss: number;
  /** The generator's iterations per task; null for arms without a generator. */
  readonly generatorIterations: number | null;
  readonly generatorIteration: number | null;
  readonly generatorLoss: number | null;
}

/** Observers watch a run without being called by name from the loop's logic (progress bars, JSON, sockets). */
export interface RunObserver {
  /** `generatorIterations`: the generator's iterations per task, null when the arm has no generator. */
  onStart?(e: { stream: TaskStream; config: RunConfig; resumedAt: number; generatorIterations: number | null }): void;
  onProgress?(e: Progress): void;
  onCurve?(p: CurvePoint): void;
  /** After each task: the accuracy row and, when the arm has a generator, samples of its inputs with the
   *  solver's labels for them, and the audit of what it would replay. */
  onTaskEnd?(e: {
    task: number;
    accuracies: number[];
    samples: Float32Array | null;
    sampleLabels: Int32Array | null;
    replay: ReplayAudit | null;
    shape: readonly number[];
  }): void;
}

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

interface RunProgress {
  /** Tasks completed (the next task to train). Each task's randomness is Rng(seed).fork(`task t`), so this and
   *  the seed are the whole RNG state. */
  readonly nextTask: number;
  readonly accuracyMatrix: number[][];
  readonly curves: CurvePoint[];
  readonly seconds: number;
  /** Per finished task (absent in checkpoints written before the audit existed). */
  readonly replay?: (ReplayAudit | null)[];
}

/** Generated samples labelled per task to measure what a scholar replays. */
const AUDIT_SAMPLES = 1000;

export interface RunOptions {
  readonly backend: BackendName;
  readonly observer?: RunObserver;
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

/** r, the importance of the new task (paper §3); the first task has nothing to replay, so r = 1. */
export function importance(config: RunConfig, taskIndex: number): number {
  if (taskIndex === 0) return 1;
  return config.importance === 'tasks-so-far' ? 1 / (taskIndex + 1) : config.importance.fixed;
}

/**
 * What the previous solver teaches on replayed inputs: in task-IL each earlier head on its own units; otherwise
 * the previous solver's answer over the units it knew, taught over every unit the current task may use.
 */
function replayGroups(stream: TaskStream, taskIndex: number): ReplayGroup[] {
  if (taskIndex === 0) return [];
  if (stream.scenario === 'task') return stream.tasks.slice(0, taskIndex).map((t) => ({ teacher: t.units, student: t.units }));
  return [{ teacher: activeUnits(stream, taskIndex - 1), student: activeUnits(stream, taskIndex) }];
}

function unitsSoFar(stream: TaskStream, taskIndex: number): number[] {
  const units = new Set<number>();
  for (const t of stream.tasks.slice(0, taskIndex + 1)) for (const u of activeUnits(stream, t.index)) units.add(u);
  return [...units].sort((a, b) => a - b);
}

function createRegulariser(arm: Arm, config: RunConfig, solver: Solver, rng: Rng): Regulariser | null {
  switch (arm.regulariser) {
    case null:
      return null;
    case 'ewc':
      return new Ewc(solver, config.ewc.lambda, config.ewc.samples, null, rng);
    case 'online-ewc':
      return new Ewc(solver, config.ewc.lambda, config.ewc.samples, config.ewc.gamma, rng);
    case 'si':
      return new Si(solver, config.si.c, config.si.epsilon);
  }
}

export async function runContinual(config: RunConfig, options: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const arm = ARMS[config.arm];
  const stream = buildStream(config.stream, config.seed);
  const [h, w, c] = stream.shape;
  const inputSize = h * w * c;
  const root = new Rng(config.seed);
  const usesGenerator = arm.inputs === 'generator';

  const make = (label: string): Scholar => ({
    solver: createSolver(config.solver, stream.shape, stream.outputs, root.fork(`${label} solver`)),
    generator: usesGenerator ? createGenerator(config.generator, stream.shape, root.fork(`${label} generator`)) : null,
  });
  const scholar = make('scholar');
  const previous = make('previous');
  const regulariser = createRegulariser(arm, config, scholar.solver, root.fork('regulariser'));

  // The report's samples of finished tasks travel in the checkpoint, so a resumed run still draws every grid.
  let samples: Float32Array[] = [];
  let sampleLabels: Int32Array[] = [];
  let progress: RunProgress = {
    nextTask: 0,
    accuracyMatrix: [evaluateStream(scholar.solver, stream)],
    curves: [],
    seconds: 0,
  };
  if (options.checkpointDir && hasCheckpoint(options.checkpointDir)) {
    const saved = loadCheckpoint<RunConfig, RunProgress>(options.checkpointDir, { parseConfig: parseRunConfig, expected: config, same: sameRun });
    restoreRun(scholar, regulariser, saved.arrays);
    samples = floatArrays(saved.arrays, 'reportSamples') ?? [];
    sampleLabels = (floatArrays(saved.arrays, 'reportSampleLabels') ?? []).map((labels) => Int32Array.from(labels));
    freeze(scholar, previous);
    progress = saved.progress;
  }
  const secondsBefore = progress.seconds;
  const elapsed = (): number => secondsBefore + (performance.now() - started) / 1000;
  const generatorIterations = scholar.generator ? config.generatorIterations : null;
  options.observer?.onStart?.({ stream, config, resumedAt: progress.nextTask, generatorIterations });

  const worker =
    config.parallel && scholar.generator && progress.nextTask < stream.tasks.length
      ? await GeneratorWorker.start(options.backend, config.generator, stream.shape)
      : null;
  const lastTask = Math.min(stream.tasks.length, options.stopAfterTasks ?? Infinity);
  try {
    for (let t = progress.nextTask; t < lastTask; t++) {
      const task = stream.tasks[t];
      const taskRng = root.fork(`task ${t}`);
      const r = importance(config, t);
      const hasPast = t > 0;
      let generatorState: { iteration: number; loss: number } | null = null;

      // 1. The generator learns real inputs of the task mixed with the previous generator's (in a worker).
      let generatorJob: Promise<void> | null = null;
      const generatorSettings = {
        iterations: config.generatorIterations,
        batchSize: config.batchSize,
        r,
        reportEvery: 25,
      };
      const generatorRng = {
        train: taskRng.fork('generator batches'),
        noise: taskRng.fork('generator noise'),
        replay: taskRng.fork('generator replay'),
      };
      // The solver's latest state; once its iterations are done, the generator's reports carry the progress
      // (it trains after the solver without a worker, and may outlast it with one).
      let solverState: { iteration: number; loss: number } | null = null;
      const report = (): void => {
        if (!solverState) return;
        const gen = generatorState as { iteration: number; loss: number } | null;
        options.observer?.onProgress?.({
          task: t,
          tasks: stream.tasks.length,
          iteration: solverState.iteration,
          iterations: config.iterations,
          solverLoss: solverState.loss,
          generatorIterations,
          generatorIteration: gen?.iteration ?? null,
          generatorLoss: gen?.loss ?? null,
        });
      };
      const onGeneratorProgress = (iteration: number, loss: number): void => {
        generatorState = { iteration, loss };
        if (solverState?.iteration === config.iterations) report();
      };
      if (scholar.generator && worker) {
        generatorJob = worker.trainTask(
          scholar.generator,
          hasPast ? previous.generator : null,
          task.train,
          generatorSettings,
          generatorRng,
          onGeneratorProgress,
        );
      }

      // 2. The solver minimises r·L(S(x), y) + (1 − r)·L(S(x'), S_prev(x')) (core/scholar.ts).
      previous.generator?.reseed(taskRng.fork('solver replay noise'));
      const context: ReplayContext = {
        previous: hasPast ? previous : null,
        memory: stream.tasks.slice(0, t).map((p) => p.train),
        groups: replayGroups(stream, t),
        unitsSoFar: unitsSoFar(stream, t),
        temperature: config.temperature,
        rng: taskRng.fork('replay'),
      };
      const units = activeUnits(stream, t);
      const sampler = new EpochSampler(task.train.n, config.batchSize, taskRng.fork('solver batches'));
      const penalty = regulariser ? () => regulariser.penalty() : undefined;
      for (let it = 1; it <= config.iterations; it++) {
        const batch = fillBatch(task.train, sampler.nextBatch());
        const loss = tf.tidy(() => {
          const x = tf.tensor2d(batch.x, [batch.size, inputSize]);
          const labels = tf.tensor1d(batch.y, 'int32');
          const replay = hasPast ? replayBatch(arm, context, x, config.batchSize) : null;
          // r = 0 (the scholar chain) learns from the previous scholar alone.
          const current = r === 0 && replay !== null ? null : { x, labels, units };
          return scholar.solver.optimizer.minimize(
            () => solverObjective(scholar.solver, current, replay, r, penalty),
            regulariser?.beforeStep?.bind(regulariser),
          );
        });
        regulariser?.afterStep?.();
        if (it % 25 === 0 || it === config.iterations) {
          solverState = { iteration: it, loss: loss.dataSync()[0] };
          report();
          // Let the worker's messages through.
          await new Promise((resolve) => setImmediate(resolve));
        }
        loss.dispose();
        if (config.evalEvery > 0 && it % config.evalEvery === 0) {
          const point = { task: t, iteration: it, accuracies: evaluateStream(scholar.solver, stream, config.curveSamples) };
          progress.curves.push(point);
          options.observer?.onCurve?.(point);
        }
      }

      if (scholar.generator) {
        if (generatorJob) await generatorJob;
        else {
          scholar.generator.reseed(generatorRng.noise);
          previous.generator?.reseed(generatorRng.replay);
          trainGeneratorOnTask(
            scholar.generator,
            hasPast ? previous.generator : null,
            task.train,
            generatorSettings,
            generatorRng.train,
            onGeneratorProgress,
          );
        }
      }

      // 3. Evaluate on every task's real test set, consolidate, and hand the scholar on as the next teacher.
      const row = evaluateStream(scholar.solver, stream);
      regulariser?.endTask(scholar.solver, task.train, units);
      freeze(scholar, previous);
      // What this scholar would hand on: its generator's samples as its solver labels them.
      const learned = unitsSoFar(stream, t);
      const generated = scholar.generator
        ? labelSamples(scholar.generator, scholar.solver, learned, options.sampleCount ?? 64, taskRng.fork('report samples'))
        : null;
      const audit = scholar.generator ? auditReplay(scholar.generator, scholar.solver, learned, AUDIT_SAMPLES, taskRng.fork('replay audit')) : null;
      samples[t] = generated?.x ?? new Float32Array(0);
      sampleLabels[t] = generated?.labels ?? new Int32Array(0);
      progress = {
        nextTask: t + 1,
        accuracyMatrix: [...progress.accuracyMatrix, row],
        curves: progress.curves,
        seconds: elapsed(),
        // A checkpoint written before the audit existed has none for its tasks: null, so indices stay tasks.
        replay: [...stream.tasks.slice(0, t).map((_, k) => progress.replay?.[k] ?? null), audit],
      };
      options.observer?.onTaskEnd?.({
        task: t,
        accuracies: row,
        samples: generated?.x ?? null,
        sampleLabels: generated?.labels ?? null,
        replay: audit,
        shape: stream.shape,
      });
      if (options.checkpointDir) {
        const arrays = {
          ...runArrays(scholar, regulariser),
          reportSamples: stream.tasks.slice(0, t + 1).map((_, k) => samples[k] ?? new Float32Array(0)),
          reportSampleLabels: stream.tasks.slice(0, t + 1).map((_, k) => Float32Array.from(sampleLabels[k] ?? [])),
        };
        saveCheckpoint(options.checkpointDir, { config, progress, arrays });
      }
      if (options.shouldStop?.()) break;
    }
  } finally {
    await worker?.stop();
  }
  const metrics = continualMetrics(padded(progress.accuracyMatrix, stream.tasks.length));
  const seconds = elapsed();
  for (const s of [scholar, previous]) {
    s.solver.dispose();
    s.generator?.dispose();
  }
  regulariser?.dispose();
  return {
    ...metrics,
    accuracyMatrix: progress.accuracyMatrix,
    curves: progress.curves,
    // A checkpoint from before samples were saved leaves its tasks without any.
    samples: stream.tasks.map((_, t) => samples[t] ?? new Float32Array(0)),
    sampleLabels: stream.tasks.map((_, t) => sampleLabels[t] ?? new Int32Array(0)),
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

function runArrays(scholar: Scholar, regulariser: Regulariser | null): Record<string, Float32Array[]> {
  return regulariser ? { ...scholarArrays(scholar), regulariser: regulariser.state() } : scholarArrays(scholar);
}

function restoreRun(scholar: Scholar, regulariser: Regulariser | null, arrays: Record<string, CheckpointArray[]>): void {
  restoreScholar(scholar, arrays);
  if (regulariser) {
    const state = floatArrays(arrays, 'regulariser');
    if (!state) throw new Error("checkpoint has no 'regulariser' arrays (saved by a different arm?)");
    regulariser.restore(state);
  }
}
