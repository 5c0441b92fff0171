/**
 * The job's thread: trains the run so the server's event loop stays free for viewers. It runs the run as
 * `dgr experiment` and `dgr rl` do, through the run layer (runner/experiment-runs.ts, runner/rl-runs.ts: the
 * same folders and files, resumed from a checkpoint when there is one), watched by the server's messages
 * (./run-messages.ts): everything it reports goes to the server as JobOutputs (binary ones transferred). It reads
 * its controls from shared memory.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type { AgentConfig } from '../agent/config.ts';
import type { RunConfig } from '../core/config.ts';
import type { BackendName } from '../core/engine/backend-names.ts';
import type { SeedRunOptions } from '../runner/seed-folders.ts';
import type { AnyRunEvent } from '../runner/watchers.ts';
import { SharedControl, sharedAgentControl } from './control.ts';
import type { JobOutput, WorkerData, WorkerOutput } from './job.ts';
import { runMessages, type MessageOptions } from './run-messages.ts';

const data = workerData as WorkerData;
const control = new SharedControl(data.control);
const port = parentPort;
if (!port) throw new Error('server/job-worker.ts runs as a worker thread');

function post(o: WorkerOutput): void {
  if (o.kind === 'binary') port!.postMessage(o, [o.bytes.buffer as ArrayBuffer]);
  else port!.postMessage(o);
}

/**
 * What the run layer needs of this job: each seed watched by the server's messages, the folder's notices as log
 * lines, and the stop a viewer's Ctrl-C asks for. `started` is called once the seed's run has started (a
 * checkpoint of another config would have been refused), and what it returns — what a resumed seed already did
 * (its curves, R and dreams) — is sent right after the run's start, so viewers of a resumed run see it all.
 * `dgr serve` locked the seed folders for this process before it started this thread: the lock there is this
 * job's own to take over.
 */
function served(messages: Omit<MessageOptions, 'watched' | 'frameRate'>, started: (seed: number) => JobOutput[] = () => []): SeedRunOptions<AnyRunEvent> {
  return {
    watch: ({ seed }) => {
      let announced = false;
      const { subscriber, dispose } = runMessages(
        (o) => {
          post(o);
          if (announced || o.kind !== 'message' || o.message.type !== 'run') return;
          announced = true;
          for (const p of started(seed)) post(p);
        },
        { ...messages, watched: () => control.watched, frameRate: data.frameRate },
      );
      return [{ subscriber, finish: dispose }];
    },
    notice: (line) => post({ kind: 'log', line: `dgr: ${line}` }),
    shouldStop: () => control.stopRequested,
    takeOverLocks: true,
  };
}

/** Each arm of a classification experiment in turn, into `<out>/<arm>` as `dgr experiment` writes it; a paused
 *  run holds at its next progress report. */
async function runClassification(configs: readonly RunConfig[], backend: BackendName, out: string, command: string): Promise<'finished' | 'stopped'> {
  const { runArm } = await import('../runner/experiment-runs.ts');
  const options = served({ arms: configs.map((c) => c.arm), beforeProgress: () => control.waitWhilePaused() });
  for (const config of configs) {
    if ((await runArm(config, [config.seed], backend, join(out, config.arm), command, options)) === 'stopped') return 'stopped';
  }
  return 'finished';
}

/**
 * The RL run in `dgr rl`'s folder layout, driven by the viewers' controls. A stop request ends a learner phase at
 * its next step and a consolidation at its next report, checkpointing either where it stands.
 */
async function runRl(config: AgentConfig, backend: BackendName, out: string, command: string): Promise<'finished' | 'stopped'> {
  const { runSeeds } = await import('../runner/rl-runs.ts');
  const { hasCheckpoint } = await import('../core/checkpoint.ts');
  const { readAgentCheckpoint, recordMessages } = await import('./agent-record.ts');
  // The seed's past is read before its run writes a new checkpoint.
  const past = (seed: number): JobOutput[] => {
    const checkpoint = join(out, `seed-${seed}`, 'checkpoint');
    return hasCheckpoint(checkpoint) ? recordMessages(readAgentCheckpoint(checkpoint)) : [];
  };
  const pasts = new Map([[config.seed, past(config.seed)]]);
  // A served run's folder says what it is as soon as it starts, stopped or not: the seed's config.json (which
  // runSeeds writes as the seed starts) is the run's until its end writes the run's own.
  const started = (seed: number): JobOutput[] => {
    copyFileSync(join(out, `seed-${seed}`, 'config.json'), join(out, 'config.json'));
    return pasts.get(seed) ?? [];
  };
  const files = await runSeeds(config, [config.seed], backend, out, command, { ...served({}, started), control: sharedAgentControl(control) });
  return files === 'stopped' ? 'stopped' : 'finished';
}

async function main(): Promise<void> {
  const { spec } = data;
  const { describeBackend, useBackend } = await import('../core/engine/backend.ts');
  // tfjs keeps one backend per thread: this thread starts its own.
  const backend = await useBackend(spec.backend, { native: spec.native });
  post({ kind: 'log', line: `dgr: backend ${describeBackend()} (in the job's worker thread)` });
  post({ kind: 'message', message: { type: 'status', state: 'running' } });
  const state = spec.kind === 'classification' ? await runClassification(spec.configs, backend, spec.out, spec.command) : await runRl(spec.config, backend, spec.out, spec.command);
  post({ kind: 'end', state });
}

main().catch((error: unknown) => {
  post({ kind: 'end', state: 'failed', message: error instanceof Error ? error.message : String(error) });
});
