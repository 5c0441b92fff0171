/**
 * `dgr sweep <spec>`, `dgr sweep status`, `dgr sweep report`: many runs as jobs of a BullMQ queue on Redis,
 * run by `dgr worker`s on any machines that reach the Redis server and a shared store (sweep/).
 */
import { Option, type Command } from 'commander';
import { ARM_NAMES } from '../../core/arms.ts';
import { listJobs } from '../../sweep/listing.ts';
import { DEFAULT_QUEUE, DEFAULT_REDIS_URL, shownUrl } from '../../sweep/redis.ts';
import { gatherResults, reportMarkdown, writeGroupResults } from '../../sweep/report.ts';
import { parseSweepSpec, sweepJobs, type SweepEntryInput } from '../../sweep/spec.ts';
import { statusText } from '../../sweep/status.ts';
import { submitJobs } from '../../sweep/submit.ts';
import { overrideOptions, presetOption, type RunOverrides } from '../experiment-runs.ts';
import { readJsonFile } from '../../core/json-files.ts';

interface WhereOptions {
  redis: string;
  queue: string;
}

interface SweepOptions extends WhereOptions, Omit<RunOverrides, 'seed' | 'scenario'> {
  experiment?: string;
  arm?: string[];
  scenario?: ('task' | 'domain' | 'class')[];
  seeds?: string[];
}

function whereOptions(command: Command): Command {
  return command
    .option('--redis <url>', 'the Redis server that holds the queue', DEFAULT_REDIS_URL)
    .option('--queue <name>', 'the queue (one per sweep, or one for all)', DEFAULT_QUEUE);
}

/** The jobs of a spec file, or of the command line's form of one. */
function specJobs(specPath: string | undefined, opts: SweepOptions) {
  if (specPath && opts.experiment) throw new Error('give a spec file or --experiment, not both');
  if (specPath) return sweepJobs(parseSweepSpec(readJsonFile(specPath, 'sweep spec'), specPath), specPath);
  if (!opts.experiment) throw new Error('give a sweep spec (a JSON file) or --experiment <name> --seeds <seeds> ...');
  const entry: SweepEntryInput = {
    kind: 'experiment',
    experiment: opts.experiment,
    arms: opts.arm as SweepEntryInput['arms'],
    scenarios: opts.scenario,
    // Ranges stay text ('1-20'); single seeds become numbers, as a spec file would hold them.
    seeds: (opts.seeds ?? ['1']).map((s) => (/^\d+$/.test(s) ? Number(s) : s)),
    preset: opts.preset,
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
      .argument('[spec]', 'a sweep spec (JSON: {"runs": [{"kind": "experiment", "experiment": ..., "arms": [...], "seeds": "1-20", ...}]})')
      .description('queue one job per (experiment, arm, scenario, seed) for `dgr worker`s; re-submitting adds only the runs not queued or done')
      .option('--experiment <name>', 'the command-line form of a spec: this experiment...')
      .addOption(new Option('--arm <arms...>', "...these arms (default: the experiment's own)").choices(ARM_NAMES))
      .addOption(new Option('--scenario <scenarios...>', '...these scenarios (split-mnist, permuted-mnist)').choices(['task', 'domain', 'class']))
      .option('--seeds <seeds...>', "...these seeds: numbers or ranges like '1-20' (default: 1)")
      .addOption(presetOption()),
  );
  for (const option of overrideOptions()) sweep.addOption(option);
  sweep.action(async (specPath: string | undefined, opts: SweepOptions) => {
    const jobs = specJobs(specPath, opts);
    const { added, retried, kept } = await submitJobs(opts.redis, opts.queue, jobs);
    process.stdout.write(
      `${where(opts)}: ${jobs.length} runs in the sweep: ${added} queued, ${retried} failed runs queued again, ${kept} already queued or done\n`,
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

  whereOptions(
    sweep
      .command('report')
      .argument('[spec]', "a sweep spec: its runs only (default: every job in the queue)")
      .description("finished runs merged per (experiment, scenario, arm) by `dgr merge`'s rules, as a markdown table")
      .option('--out <dir>', 'also write each merged result.json as <dir>/<experiment>/<scenario>-<arm>.json'),
  ).action(async (specPath: string | undefined, opts: WhereOptions & { out?: string }) => {
    const ids = specPath ? specJobs(specPath, opts as SweepOptions).map((j) => j.id) : undefined;
    const jobs = await listJobs(opts.redis, opts.queue, ids);
    const groups = gatherResults(jobs);
    process.stdout.write(reportMarkdown(groups, jobs));
    if (opts.out) for (const path of writeGroupResults(opts.out, groups)) process.stderr.write(`dgr: wrote ${path}\n`);
  });
}

