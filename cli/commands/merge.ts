/**
 * `dgr merge`: one result.json from the seeds of one config run separately (two processes on two cores, or two
 * machines), with the same mean ± s.e.m. `dgr experiment --seeds` gives when it runs them one after another.
 * Each file carries its config, so files of different runs are refused naming the setting they differ in.
 */
import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { readJsonFile, writeJson } from '../../core/json-files.ts';
import { mergeResults, parseResultFile } from '../../core/results.ts';

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

/** The path a file is known by, whatever the links and relative parts on the way to it. */
function canonical(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** The merged file says it too (`provenanceWarnings`); the output says it where the user reads. */
function warn(warnings: readonly string[]): void {
  for (const w of warnings) process.stdout.write(`warning: ${w}: their numbers may differ for that reason alone\n`);
}

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .argument('<results...>', 'result.json files, or the arm folders of runs that hold them')
    .requiredOption('--out <file>', 'where to write the merged result.json (not one of the inputs)')
    .description('merge result.json files (dgr experiment or dgr rl) of one config run with different seeds into one result with mean ± s.e.m.')
    .action(async (args: string[], opts: { out: string }) => {
      const sources = args.map(resultPath);
      const overwritten = sources.find((source) => canonical(source) === canonical(opts.out));
      if (overwritten !== undefined) {
        throw new Error(`--out ${opts.out} is one of the inputs (${overwritten}): write the merged result elsewhere`);
      }
      const raw = sources.map((source) => ({ source, data: readJsonFile(source, 'result file') }));
      // RL results (`dgr rl`) merge by their own schema and the same rules; a mix of kinds is refused.
      const rl = raw.filter((f) => (f.data as { experiment?: unknown } | null)?.experiment === 'rl');
      if (rl.length > 0 && rl.length < raw.length) throw new Error(`${rl[0].source} is an RL result and ${raw.find((f) => !rl.includes(f))?.source} is not: merge one kind at a time`);
      if (rl.length > 0) {
        const { mergeRlResults, parseRlResult } = await import('../../agent/report/merge.ts');
        const merged = mergeRlResults(rl.map((f) => ({ source: f.source, result: parseRlResult(f.data, f.source) })));
        const path = writeJson(dirname(opts.out), basename(opts.out), merged);
        const kept = Object.entries(merged.retention).map(([g, v]) => `${g} ${v === null ? '-' : `${(100 * v).toFixed(1)} %`}`).join(', ');
        process.stdout.write(`rl/${merged.arm}: seeds ${merged.seeds.join(', ')}: ACC ${(100 * merged.acc).toFixed(2)} %, retention ${kept}  -> ${path}\n`);
        warn(merged.provenanceWarnings);
        const { retentionStatisticsMarkdown } = await import('../../agent/report/retention-table.ts');
        process.stdout.write(`\n${retentionStatisticsMarkdown([merged])}\n`);
        return;
      }
      const files = raw.map((f) => ({ source: f.source, result: parseResultFile(f.data, f.source) }));
      const merged = mergeResults(files);
      const path = writeJson(dirname(opts.out), basename(opts.out), merged);
      const sem = merged.accSem === null ? '' : ` ± ${(100 * merged.accSem).toFixed(2)} (s.e.m.)`;
      process.stdout.write(
        `${merged.experiment}/${merged.arm}: seeds ${merged.seeds.join(', ')}: ACC ${(100 * merged.acc).toFixed(2)}${sem} %  -> ${path}\n`,
      );
      warn(merged.provenanceWarnings);
    });
}
