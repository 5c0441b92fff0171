/**
 * The job's thread: trains the run so the server's event loop stays free for viewers. Everything it reports
 * goes to the server as JobOutputs (binary ones transferred); it reads its controls from shared memory.
 */
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type { RunConfig } from '../core/config.ts';
import type { BackendName } from '../core/engine/backend-names.ts';
import { SharedControl } from './control.ts';
import { continualObserver } from './continual-messages.ts';
import type { WorkerData, WorkerOutput } from './job.ts';

const data = workerData as WorkerData;
const control = new SharedControl(data.control);
const port = parentPort;
if (!port) throw new Error('server/job-worker.ts runs as a worker thread');

function post(o: WorkerOutput): void {
  if (o.kind === 'binary') port!.postMessage(o, [o.bytes.buffer as ArrayBuffer]);
  else port!.postMessage(o);
}

/** Each arm of a classification experiment in turn, writing the files `dgr experiment` writes. */
async function runClassification(configs: readonly RunConfig[], backend: BackendName, out: string): Promise<void> {
  const { runContinual } = await import('../core/continual.ts');
  const { writeRunFiles } = await import('../core/report/write.ts');
  const { resultFile, writeJson } = await import('../cli/run-files.ts');
  for (const [k, config] of configs.entries()) {
    const dir = join(out, config.arm);
    const observer = continualObserver(configs, k, post, () => control.waitWhilePaused());
    const result = await runContinual(config, { backend, observer, checkpointDir: join(dir, `seed-${config.seed}`, 'checkpoint') });
    writeJson(join(dir, `seed-${config.seed}`), 'config.json', config);
    writeJson(dir, 'config.json', config);
    writeJson(dir, 'result.json', resultFile(config, backend, [{ seed: config.seed, result }]));
    await writeRunFiles(dir, { config, results: [result], seeds: [config.seed], backend, command: 'dgr serve' });
  }
}

async function main(): Promise<void> {
  const { spec } = data;
  const { useBackend } = await import('../core/engine/backend.ts');
  // tfjs keeps one backend per thread: this thread starts its own.
  const backend = await useBackend(spec.backend);
  post({ kind: 'log', line: `dgr: backend ${backend} (in the job's worker thread)` });
  post({ kind: 'message', message: { type: 'status', state: 'running' } });
  if (spec.kind === 'classification') {
    await runClassification(spec.configs, backend, spec.out);
    post({ kind: 'end', state: 'finished' });
    return;
  }
  throw new Error('RL jobs need agent/run.ts');
}

main().catch((error: unknown) => {
  post({ kind: 'end', state: 'failed', message: error instanceof Error ? error.message : String(error) });
});
