/**
 * `dgr merge`: one result.json from the seeds of one config run separately (two processes on two cores, or two
 * machines), with the same mean ± s.e.m. `dgr experiment --seeds` gives when it runs them one after another.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Command } from 'commander';
import { parseRunConfig, problemsOf, sameRun, type RunConfig } from '../../core/config.ts';
import { mergeResults, readJsonFile, resultFileSchema, writeJson, type ResultFile } from '../run-files.ts';

/** A result.json, or a run's arm folder that holds one. */
function resultPath(arg: string): string {
  let isDir = false;
  try {
    isDir = statSync(arg).isDirectory();
  } catch {
    // Not there: readJsonFile names it.
  }
  return isDir ? join(arg, 'result.json') : arg;
}

function readResult(path: string): ResultFile {
  const parsed = resultFileSchema.safeParse(readJsonFile(path, 'result file'));
  if (!parsed.success) throw new Error(`${path}: not a dgr result.json:\n  ${problemsOf(parsed.error).join('\n  ')}`);
  return parsed.data;
}

/** The run config saved beside a result, if there is one (a result copied to docs/results has none). */
function configBeside(path: string): RunConfig | undefined {
  const configPath = join(dirname(path), 'config.json');
  if (!existsSync(configPath)) return undefined;
  return parseRunConfig(readJsonFile(configPath, 'config'), configPath);
}

/** Settings in which two configs differ, the seed aside. */
function differences(a: RunConfig, b: RunConfig): string[] {
  const keys = Object.keys(a) as (keyof RunConfig)[];
  return keys.filter((k) => k !== 'seed' && k !== 'parallel' && JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

/**
 * Results merge only when the configs saved with them describe the same run but for the seed; a result without
 * one is not compared. Returns the results that had a config.
 */
export function requireSameConfig<F extends { source: string; config?: RunConfig }>(files: readonly F[]): F[] {
  const withConfig = files.filter((f) => f.config !== undefined);
  for (const f of withConfig.slice(1)) {
    const [a, b] = [withConfig[0].config!, f.config!];
    if (!sameRun({ ...a, seed: 0 }, { ...b, seed: 0 })) {
      throw new Error(`${f.source}: its run's config differs from ${withConfig[0].source}'s in ${differences(a, b).join(', ')}`);
    }
  }
  return withConfig;
}

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .argument('<results...>', 'result.json files, or the arm folders of runs that hold them')
    .requiredOption('--out <file>', 'where to write the merged result.json')
    .description('merge result.json files of one config run with different seeds into one result with mean ± s.e.m.')
    .action((args: string[], opts: { out: string }) => {
      const files = args.map((arg) => {
        const source = resultPath(arg);
        return { source, result: readResult(source), config: configBeside(source) };
      });
      const withConfig = requireSameConfig(files);
      const merged = mergeResults(files);
      const path = writeJson(dirname(opts.out), basename(opts.out), merged);
      const sem = merged.accSem === null ? '' : ` ± ${(100 * merged.accSem).toFixed(2)} (s.e.m.)`;
      process.stdout.write(
        `${merged.experiment}/${merged.arm}: seeds ${merged.seeds.join(', ')}: ACC ${(100 * merged.acc).toFixed(2)}${sem} %  -> ${path}\n`,
      );
      if (withConfig.length < files.length) {
        process.stderr.write(`dgr: ${files.length - withConfig.length} of ${files.length} results had no config.json beside them: their configs were not compared\n`);
      }
    });
}
