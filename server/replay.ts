/**
 * `dgr serve --replay DIR`: a finished (or stopped) run's folder served as if it were running, so its curves,
 * R, dreams and samples can be looked at again. Reads what the run left: its checkpoint (config, the record of
 * curves and R, and the dreams or the report's samples as arrays) and, for classification, config.json.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { floatArrays, loadCheckpoint } from '../core/checkpoint.ts';
import { parseRunConfig, problemsOf, runConfigSchema, type RunConfig } from '../core/config.ts';
import type { CurvePoint as RunCurvePoint } from '../core/continual.ts';
import { imageShape } from '../core/report/run.ts';
import { configOf } from '../core/provenance.ts';
import { readJsonFile } from '../core/json-files.ts';
import { encodeSamples } from '../protocol/binary.ts';
import type { Capability, ControlState } from '../protocol/messages.ts';
import { agentRunInfo, readAgentCheckpoint, recordMessages } from './agent-record.ts';
import { classificationRunInfo } from './run-messages.ts';
import { refusalOf, type Job, type JobOutput, type JobRequest, type Refusal } from './job.ts';

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
  if (arms.length === 0) {
    throw new Error(
      `--replay ${dir}: not a run's folder: no config.json in it or its subfolders. A finished run leaves one (an RL run's ` +
        "beside seed-<n>/checkpoint, a classification run's in each arm's folder); a classification run killed before its end has none to replay",
    );
  }
  return arms;
}

/** A classification arm's config.json; a config.json of anything else is said to be so in one line, not as the
 * schema's list of every field it lacks. */
function readArmConfig(dir: string): RunConfig {
  const path = join(dir, 'config.json');
  const parsed = runConfigSchema.safeParse(configOf(readJsonFile(path, '--replay')));
  if (parsed.success) return parsed.data;
  const problems = problemsOf(parsed.error);
  throw new Error(
    `--replay ${dir}: ${path} is not the config of a \`dgr rl\` or \`dgr experiment\` run ` +
      `(${problems.length > 1 ? `${problems.length} fields do not fit, the first` : "one field does not fit:"} ${problems[0]}), so the folder is not a run's`,
  );
}

function readArm(dir: string): SavedArm {
  const config = readArmConfig(dir);
  const checkpoint = join(dir, `seed-${config.seed}`, 'checkpoint');
  if (!existsSync(join(checkpoint, 'checkpoint.json'))) {
    throw new Error(`--replay ${dir}: a classification run's folder without its checkpoint (${checkpoint}): it holds what the run showed, and the run never wrote it or it was removed`);
  }
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
  out.push({ kind: 'message', message: { type: 'run', run: classificationRunInfo(configs[0], configs.map((c) => c.arm), first.taskNames, shape) } });
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
  return config === null ? unfinishedRlCheckpoint(dir) : null;
}

/**
 * An RL run stopped before its end has no config.json of its own yet, only its seeds' (written as each starts):
 * it is replayed from its first seed's checkpoint, its history up to its last finished phase.
 */
function unfinishedRlCheckpoint(dir: string): string | null {
  const seeds = readdirSync(dir)
    .filter((name) => /^seed-\d+$/.test(name) && existsSync(join(dir, name, 'config.json')))
    .filter((name) => (readJsonFile(join(dir, name, 'config.json'), '--replay') as { experiment?: unknown } | null)?.experiment === 'rl')
    .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
  if (seeds.length === 0) return null;
  const checkpoint = seeds.map((name) => join(dir, name, 'checkpoint')).find((c) => existsSync(join(c, 'checkpoint.json')));
  if (checkpoint === undefined) {
    throw new Error(`--replay ${dir}: an RL run stopped before its first phase ended (${seeds.join(', ')} ${seeds.length > 1 ? 'hold' : 'holds'} no checkpoint): nothing to replay yet`);
  }
  return checkpoint;
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
    if (!statSync(dir).isDirectory()) throw new Error(`--replay ${dir}: a file, not a run's folder (give the --out folder of a dgr rl, dgr experiment or dgr serve run)`);
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

  refusal(request: JobRequest): Refusal | null {
    return refusalOf(this.capabilities, null, request);
  }

  apply(): ControlState {
    throw new Error('a replayed run has no controls');
  }

  setWatched(): void {}

  async stop(): Promise<void> {}
}
