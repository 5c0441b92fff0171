/**
 * `dgr rl`: the continual RL agent on a schedule of games. Arms given together share one set of short-term
 * learners (trained once per seed); each arm's folder gets result.json, curves, the R heatmap and dream grids,
 * and the run's folder config.json, curves.csv and report.md.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { AGENT_ARM_DESCRIPTIONS, AGENT_ARMS, parseAgentConfig, type AgentArm, type AgentConfig } from '../../agent/config.ts';
import { AGENT_PRESETS, agentPreset, describePreset, SCHEDULES, type AgentPresetName } from '../../agent/presets.ts';
import type { BackendName } from '../../core/engine/backend-names.ts';
import { parseSchedule } from '../../env/schedule.ts';
import { backendOption, intOption, startBackend } from '../options.ts';
import { rlProgressReporter } from '../reporters/rl-progress.ts';
import { readJsonFile, writeJson } from '../../core/json-files.ts';
import { ensureWritableDir, lockHolder, lockRunFolder, lockRunFolderWhenFree } from '../../core/run-folder.ts';
import { checkSeedFolders, seedFolder, seedsIn, type SeedInFolder } from '../seed-folders.ts';

interface RlOptions {
  preset: AgentPresetName;
  arm?: AgentArm[];
  schedule?: string;
  seed?: number;
  seeds: number;
  frames?: number;
  iterations?: number;
  generatorIterations?: number;
  backend: string;
  out?: string;
  config?: string;
  parallel: boolean;
  list?: boolean;
}

/** Options that shape the run and therefore cannot be given beside --config (the file holds them all). */
const SHAPING = ['arm', 'schedule', 'frames', 'iterations', 'generatorIterations'] as const;

function timestamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 19);
}

/** A schedule option: a named schedule, or a JSON file validated by env's schema (errors name the field). */
function scheduleFrom(value: string | undefined) {
  if (value === undefined || value in SCHEDULES) return value;
  if (!existsSync(value)) throw new Error(`--schedule: '${value}' is neither a schedule name (${Object.keys(SCHEDULES).join(', ')}) nor a file`);
  const data = readJsonFile(value, '--schedule');
  parseSchedule(data);
  return data as never;
}

export function rlConfigFrom(opts: RlOptions): AgentConfig {
  if (opts.config) {
    const given = SHAPING.filter((k) => opts[k] !== undefined);
    if (given.length > 0) {
      const flags = given.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
      throw new Error(`--config holds the whole run; drop ${flags.join(', ')} (or edit the file)`);
    }
    const config = parseAgentConfig(readJsonFile(opts.config, '--config'), opts.config);
    return { ...config, seed: opts.seed ?? config.seed, parallel: opts.parallel };
  }
  return agentPreset(opts.preset, {
    schedule: scheduleFrom(opts.schedule),
    framesPerGame: opts.frames,
    arms: opts.arm,
    seed: opts.seed,
    iterations: opts.iterations,
    generatorIterations: opts.generatorIterations,
    parallel: opts.parallel,
  });
}

/** The seeds a run folder holds; a seed is finished when its checkpoint is past the schedule's last game. */
function seedsOfRun(out: string, config: AgentConfig): SeedInFolder<AgentConfig>[] {
  const games = config.schedule.tasks.length;
  return seedsIn(out, parseAgentConfig, (progress) => {
    const game = (progress as { position?: { game?: unknown } } | undefined)?.position?.game;
    return typeof game === 'number' && game >= games;
  });
}

async function runSeeds(config: AgentConfig, seeds: number[], backend: BackendName, out: string, command: string) {
  const { runAgent } = await import('../../agent/run.ts');
  const { EventStream } = await import('../../core/events.ts');
  const { rlResultFile, seedResult } = await import('../../agent/report/result-file.ts');
  const { writeRlRunFiles } = await import('../../agent/report/files.ts');
  type Result = Awaited<ReturnType<typeof runAgent>>;
  const run = async (seed: number, quiet: boolean): Promise<Result> => {
    const seeded = { ...config, seed };
    const dir = seedFolder(out, seed);
    const release = lockRunFolder(dir, `the run folder of seed ${seed}`);
    try {
      writeJson(dir, 'config.json', seeded);
      const events = new EventStream<import('../../agent/events.ts').AgentEvent>();
      const progress = rlProgressReporter(`rl ${config.arms.join('+')}${seeds.length > 1 ? ` seed ${seed}` : ''}`);
      if (!quiet) events.subscribe(progress.subscriber);
      try {
        return await runAgent(seeded, { backend, events, checkpointDir: join(dir, 'checkpoint') });
      } finally {
        progress.finish();
      }
    } finally {
      release();
    }
  };
  const runs = new Map<number, Result>();
  for (const seed of seeds) runs.set(seed, await run(seed, false));

  // The run's files hold every finished seed in the folder: seeds run by other processes into it (--seed 2 beside
  // --seed 3) are read back from their finished checkpoints, never replaced. One process at a time writes them.
  const release = await lockRunFolderWhenFree(out, 'the run folder', 120_000);
  try {
    for (const other of seedsOfRun(out, config)) {
      if (runs.has(other.seed)) continue;
      if (!other.finished) {
        const holder = lockHolder(seedFolder(out, other.seed));
        process.stderr.write(
          holder
            ? `dgr: seed ${other.seed} in ${out} is still running (process ${holder.pid}): the result holds it once that run ends\n`
            : `dgr: seed ${other.seed} in ${out} stopped before its last game: run it again with this --out to finish it\n`,
        );
        continue;
      }
      process.stderr.write(`dgr: seed ${other.seed}, finished earlier in ${out}, joins the result\n`);
      runs.set(other.seed, await run(other.seed, true));
    }
    const all = [...runs.entries()].sort(([a], [b]) => a - b).map(([seed, result]) => ({ seed, result }));
    const [first] = all;
    const files = config.arms.map((arm) =>
      rlResultFile({ ...config, seed: first.seed }, arm, backend, first.result.games, first.result.reference, all.map((r) => seedResult(r.seed, r.result, arm))),
    );
    writeJson(out, 'config.json', { ...config, seed: first.seed });
    await writeRlRunFiles({ out, runs: all, files, command });
    return files;
  } finally {
    release();
  }
}

export function registerRl(program: Command): void {
  program
    .command('rl')
    .description('the continual RL agent: a DQN learner per game and a scholar <G, Q> kept by generative replay; writes config.json, result.json per arm, curves, plots and report.md')
    .option('--list', 'list the presets, schedules and arms')
    .addOption(new Option('--preset <name>', 'quick: minutes (CI, a first look); demo: what npm start shows; full: the measured protocol').choices(AGENT_PRESETS).default('quick'))
    .addOption(new Option('--arm <arms...>', "arms to run (default: the preset's); arms run together share one set of learners").choices(AGENT_ARMS))
    .option('--schedule <name|file>', `a named schedule (${Object.keys(SCHEDULES).join(', ')}) or a schedule JSON file (see env/README.md)`)
    .option('--seed <n>', 'first seed (default 1, or the --config file\'s)', intOption('--seed', 0, 2 ** 31 - 1))
    .option('--seeds <n>', 'number of seeds (seed, seed+1, ...); results get mean ± s.e.m.', intOption('--seeds', 1, 100), 1)
    .option('--frames <n>', 'frames per game of a named schedule (a schedule file sets its own)', intOption('--frames', 1000))
    .option('--iterations <n>', 'consolidation iterations per game', intOption('--iterations', 1))
    .option('--generator-iterations <n>', 'generator iterations per game', intOption('--generator-iterations', 1))
    .addOption(backendOption())
    .option('--out <dir>', 'output folder (default runs/rl/<timestamp>); a folder with a checkpoint of the same config resumes')
    .option('--config <file>', 'rerun a saved config.json exactly (other settings come from the file)')
    .option('--no-parallel', 'train the generator in the main thread instead of a worker')
    .action(async (opts: RlOptions) => {
      if (opts.list) {
        for (const p of AGENT_PRESETS) process.stdout.write(`preset ${p.padEnd(8)} ${describePreset(p)}\n`);
        for (const [name, s] of Object.entries(SCHEDULES)) process.stdout.write(`schedule ${name.padEnd(18)} ${s.description}\n`);
        for (const arm of AGENT_ARMS) process.stdout.write(`arm ${arm.padEnd(8)} ${AGENT_ARM_DESCRIPTIONS[arm]}\n`);
        return;
      }
      if (opts.schedule !== undefined && opts.frames !== undefined && !(opts.schedule in SCHEDULES)) {
        throw new Error('--frames sets the frames of a named schedule; a schedule file gives each task its own steps');
      }
      const config = rlConfigFrom(opts);
      const out = opts.out ?? join('runs', 'rl', timestamp());
      // Before any work: a folder we can write, holding no seeds of another run.
      ensureWritableDir(out, '--out');
      checkSeedFolders(out, config, seedsOfRun(out, config));
      const backend = await startBackend(opts.backend as never);
      const seeds = Array.from({ length: opts.seeds }, (_, k) => config.seed + k);
      const command = ['dgr', ...process.argv.slice(2)].join(' ');
      const files = await runSeeds(config, seeds, backend, out, command);
      process.stdout.write(`\nresults in ${out}\n`);
      for (const f of files) {
        const kept = Object.entries(f.retention).map(([g, v]) => `${g} ${v === null ? '-' : `${(100 * v).toFixed(0)} %`}`).join(', ');
        process.stdout.write(`${f.arm.padEnd(8)} ACC ${(100 * f.acc).toFixed(1)} %  retention: ${kept}  (${f.seconds.toFixed(0)} s)\n`);
      }
    });
}
