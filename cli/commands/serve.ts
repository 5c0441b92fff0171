/**
 * `dgr serve`: a run (RL or classification) in a worker thread, served live to the browser viewer on one port,
 * or a finished run's folder replayed. Prints the URL to open and the control token; Ctrl-C stops the run
 * cleanly (an RL run writes its checkpoint first).
 */
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { parseRunConfig, type RunConfig } from '../../core/config.ts';
import type { BackendRequest } from '../../core/engine/backend-names.ts';
import { CLIENT_DIST, ensureClientBuilt } from '../../server/client-build.ts';
import type { Job } from '../../server/job.ts';
import { WorkerJob } from '../../server/job.ts';
import { ReplayJob } from '../../server/replay.ts';
import { startServer } from '../../server/server.ts';
import { intOption } from '../options.ts';
import { readJsonFile } from '../run-files.ts';
import { addExperimentOptions, configsFor, requireSvhn, timestamp, type ExperimentOptions } from './experiment.ts';

/** Frames of the game posted to viewers per second at most (the agent makes one per vector step). */
const FRAME_RATE = 30;

interface ServeOptions extends ExperimentOptions {
  host: string;
  port: number;
  allowOrigin?: string[];
  maxViewers: number;
  replay?: string;
}

function originOption(value: string, previous: string[] | undefined): string[] {
  let origin: string;
  try {
    origin = new URL(value).origin;
  } catch {
    throw new InvalidArgumentError(`--allow-origin takes an origin such as http://example.org:8000, got '${value}'`);
  }
  if (origin === 'null') throw new InvalidArgumentError(`--allow-origin takes an http(s) origin, got '${value}'`);
  return [...(previous ?? []), origin];
}

const logLine = (line: string): void => void process.stderr.write(`${line}\n`);

function defaultPort(): number {
  const fromEnv = process.env.PORT;
  if (fromEnv === undefined || fromEnv === '') return 8080;
  return intOption('PORT', 0, 65535)(fromEnv);
}

function classificationJob(name: string | undefined, opts: ServeOptions): Job {
  const configs: RunConfig[] = opts.config ? [parseRunConfig(readJsonFile(opts.config, '--config'), opts.config)] : configsFor(name, opts);
  requireSvhn(configs);
  const out = opts.out ?? join('runs', configs[0].experiment, timestamp());
  process.stdout.write(`dgr serve: ${configs[0].experiment} (${configs.map((c) => c.arm).join(', ')}), files in ${out}\n`);
  return new WorkerJob({ kind: 'classification', configs, backend: opts.backend as BackendRequest, out }, FRAME_RATE, logLine);
}

export function registerServe(program: Command): void {
  const serve = program
    .command('serve')
    .argument('[name]', 'a classification experiment to run (see `dgr experiment --list`)')
    .description('run a job and watch it live in the browser viewer (HTTP and WebSocket on one port), or replay a finished run')
    .option('--host <host>', 'address to bind (the viewer has no login: keep it local)', '127.0.0.1')
    .option('--port <n>', 'port (default $PORT or 8080; 0: any free port)', intOption('--port', 0, 65535), defaultPort())
    .option('--allow-origin <origin>', 'also accept WebSocket connections from pages of this origin (repeatable)', originOption)
    .option('--max-viewers <n>', 'most viewers connected at once', intOption('--max-viewers', 1, 1000), 32)
    .option('--replay <dir>', "serve a finished run's folder instead of training");
  addExperimentOptions(serve).action(async (name: string | undefined, opts: ServeOptions) => {
    await ensureClientBuilt((line) => process.stderr.write(`${line}\n`));
    let job: Job;
    if (opts.replay) {
      job = new ReplayJob(opts.replay);
      process.stdout.write(`dgr serve: replaying ${opts.replay}\n`);
    } else {
      job = classificationJob(name, opts);
    }
    const server = await startServer({
      host: opts.host,
      port: opts.port,
      job,
      clientDir: CLIENT_DIST,
      allowOrigins: opts.allowOrigin,
      maxViewers: opts.maxViewers,
    });
    process.stdout.write(`\n  open ${server.url}#token=${server.token}\n  control token: ${server.token} (viewers without it watch only)\n\n`);
    await new Promise<void>((resolve) => {
      let stopping = false;
      const stop = (signal: string): void => {
        if (stopping) {
          process.stderr.write(`dgr serve: ${signal} again: exiting without waiting\n`);
          process.exit(130);
        }
        stopping = true;
        process.stderr.write(`dgr serve: ${signal}: stopping the job (an RL run writes its checkpoint first) ...\n`);
        void job.stop().then(resolve);
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
      void server.jobEnded.then((state) => process.stderr.write(`dgr serve: the job ${state === 'finished' ? 'finished' : `ended: ${state}`}; still serving (Ctrl-C to quit)\n`));
    });
    await server.close();
  });
}


