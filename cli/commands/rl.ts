/**
 * `dgr rl`: the continual RL agent on a schedule of games. Arms given together share one set of short-term
 * learners (trained once per seed); each arm's folder gets result.json, curves, the R heatmap and dream grids,
 * and the run's folder config.json, curves.csv and report.md.
 */
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { ADDED_SETTINGS, AGENT_ARM_DESCRIPTIONS, AGENT_ARMS, DREAM_KEEPS, parseAgentConfig, type DreamKeep, type AgentArm, type AgentConfig } from '../../agent/config.ts';
import { AGENT_PRESETS, agentPreset, describePreset, labelPreset, SCHEDULES, type AgentPresetName } from '../../agent/presets.ts';
import { configOf } from '../../core/provenance.ts';
import { allowManyFramesOption, backendOption, commandLine, distinctChoices, intOption, nativeOption, numberOption, requireSaneFrames, rlParallel, scheduleFrom, startBackend } from '../options.ts';
import { readJsonFile } from '../../core/json-files.ts';
import { ensureWritableDir } from '../../core/run-folder.ts';
import { checkRunFolder, runSeeds } from '../../runner/rl-runs.ts';
import { runOutput } from '../reporters/progress.ts';
import { sayStopped, stoppableRun } from '../stop-signals.ts';

interface RlOptions {
  preset: AgentPresetName;
  arm?: AgentArm[];
  schedule?: string;
  seed?: number;
  seeds: number;
  frames?: number;
  allowManyFrames?: boolean;
  iterations?: number;
  generatorIterations?: number;
  generatorPerGame?: boolean;
  dreams?: DreamKeep;
  ewcLambda?: number;
  siC?: number;
  backend: string;
  native: boolean;
  out?: string;
  config?: string;
  parallel: boolean;
  parallelArms?: boolean;
  learnerCache?: string;
  list?: boolean;
}

/** Options that shape the run and therefore cannot be given beside --config (the file holds them all). */
const SHAPING = ['arm', 'schedule', 'frames', 'iterations', 'generatorIterations', 'generatorPerGame', 'dreams', 'ewcLambda', 'siC'] as const;

function timestamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 19);
}

export function rlConfigFrom(opts: RlOptions): AgentConfig {
  requireSaneFrames(opts.frames, opts.allowManyFrames);
  const parallel = rlParallel(opts.parallel, opts.parallelArms);
  if (opts.config) {
    const given = SHAPING.filter((k) => opts[k] !== undefined);
    if (given.length > 0) {
      const flags = given.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
      throw new Error(`--config holds the whole run; drop ${flags.join(', ')} (or edit the file)`);
    }
    const config = parseAgentConfig(configOf(readJsonFile(opts.config, '--config')), opts.config);
    // Labelled by today's presets: a saved 'full' whose settings are no longer the full preset's is custom.
    return labelPreset({ ...config, seed: opts.seed ?? config.seed, parallel });
  }
  return agentPreset(opts.preset, {
    schedule: scheduleFrom(opts.schedule),
    framesPerGame: opts.frames,
    arms: opts.arm,
    seed: opts.seed,
    iterations: opts.iterations,
    generatorIterations: opts.generatorIterations,
    generatorPerGame: opts.generatorPerGame,
    dreams: opts.dreams,
    ewcLambda: opts.ewcLambda,
    siC: opts.siC,
    parallel,
  });
}

export function registerRl(program: Command): void {
  program
    .command('rl')
    .description('the continual RL agent: a DQN learner per game and a scholar <G, Q> kept by generative replay; writes config.json, result.json per arm, curves, plots and report.md')
    .option('--list', 'list the presets, schedules and arms')
    .addOption(new Option('--preset <name>', 'quick: minutes (CI, a first look); demo: what npm start shows; full: the measured protocol').choices(AGENT_PRESETS).default('quick'))
    .addOption(distinctChoices('--arm <arms...>', "arms to run (default: the preset's); arms run together share one set of learners", AGENT_ARMS))
    .option('--schedule <name|file>', `a named schedule (${Object.keys(SCHEDULES).join(', ')}) or a schedule JSON file (see env/README.md)`)
    .option('--seed <n>', 'first seed (default 1, or the --config file\'s)', intOption('--seed', 0, 2 ** 31 - 1))
    .option('--seeds <n>', 'number of seeds (seed, seed+1, ...); results get mean ± s.e.m.', intOption('--seeds', 1, 100), 1)
    .option('--frames <n>', 'frames per game of a named schedule (a schedule file sets its own)', intOption('--frames', 1000))
    .addOption(allowManyFramesOption())
    .option('--iterations <n>', 'consolidation iterations per game', intOption('--iterations', 1))
    .option('--generator-iterations <n>', 'generator iterations per game', intOption('--generator-iterations', 1))
    .option('--generator-per-game', "one generator per game, each learning its game's frames alone, dreams in equal shares from each (default: one generator learning each game beside the last one's dreams, the paper's)")
    .addOption(new Option('--dreams <keep>', "which of gr's dreams are replayed: valid (only those a game seen so far could show, batch by batch; the presets' default), exact (only exact frames of a seen game, drawn once into a pool) or all").choices([...DREAM_KEEPS]))
    .option('--ewc-lambda <x>', `the ewc and online-ewc arms' penalty strength λ (default ${ADDED_SETTINGS.ewc.lambda})`, numberOption('--ewc-lambda', 0, 1e12))
    .option('--si-c <x>', `the si arm's penalty strength c (default ${ADDED_SETTINGS.si.c})`, numberOption('--si-c', 0, 1e12))
    .addOption(backendOption())
    .addOption(nativeOption())
    .option('--out <dir>', 'output folder (default runs/rl/<timestamp>); a folder with a checkpoint of the same config resumes')
    .option('--config <file>', 'rerun a saved config.json exactly (other settings come from the file)')
    .option('--no-parallel', 'train the generator in the main thread instead of a worker')
    .option(
      '--parallel-arms',
      "every arm in a thread of its own and the games' learners in another, so a run of several arms uses every core (the same numbers as on one thread)",
    )
    .option(
      '--learner-cache <dir>',
      'keep short-term learners in this folder: a learner found there (same seed, game, frames, learner and evaluation settings, engine) is loaded instead of trained, one trained is saved; for runs that change only the scholar or the generator',
    )
    .action(async (opts: RlOptions) => {
      if (opts.list) {
        const listed = (kind: string, rows: readonly (readonly [string, string])[]): void => {
          const width = Math.max(...rows.map(([name]) => name.length));
          for (const [name, text] of rows) process.stdout.write(`${kind} ${name.padEnd(width)}  ${text}\n`);
        };
        listed('preset', AGENT_PRESETS.map((p) => [p, describePreset(p)]));
        listed('schedule', Object.entries(SCHEDULES).map(([name, s]) => [name, s.description]));
        listed('arm', AGENT_ARMS.map((arm) => [arm, AGENT_ARM_DESCRIPTIONS[arm]]));
        return;
      }
      if (opts.schedule !== undefined && opts.frames !== undefined && !(opts.schedule in SCHEDULES)) {
        throw new Error('--frames sets the frames of a named schedule; a schedule file gives each task its own steps');
      }
      const config = rlConfigFrom(opts);
      const out = opts.out ?? join('runs', 'rl', timestamp());
      // Before any work: a folder we can write, holding no seeds of another run.
      if (opts.learnerCache !== undefined) ensureWritableDir(opts.learnerCache, '--learner-cache');
      ensureWritableDir(out, '--out');
      checkRunFolder(out, config);
      const backend = await startBackend(opts.backend as never, opts.native);
      const seeds = Array.from({ length: opts.seeds }, (_, k) => config.seed + k);
      const command = commandLine();
      // Ctrl-C (or SIGTERM) asks the run to stop at its next step with a checkpoint (of its learner mid-game, if it
      // is learning); a second one ends the process at once.
      const files = await stoppableRun((shouldStop) => runSeeds(config, seeds, backend, out, command, { ...runOutput(), shouldStop, learnerCache: opts.learnerCache }));
      if (files === 'stopped') return sayStopped(out, opts.out !== undefined);
      process.stdout.write(`\nresults in ${out}\n`);
      const armWidth = Math.max(...files.map((f) => f.arm.length));
      for (const f of files) {
        const kept = Object.entries(f.retention).map(([g, v]) => `${g} ${v === null ? '-' : `${(100 * v).toFixed(0)} %`}`).join(', ');
        process.stdout.write(`${f.arm.padEnd(armWidth)}  ACC ${(100 * f.acc).toFixed(1)} %  retention: ${kept}  (${f.seconds.toFixed(0)} s)\n`);
      }
    });
}
