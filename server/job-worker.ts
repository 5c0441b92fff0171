/**
 * The job's thread: trains the run so the server's event loop stays free for viewers. Everything it reports
 * goes to the server as JobOutputs (binary ones transferred); it reads its controls from shared memory.
 */
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type { RunConfig } from '../core/config.ts';
import type { ClassificationEvent } from '../core/run-events.ts';
import type { BackendName } from '../core/engine/backend-names.ts';
import type { AgentConfig } from '../agent/config.ts';
import type { AgentEvent } from '../agent/events.ts';
import { SharedControl, sharedAgentControl } from './control.ts';
import type { WorkerData, WorkerOutput } from './job.ts';
import { runMessages } from './run-messages.ts';

const data = workerData as WorkerData;
const control = new SharedControl(data.control);
const port = parentPort;
if (!port) throw new Error('server/job-worker.ts runs as a worker thread');

function post(o: WorkerOutput): void {
  if (o.kind === 'binary') port!.postMessage(o, [o.bytes.buffer as ArrayBuffer]);
  else port!.postMessage(o);
}

/** Each arm of a classification experiment in turn, writing the files `dgr experiment` writes. */
async function runClassification(configs: readonly RunConfig[], backend: BackendName, out: string, command: string): Promise<void> {
  const { runContinual } = await import('../core/continual.ts');
  const { EventStream } = await import('../core/events.ts');
  const { writeRunFiles } = await import('../core/report/write.ts');
  const { writeJson } = await import('../core/json-files.ts');
  const { resultFile } = await import('../core/results.ts');
  const { engineOf } = await import('../core/engine/backend.ts');
  const { configFile, finishProvenance, startProvenance } = await import('../core/provenance.ts');
  for (const config of configs) {
    const dir = join(out, config.arm);
    const events = new EventStream<ClassificationEvent>();
    const { subscriber } = runMessages(post, { watched: () => control.watched, frameRate: data.frameRate, beforeProgress: () => control.waitWhilePaused(), arms: configs.map((c) => c.arm) });
    events.subscribe(subscriber);
    const started = startProvenance(engineOf(), command);
    const result = await runContinual(config, { backend, events, checkpointDir: join(dir, `seed-${config.seed}`, 'checkpoint') });
    const provenance = finishProvenance(started);
    writeJson(join(dir, `seed-${config.seed}`), 'config.json', configFile(config, provenance));
    writeJson(dir, 'config.json', configFile(config, provenance));
    writeJson(dir, 'result.json', resultFile(config, backend, [{ seed: config.seed, result, provenance }]));
    await writeRunFiles(dir, { config, results: [result], seeds: [config.seed], backend, command });
  }
}

/**
 * The RL run in `dgr rl`'s folder layout (config.json, seed-<seed>/checkpoint, and at the end result.json per arm,
 * curves, plots and report.md), resumed from its checkpoint when one is there: its past (curves, R, dreams) is
 * sent right after the run's start, so viewers of a resumed run see it all. A stop request ends a learner phase
 * at its next step, checkpointing the learner where it stands, and a consolidation phase at its end.
 */
async function runRl(config: AgentConfig, backend: BackendName, out: string, command: string): Promise<'finished' | 'stopped'> {
  const { runAgent, RunStopped } = await import('../agent/run.ts');
  const { EventStream } = await import('../core/events.ts');
  const { hasCheckpoint } = await import('../core/checkpoint.ts');
  const { writeJson } = await import('../core/json-files.ts');
  const { readAgentCheckpoint, recordMessages } = await import('./agent-record.ts');
  const { engineOf } = await import('../core/engine/backend.ts');
  const { configFile, finishProvenance, startProvenance } = await import('../core/provenance.ts');
  const started = startProvenance(engineOf(), command);
  const dir = join(out, `seed-${config.seed}`);
  const checkpointDir = join(dir, 'checkpoint');
  const past = hasCheckpoint(checkpointDir) ? recordMessages(readAgentCheckpoint(checkpointDir)) : [];
  const events = new EventStream<AgentEvent>();
  const { subscriber, dispose } = runMessages(
    (o) => {
      post(o);
      if (o.kind !== 'message' || o.message.type !== 'run') return;
      // The run has started (a checkpoint of another config would have been refused): its files say what it is.
      writeJson(out, 'config.json', configFile(config, started));
      writeJson(dir, 'config.json', configFile(config, started));
      for (const p of past.splice(0)) post(p);
    },
    { watched: () => control.watched, frameRate: data.frameRate },
  );
  events.subscribe(subscriber);
  let result: Awaited<ReturnType<typeof runAgent>>;
  try {
    result = await runAgent(config, { backend, events, control: sharedAgentControl(control), checkpointDir });
  } catch (error) {
    if (error instanceof RunStopped) return 'stopped';
    throw error;
  } finally {
    dispose();
  }
  const { rlResultFile, seedResult } = await import('../agent/report/result-file.ts');
  const { writeRlRunFiles } = await import('../agent/report/files.ts');
  const provenance = finishProvenance(started);
  writeJson(out, 'config.json', configFile(config, provenance));
  writeJson(dir, 'config.json', configFile(config, provenance));
  const runs = [{ seed: config.seed, result }];
  const files = config.arms.map((arm) => rlResultFile(config, arm, backend, result.games, result.reference, [seedResult(config.seed, result, arm, provenance)]));
  await writeRlRunFiles({ out, runs, files, command, checkpoint: checkpointDir });
  return 'finished';
}

async function main(): Promise<void> {
  const { spec } = data;
  const { describeBackend, useBackend } = await import('../core/engine/backend.ts');
  // tfjs keeps one backend per thread: this thread starts its own.
  const backend = await useBackend(spec.backend, { native: spec.native });
  post({ kind: 'log', line: `dgr: backend ${describeBackend()} (in the job's worker thread)` });
  post({ kind: 'message', message: { type: 'status', state: 'running' } });
  if (spec.kind === 'classification') {
    await runClassification(spec.configs, backend, spec.out, spec.command);
    post({ kind: 'end', state: 'finished' });
    return;
  }
  post({ kind: 'end', state: await runRl(spec.config, backend, spec.out, spec.command) });
}

main().catch((error: unknown) => {
  post({ kind: 'end', state: 'failed', message: error instanceof Error ? error.message : String(error) });
});
