/**
 * `dgr serve --replay DIR`: a finished (or stopped) run's folder served as if it were running, so its curves,
 * R, dreams and samples can be looked at again. Reads what the run left: its checkpoint (config, the record of
 * curves and R, and the dreams or the report's samples as arrays) and, for classification, config.json.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { floatArrays, loadCheckpoint } from '../core/checkpoint.ts';
import { parseRunConfig, type RunConfig } from '../core/config.ts';
import type { CurvePoint as RunCurvePoint } from '../core/continual.ts';
import { imageShape } from '../core/report/run.ts';
import { configOf } from '../core/provenance.ts';
import { readJsonFile } from '../core/json-files.ts';
import { encodeSamples } from '../protocol/binary.ts';
import type { Capability, ControlState } from '../protocol/messages.ts';
import { agentRunInfo, readAgentCheckpoint, recordMessages } from './agent-record.ts';
import { classificationRunInfo } from './continual-messages.ts';
import type { Job, JobOutput } from './job.ts';

interface SavedArm {
  readonly config: RunConfig;
  readonly curves: readonly RunCurvePoint[];
  readonly accuracyMatrix: readonly (readonly number[])[];
  readonly samples: readonly Float32Array[];
  readonly labels: readonly Float32Array[];
  readonly taskNames: readonly string[];
}

/** Arm folders of a run: DIR itself when it holds a config.json, else its subfolders that do. */
function armFolders(dir: string): string[] {
  if (existsSync(join(dir, 'config.json'))) return [dir];
  const arms = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'config.json')))
    .map((e) => join(dir, e.name));
  if (arms.length === 0) throw new Error(`--replay ${dir}: neither an RL run's folder (checkpoint/) nor a classification run's (config.json, or arm folders holding one)`);
  return arms;
}

function readArm(dir: string): SavedArm {
  const config = parseRunConfig(configOf(readJsonFile(join(dir, 'config.json'), '--replay')), join(dir, 'config.json'));
  const checkpoint = join(dir, `seed-${config.seed}`, 'checkpoint');
  if (!existsSync(join(checkpoint, 'checkpoint.json'))) throw new Error(`--replay ${dir}: no checkpoint in ${checkpoint}`);
  const saved = loadCheckpoint<RunConfig, { curves: RunCurvePoint[]; accuracyMatrix: number[][] }>(checkpoint, { parseConfig: parseRunConfig });
  const result = existsSync(join(dir, 'result.json')) ? (readJsonFile(join(dir, 'result.json'), '--replay') as { taskNames?: unknown }) : {};
  const rows = saved.progress.accuracyMatrix;
  const taskNames = Array.isArray(result.taskNames)
    ? result.taskNames.map(String)
    : rows[0].map((_, k) => `task ${k + 1}`);
  return {
    config,
    curves: saved.progress.curves,
    accuracyMatrix: rows,
    samples: floatArrays(saved.arrays, 'reportSamples') ?? [],
    labels: floatArrays(saved.arrays, 'reportSampleLabels') ?? [],
    taskNames,
  };
}

/** The outputs of a classification run's folder (one arm's, or an experiment's with arm subfolders). */
function classificationOutputs(dir: string): JobOutput[] {
  const arms = armFolders(dir).map(readArm);
  const out: JobOutput[] = [];
  const configs = arms.map((a) => a.config);
  const first = arms[0];
  const shape = imageShape(first.config.stream);
  out.push({ kind: 'message', message: { type: 'run', run: classificationRunInfo(configs, first.taskNames, shape) } });
  arms.forEach((arm, a) => {
    const series = arm.config.arm;
    const iterations = arm.config.iterations;
    const points = arm.curves.map((p) => ({ series, x: p.task * iterations + p.iteration, task: p.task, values: p.accuracies }));
    const rows = arm.accuracyMatrix.slice(1).map((row, task) => ({ series, x: (task + 1) * iterations, task, values: [...row] }));
    // Task ends are points of the curves too (a run without --eval-every has no others), in x order.
    for (const point of [...points, ...rows].sort((p, q) => p.x - q.x)) out.push({ kind: 'message', message: { type: 'curve', point } });
    for (const { task, x, values } of rows) out.push({ kind: 'message', message: { type: 'task-end', series, task, x, row: values } });
    arm.samples.forEach((x, task) => {
      if (x.length === 0) return;
      const pixels = Uint8Array.from(x, (v) => Math.round(255 * Math.min(1, Math.max(0, v))));
      const labels = Array.from(arm.labels[task] ?? []);
      out.push({ kind: 'binary', bytes: encodeSamples({ arm: a, task, shape: [...shape], labels, pixels }), frame: false });
    });
  });
  return out;
}

/**
 * The checkpoint of an RL run's folder, or null for a classification run: `dgr rl` and `dgr serve` keep it in
 * <out>/seed-<seed>/checkpoint beside <out>/config.json (`experiment: "rl"`); a seed's folder or the checkpoint
 * folder itself are taken too.
 */
function rlCheckpoint(dir: string): string | null {
  const configFile = join(dir, 'config.json');
  const config = existsSync(configFile) ? (readJsonFile(configFile, '--replay') as { experiment?: unknown; seed?: unknown }) : null;
  if (config?.experiment === 'rl') {
    for (const candidate of [join(dir, `seed-${String(config.seed)}`, 'checkpoint'), join(dir, 'checkpoint')]) {
      if (existsSync(join(candidate, 'checkpoint.json'))) return candidate;
    }
    throw new Error(`--replay ${dir}: an RL run without a checkpoint (seed-${String(config.seed)}/checkpoint)`);
  }
  if (config === null && existsSync(join(dir, 'checkpoint.json'))) return dir;
  return null;
}

/** The outputs of an RL run's checkpoint. */
function rlOutputs(checkpointDir: string): JobOutput[] {
  const saved = readAgentCheckpoint(checkpointDir);
  return [{ kind: 'message', message: { type: 'run', run: agentRunInfo(saved.config, saved.record) } }, ...recordMessages(saved)];
}

export class ReplayJob implements Job {
  readonly capabilities: readonly Capability[];
  private readonly outputs: readonly JobOutput[];

  constructor(readonly dir: string) {
    if (!existsSync(dir)) throw new Error(`--replay ${dir}: no such folder`);
    const rl = rlCheckpoint(dir);
    this.outputs = rl ? rlOutputs(rl) : classificationOutputs(dir);
    this.capabilities = rl ? ['dreams'] : ['samples'];
  }

  start(output: (o: JobOutput) => void): void {
    const [run, ...rest] = this.outputs;
    output(run);
    output({ kind: 'message', message: { type: 'status', state: 'replay' } });
    for (const o of rest) output(o);
  }

  control(): ControlState {
    return { paused: false, framesPerSecond: 0, watch: null };
  }

  apply(): ControlState {
    throw new Error('a replayed run has no controls');
  }

  setWatched(): void {}

  async stop(): Promise<void> {}
}
