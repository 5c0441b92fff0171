/**
 * `dgr sweep <spec>`, `dgr sweep status`, `dgr sweep report`: many runs as jobs of a BullMQ queue on Redis,
 * run by `dgr worker`s on any machines that reach the Redis server and a shared store (sweep/).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { ARM_NAMES } from '../../core/arms.ts';
import { collectedIn, collectRuns } from '../../sweep/collect.ts';
import { listJobs } from '../../sweep/listing.ts';
import { DEFAULT_QUEUE, DEFAULT_REDIS_URL, shownUrl } from '../../sweep/redis.ts';
import { gatherResults, reportMarkdown, writeGroupResults } from '../../sweep/report.ts';
import { parseSweepSpec, sweepJobs, type SweepEntryInput } from '../../sweep/spec.ts';
import { statusText } from '../../sweep/status.ts';
import { submitJobs } from '../../sweep/submit.ts';
import { retentionSections, writeRetentionCharts } from '../../agent/report/retention-sections.ts';
import type { RunOverrides } from '../../runner/experiment-configs.ts';
import { overrideOptions } from '../experiment-options.ts';
import { allowManyFramesOption, distinctChoices, intOption, rlParallel, scheduleFrom } from '../options.ts';
import { PRESETS } from '../../core/experiments/presets.ts';
import { AGENT_PRESETS, SCHEDULES } from '../../agent/presets.ts';
import { readJsonFile } from '../../core/json-files.ts';

interface WhereOptions {
  redis: string;
  queue: string;
}

interface SweepOptions extends WhereOptions, Omit<RunOverrides, 'seed' | 'scenario' | 'preset'> {
  experiment?: string;
  rl?: boolean;
  preset?: string;
  arm?: string[];
  scenario?: ('task' | 'domain' | 'class')[];
  seeds?: string[];
  schedule?: string;
  frames?: number;
  allowManyFrames?: boolean;
  parallelArms?: boolean;
  skipCollected?: string;
}

/** Options of experiment runs only, and of RL runs only, as the command line names them. */
const EXPERIMENT_ONLY = ['scenario', 'batchSize', 'lr', 'r', 'generator', 'solver', 'evalEvery', 'svhnDir'] as const;
const RL_ONLY = ['schedule', 'frames', 'allowManyFrames', 'parallelArms'] as const;
const flag = (key: string): string => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** Refuses options that the kind of run given does not have: they would be ignored. */
function refuseOptions(opts: SweepOptions, keys: readonly (keyof SweepOptions)[], kind: string): void {
  const given = keys.filter((k) => opts[k] !== undefined);
  if (given.length > 0) throw new Error(`${given.map(flag).join(', ')}: not an option of ${kind}`);
}

/** Refuses the options that shape runs beside a spec file given to be queued, which holds the runs: they would be
 *  ignored. */
function refuseBesideSpec(opts: SweepOptions): void {
  const placement = new Set(['redis', 'queue', 'skipCollected']);
  // --no-parallel's default (true) is no choice.
  const given = Object.entries(opts).filter(([key, value]) => !placement.has(key) && value !== undefined && !(key === 'parallel' && value === true));
  if (given.length > 0) {
    const named = given.map(([key]) => (key === 'parallel' ? '--no-parallel' : flag(key)));
    throw new Error(`${named.join(', ')}: not given beside a spec file, which holds the runs: set it in the spec's runs ("parallel": "arms" for --parallel-arms, "seeds": "1-3" for --seeds)`);
  }
}

/** Ranges stay text ('1-20'); single seeds become numbers, as a spec file would hold them. */
const seedsOf = (opts: SweepOptions): (number | string)[] => (opts.seeds ?? ['1']).map((s) => (/^\d+$/.test(s) ? Number(s) : s));

function whereOptions(command: Command): Command {
  return command
    .option('--redis <url>', 'the Redis server that holds the queue', DEFAULT_REDIS_URL)
    .option('--queue <name>', 'the queue (one per sweep, or one for all)', DEFAULT_QUEUE);
}

/** The jobs of a spec file, or of the command line's form of one. */
function specJobs(specPath: string | undefined, opts: SweepOptions) {
  if (opts.experiment && opts.rl) throw new Error('give --experiment or --rl, not both');
  if (specPath && (opts.experiment || opts.rl)) throw new Error(`give a spec file or ${opts.rl ? '--rl' : '--experiment'}, not both`);
  if (specPath) return sweepJobs(parseSweepSpec(readJsonFile(specPath, 'sweep spec'), specPath), specPath);
  if (opts.rl) {
    refuseOptions(opts, EXPERIMENT_ONLY, 'RL runs (--rl)');
    const entry = {
      kind: 'rl',
      preset: opts.preset,
      arms: opts.arm,
      schedule: scheduleFrom(opts.schedule),
      seeds: seedsOf(opts),
      frames: opts.frames,
      allowManyFrames: opts.allowManyFrames,
      iterations: opts.iterations,
      generatorIterations: opts.generatorIterations,
      parallel: rlParallel(opts.parallel, opts.parallelArms),
    };
    return sweepJobs(parseSweepSpec({ runs: [entry] }, 'command line'), 'command line');
  }
  if (!opts.experiment) throw new Error('give a sweep spec (a JSON file), --experiment <name> --seeds <seeds> ... or --rl --seeds <seeds> ...');
  refuseOptions(opts, RL_ONLY, 'experiment runs (--experiment)');
  const entry: SweepEntryInput = {
    kind: 'experiment',
    experiment: opts.experiment,
    arms: opts.arm as Extract<SweepEntryInput, { kind: 'experiment' }>['arms'],
    scenarios: opts.scenario,
    seeds: seedsOf(opts),
    preset: opts.preset as Extract<SweepEntryInput, { kind: 'experiment' }>['preset'],
    iterations: opts.iterations,
    generatorIterations: opts.generatorIterations,
    batchSize: opts.batchSize,
    lr: opts.lr,
    r: opts.r,
    generator: opts.generator,
    solver: opts.solver,
    evalEvery: opts.evalEvery,
    svhnDir: opts.svhnDir,
    parallel: opts.parallel,
  };
  return sweepJobs(parseSweepSpec({ runs: [entry] }, 'command line'), 'command line');
}

const where = (opts: WhereOptions): string => `queue ${opts.queue} at ${shownUrl(opts.redis)}`;

export function registerSweep(program: Command): void {
  const sweep = whereOptions(
    program
      .command('sweep')
      .argument('[spec]', 'a sweep spec (JSON: {"runs": [{"kind": "experiment", "experiment": ..., "arms": [...], "seeds": "1-20", ...}, {"kind": "rl", "arms": [...], "seeds": "1-3", ...}]})')
      .description(
        'queue one job per (experiment, arm, scenario, seed), or per (RL schedule, arms, seed), for `dgr worker`s; re-submitting adds only the runs not queued or done',
      )
      .option('--experiment <name>', 'the command-line form of a spec: this experiment...')
      .option('--rl', "...or `dgr rl`'s runs: one job per seed holding all the arms (they share the learners)")
      .addOption(distinctChoices('--arm <arms...>', "...these arms (default: the experiment's or RL preset's own)", ARM_NAMES))
      .addOption(distinctChoices('--scenario <scenarios...>', '...these scenarios (split-mnist, permuted-mnist)', ['task', 'domain', 'class']))
      .option('--seeds <seeds...>', "...these seeds: numbers or ranges like '1-20' (default: 1)")
      .addOption(
        new Option('--preset <name>', 'experiments: quick (default) or paper; RL: quick (default), demo or full').choices([...new Set([...PRESETS, ...AGENT_PRESETS])]),
      )
      .option('--schedule <name|file>', `RL: a named schedule (${Object.keys(SCHEDULES).join(', ')}) or a schedule JSON file (default: the preset's)`)
      .option('--frames <n>', 'RL: frames per game of a named schedule', intOption('--frames', 1000))
      .addOption(allowManyFramesOption())
      .option('--parallel-arms', "RL: every arm of a job in a thread of its own and the games' learners in another, so one job uses every core (the same numbers)")
      .option(
        '--skip-collected <dir>',
        "RL: leave out the runs that `dgr sweep collect` has put in this results tree already (their seed folder there holds the run's config), so a protocol queued again in a later session runs only what the tree lacks",
      ),
  );
  for (const option of overrideOptions()) sweep.addOption(option);
  sweep.action(async (specPath: string | undefined, opts: SweepOptions) => {
    if (specPath && !opts.experiment && !opts.rl) refuseBesideSpec(opts);
    const all = specJobs(specPath, opts);
    const tree = opts.skipCollected;
    if (tree !== undefined && !existsSync(tree)) throw new Error(`--skip-collected: ${tree} does not exist (the results tree \`dgr sweep collect --out\` wrote)`);
    const jobs = tree === undefined ? all : all.filter((job) => !collectedIn(job, tree));
    const { added, retried, kept } = await submitJobs(opts.redis, opts.queue, jobs);
    const skipped = tree === undefined ? '' : `, ${all.length - jobs.length} collected in ${tree} already and left out`;
    process.stdout.write(
      `${where(opts)}: ${all.length} runs in the sweep: ${added} queued, ${retried} failed runs queued again, ${kept} already queued or done${skipped}\n`,
    );
  });

  whereOptions(
    sweep
      .command('status')
      .argument('[spec]', "a sweep spec: its runs only (default: every job in the queue)")
      .description('runs waiting, running, done and failed; progress and ETA of each running run; errors of failed runs'),
  ).action(async (specPath: string | undefined, opts: WhereOptions) => {
    const ids = specPath ? specJobs(specPath, opts as SweepOptions).map((j) => j.id) : undefined;
    process.stdout.write(statusText(where(opts), await listJobs(opts.redis, opts.queue, ids)));
  });

  sweep
    .command('collect')
    .argument('<spec>', 'a sweep spec: its finished RL runs')
    .description(
      "copy a sweep's finished RL runs from the store into a results tree, <out>/<schedule>/seed-<n>[-<name>], without checkpoints and locks, " +
        'as docs/results/rl/protocol/ holds them (then `dgr report docs`); reads the store, not Redis',
    )
    .requiredOption('--store <dir>', "the workers' store (their --store)")
    .requiredOption('--out <dir>', 'the results tree, e.g. docs/results/rl/protocol')
    .option('--name <word>', "entries without a \"name\" go to seed-<n>-<word> (for other arms or settings on the same seeds)")
    .action((specPath: string, opts: { store: string; out: string; name?: string }) => {
      const collected = collectRuns(specJobs(specPath, {} as SweepOptions), opts.store, opts.out, opts.name);
      for (const c of collected) process.stdout.write(`${c.outcome.padEnd(14)} ${c.id}${c.outcome === 'not an RL run' ? '' : ` → ${c.to}`}\n`);
      const count = (outcome: string): number => collected.filter((c) => c.outcome === outcome).length;
      process.stdout.write(
        `${count('collected')} collected, ${count('already there')} already there, ${count('not finished')} not finished` +
          `${count('not an RL run') ? `, ${count('not an RL run')} not RL runs (\`dgr sweep report --out\` merges those)` : ''}` +
          `${count('collected') ? '; `npx dgr report docs` regenerates the tables and charts from them' : ''}\n`,
      );
    });

  whereOptions(
    sweep
      .command('report')
      .argument('[spec]', "a sweep spec: its runs only (default: every job in the queue)")
      .description("finished runs merged per (experiment, scenario, arm), and RL runs per (schedule, arm), by `dgr merge`'s rules, as markdown tables")
      .option('--out <dir>', 'also write each merged result.json as <dir>/<experiment>/<scenario>-<arm>.json (RL: <dir>/rl/<schedule>/<arm>.json)'),
  ).action(async (specPath: string | undefined, opts: WhereOptions & { out?: string }) => {
    const ids = specPath ? specJobs(specPath, opts as SweepOptions).map((j) => j.id) : undefined;
    const jobs = await listJobs(opts.redis, opts.queue, ids);
    const results = gatherResults(jobs);
    // With --out, the RL retention charts go to <out>/rl and the report links them relative to <out> (its report.md).
    const markdown = reportMarkdown(results, jobs, opts.out ? 'rl' : null);
    process.stdout.write(markdown);
    if (opts.out) {
      const charts = await writeRetentionCharts(join(opts.out, 'rl'), retentionSections(results.rl.map((g) => g.merged)));
      const report = join(opts.out, 'report.md');
      writeFileSync(report, markdown);
      for (const path of [...writeGroupResults(opts.out, results), ...charts, report]) process.stderr.write(`dgr: wrote ${path}\n`);
    }
  });
}

