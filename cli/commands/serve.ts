/**
 * `dgr serve`: a run (RL or classification) in a worker thread, served live to the browser viewer on one port,
 * or a finished run's folder replayed. Prints the URL to open and the control token; Ctrl-C stops the run
 * cleanly (an RL run writes its checkpoint first).
 */
import { basename, join } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { AGENT_ARMS, type AgentArm } from '../../agent/config.ts';
import { AGENT_PRESETS, SCHEDULES, type AgentPresetName } from '../../agent/presets.ts';
import type { RunConfig } from '../../core/config.ts';
import { PRESETS, type PresetName } from '../../core/experiments/presets.ts';
import { parseSchedule } from '../../env/schedule.ts';
import type { BackendRequest } from '../../core/engine/backend-names.ts';
import { CLIENT_DIST, ensureClientBuilt } from '../../server/client-build.ts';
import type { Job } from '../../server/job.ts';
import { WorkerJob } from '../../server/job.ts';
import { beyondLoopback, servedAddresses, viewerUrl } from '../../server/origins.ts';
import { ReplayJob } from '../../server/replay.ts';
import { startRunsServer } from '../../server/runs-server.ts';
import { startServer } from '../../server/server.ts';
import { readJsonFile } from '../../core/json-files.ts';
import { ensureWritableDir, lockRunFolder } from '../../core/run-folder.ts';
import { checkRunFolder } from '../../runner/rl-runs.ts';
import { seedFolder } from '../../runner/seed-folders.ts';
import { ARM_NAMES } from '../../core/arms.ts';
import { requireSvhn } from '../../runner/experiment-configs.ts';
import { checkExperimentFolder } from '../../runner/experiment-runs.ts';
import { overrideOptions } from '../experiment-options.ts';
import { allowManyFramesOption, backendOption, commandLine, distinctChoices, intOption, nativeOption, nativeWanted } from '../options.ts';
import { quitAtOnce } from '../stop-signals.ts';
import { configsFor, timestamp, type ExperimentOptions } from './experiment.ts';
import { rlConfigFrom } from './rl.ts';

/** Frames of the game posted to viewers per second at most (the agent makes one per vector step). */
const FRAME_RATE = 30;

interface ServeOptions extends Omit<ExperimentOptions, 'preset' | 'seed'> {
  preset?: string;
  seed?: number;
  frames?: number;
  allowManyFrames?: boolean;
  schedule?: string;
  host: string;
  port: number;
  allowOrigin?: string[];
  maxViewers: number;
  replay?: string;
  runs?: string;
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

/** Options of classification runs only; an RL run refuses them rather than ignore them. */
const CLASSIFICATION_ONLY = ['scenario', 'batchSize', 'lr', 'r', 'generator', 'solver', 'evalEvery', 'svhnDir'] as const;
/** Options of RL runs only. */
const RL_ONLY = ['frames', 'allowManyFrames', 'schedule'] as const;
const flag = (name: string): string => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** A job that trains, with the run-folder locks it holds for this process. */
interface TrainingJob {
  readonly job: Job;
  /** Where an RL run resumes from after a stop (null for classification). */
  readonly checkpoint: string | null;
  readonly release: () => void;
}

/**
 * Before any work, as `dgr rl` and `dgr experiment` do: an output folder that can be written, holding no run of
 * another kind or config (`check`), and each seed folder the job writes locked by this process, so a second
 * `dgr serve` or a `dgr rl` into it is refused naming this one. Returns the release of the locks.
 */
function claimRunFolders(out: string, check: () => void, seedFolders: readonly string[]): () => void {
  ensureWritableDir(out, '--out');
  check();
  const releases: (() => void)[] = [];
  const release = (): void => releases.splice(0).forEach((r) => r());
  try {
    for (const folder of seedFolders) releases.push(lockRunFolder(folder, `the run folder of ${basename(folder)}`));
  } catch (error) {
    release();
    throw error;
  }
  return release;
}

/** The RL run: `dgr rl`'s configuration from the same options (a preset, demo by default, or --config). */
function rlJob(opts: ServeOptions): TrainingJob {
  for (const key of CLASSIFICATION_ONLY) if (opts[key] !== undefined) throw new Error(`${flag(key)} is for classification runs, not RL`);
  const preset = opts.preset ?? 'demo';
  if (!(AGENT_PRESETS as readonly string[]).includes(preset)) throw new Error(`--preset for an RL run is one of ${AGENT_PRESETS.join(', ')}, got '${preset}'`);
  const arms = opts.arm?.map((arm) => {
    if (!(AGENT_ARMS as readonly string[]).includes(arm)) throw new Error(`--arm for an RL run is one of ${AGENT_ARMS.join(', ')}, got '${arm}'`);
    return arm as AgentArm;
  });
  const config = rlConfigFrom({ ...opts, preset: preset as AgentPresetName, arm: arms, seeds: 1 });
  const out = opts.out ?? join('runs', 'live');
  const checkpoint = join(out, `seed-${config.seed}`, 'checkpoint');
  const release = claimRunFolders(out, () => checkRunFolder(out, config, { served: true }), [join(out, `seed-${config.seed}`)]);
  process.stdout.write(`dgr serve: RL (${config.preset}), ${parseSchedule(config.schedule).name}, arms ${config.arms.join(', ')}; checkpoint in ${checkpoint}\n`);
  return { job: new WorkerJob({ kind: 'rl', config, backend: opts.backend as BackendRequest, native: nativeWanted(opts.native), out, command: commandLine() }, FRAME_RATE, logLine), checkpoint, release };
}

/** A classification run: `dgr experiment`'s configurations from the same options (a preset, or --config). */
function classificationJob(name: string | undefined, opts: ServeOptions, given: (option: string) => boolean): TrainingJob {
  const seed = opts.seed ?? 1;
  for (const key of RL_ONLY) if (opts[key] !== undefined) throw new Error(`${flag(key)} is for RL runs, not classification`);
  const preset = opts.preset ?? 'quick';
  if (!(PRESETS as readonly string[]).includes(preset)) throw new Error(`--preset for a classification run is one of ${PRESETS.join(', ')}, got '${preset}'`);
  const configs: RunConfig[] = configsFor(name, { ...opts, seed, preset: preset as PresetName }, given);
  requireSvhn(configs);
  const out = opts.out ?? join('runs', configs[0].experiment, timestamp());
  const release = claimRunFolders(out, () => checkExperimentFolder(out, configs, { served: true }), configs.map((c) => seedFolder(join(out, c.arm), c.seed)));
  process.stdout.write(`dgr serve: ${configs[0].experiment} (${configs.map((c) => c.arm).join(', ')}), files in ${out}\n`);
  const job = new WorkerJob({ kind: 'classification', configs, backend: opts.backend as BackendRequest, native: nativeWanted(opts.native), out, command: commandLine() }, FRAME_RATE, logLine);
  return { job, checkpoint: null, release };
}

/** `--runs DIR`: the runs page until Ctrl-C; no job, no token (the page changes nothing). */
async function serveRuns(opts: ServeOptions): Promise<void> {
  if (opts.replay || opts.config) throw new Error('--runs serves a folder of runs: it does not take --replay or --config');
  const server = await startRunsServer({ host: opts.host, port: opts.port, root: opts.runs!, clientDir: CLIENT_DIST });
  process.stdout.write(`\n  open ${server.url} (the runs in ${opts.runs}; read-only)\n\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
}

export function registerServe(program: Command): void {
  const serve = program
    .command('serve')
    .argument('[name]', "'rl' (the default: the continual RL agent) or a classification experiment (see `dgr experiment --list`)")
    .description('run a job and watch it live in the browser viewer (HTTP and WebSocket on one port), or replay a finished run')
    .option('--host <host>', 'address to bind (default loopback only; 0.0.0.0: every address of this machine, the stream then visible to the network, control still needing the token)', '127.0.0.1')
    .option('--port <n>', 'port (default $PORT or 8080; 0: any free port)', intOption('--port', 0, 65535), defaultPort())
    .option('--allow-origin <origin>', 'also accept WebSocket connections from pages of this origin (repeatable)', originOption)
    .option('--max-viewers <n>', 'most viewers connected at once', intOption('--max-viewers', 1, 1000), 32)
    .option('--replay <dir>', "serve a finished run's folder instead of training (an RL run's --out, or a classification run's)")
    .option('--runs <dir>', 'serve the runs page of a folder of runs (runs/, a sweep\'s store): each run with its state and settings, and the chosen ones compared; read-only')
    .option('--preset <name>', `RL: ${AGENT_PRESETS.join(', ')} (default demo); classification: ${PRESETS.join(', ')} (default quick)`)
    .option('--frames <n>', "RL: frames per game of a named schedule (default: the preset's)", intOption('--frames', 1000))
    .addOption(allowManyFramesOption())
    .option('--schedule <name|file>', `RL: a named schedule (${Object.keys(SCHEDULES).join(', ')}) or a schedule JSON file (default: the preset's)`);
  serve
    .addOption(distinctChoices('--arm <arms...>', "arms to run (default: the preset's)", ARM_NAMES))
    .addOption(new Option('--scenario <scenario>', 'classification: split-mnist / permuted-mnist scenario (default: class / domain)').choices(['task', 'domain', 'class']))
    .option('--seed <n>', "first seed (default 1, or the --config file's)", intOption('--seed', 0, 2 ** 31 - 1))
    .addOption(backendOption())
    .addOption(nativeOption())
    .option('--out <dir>', 'output folder (RL default runs/live, classification runs/<experiment>/<timestamp>); a folder with a checkpoint of the same run resumes')
    .option('--config <file>', 'run a saved config.json (of dgr rl or dgr experiment)');
  for (const option of overrideOptions()) serve.addOption(option);
  serve
    .action(async (name: string | undefined, opts: ServeOptions, command: Command) => {
      if (opts.runs) {
        await ensureClientBuilt(logLine);
        return serveRuns(opts);
      }
      // The job first: every check of its options and folders comes before any work (building the viewer too).
      let served: TrainingJob;
      if (opts.replay) {
        served = { job: new ReplayJob(opts.replay), checkpoint: null, release: () => {} };
        process.stdout.write(`dgr serve: replaying ${opts.replay}\n`);
      } else {
        const data = opts.config ? readJsonFile(opts.config, '--config') : undefined;
        const isRl = data !== undefined ? (data as { experiment?: unknown }).experiment === 'rl' : name === undefined || name === 'rl';
        served = isRl ? rlJob(opts) : classificationJob(name, opts, (option) => command.getOptionValueSource(option) === 'cli');
      }
      try {
        await serveJob(served, opts);
      } finally {
        served.release();
      }
    });
}

/** Serves the job until Ctrl-C (or SIGTERM), then stops it cleanly and says where an RL run resumes from. */
async function serveJob({ job, checkpoint }: TrainingJob, opts: ServeOptions): Promise<void> {
  await ensureClientBuilt(logLine);
  const server = await startServer({
    host: opts.host,
    port: opts.port,
    job,
    clientDir: CLIENT_DIST,
    allowOrigins: opts.allowOrigin,
    maxViewers: opts.maxViewers,
  });
  process.stdout.write(`\n  open ${server.url}#token=${server.token}\n  control token: ${server.token} (viewers without it watch only)\n\n`);
  if (beyondLoopback(opts.host)) {
    const others = servedAddresses(opts.host).filter(beyondLoopback).map((address) => viewerUrl(address, server.port));
    if (others.length > 0) process.stdout.write(`  on the network: ${others.join(', ')} (with the same #token=...)\n\n`);
    logLine(
      `dgr serve: listening on ${opts.host}, beyond this machine: anyone who reaches port ${server.port} can watch the run ` +
        '(its games, curves and dreams); only the holder of the control token can control it',
    );
  }
  let stopping = false;
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      if (stopping) quitAtOnce('dgr serve', signal);
      stopping = true;
      logLine(`dgr serve: ${signal}: stopping the job at its next step ...`);
      void job.stop().then(resolve);
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    void server.jobEnded.then((state) => {
      if (!stopping) logLine(`dgr serve: the job ${state === 'finished' ? 'finished' : `ended: ${state}`}; still serving (Ctrl-C to quit)`);
    });
  });
  const ended = await Promise.race([server.jobEnded, Promise.resolve(null)]);
  await server.close();
  if (checkpoint !== null && ended !== 'finished') {
    // The agent checkpoints after every phase (learning a game, consolidating it per arm) and, stopped while
    // a learner plays, the learner where it stands.
    const { hasCheckpoint } = await import('../../core/checkpoint.ts');
    logLine(
      hasCheckpoint(checkpoint)
        ? `dgr serve: stopped; the same command resumes from ${checkpoint} (where the run stopped)`
        : `dgr serve: stopped before the run's first phase finished: no checkpoint yet, the same command starts it afresh`,
    );
  }
}
