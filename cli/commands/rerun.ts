/**
 * `dgr rerun <result.json>`: runs exactly the settings a result file holds — its config, each of its seeds one
 * after another, on its backend — into a new folder, then prints every number of the file beside the rerun's
 * and whether the two are identical (`--seed`: one of its seeds, beside that seed's numbers; `--learner-cache`: RL's
 * short-term learners loaded where cached). A file that cannot be rerun (no config, not a result file, a newer format)
 * is refused before any work, naming the file and the field.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import type { RlResultFile } from '../../agent/report/result-file.ts';
import type { BackendRequest } from '../../core/engine/backend-names.ts';
import { BACKENDS } from '../../core/engine/backend-names.ts';
import { readJsonFile, writeJson } from '../../core/json-files.ts';
import { resultFormat } from '../../core/provenance.ts';
import { compareNumbers, comparisonText, type ComparedNumber } from '../../core/rerun.ts';
import { parseResultFile, type ResultFile } from '../../core/results.ts';
import { ensureWritableDir } from '../../core/run-folder.ts';
import { checkExperimentFolder, runArm } from '../../runner/experiment-runs.ts';
import { checkRunFolder, runSeeds } from '../../runner/rl-runs.ts';
import { commandLine, intOption, nativeOption, startBackend } from '../options.ts';
import { runOutput } from '../reporters/progress.ts';
import { timestamp } from './experiment.ts';

type Rerunnable = { kind: 'classification'; file: ResultFile } | { kind: 'rl'; file: RlResultFile };

/** The result file at `path`, checked to be one this dgr can rerun; the error names the file and the field. */
export async function readRerunnable(path: string): Promise<Rerunnable> {
  const raw = readJsonFile(path, 'result file');
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${path}: not a dgr result.json (a JSON object with experiment, seeds and config)`);
  const file = raw as Record<string, unknown>;
  resultFormat(file, path);
  if (!('seeds' in file)) {
    const config = 'stream' in file || 'schedule' in file;
    throw new Error(
      `${path}: seeds: missing: ${config ? 'a config.json, not a result.json (run it with dgr experiment or dgr rl --config)' : 'not a dgr result.json'}`,
    );
  }
  if (!('config' in file)) throw new Error(`${path}: config: missing: the file does not hold the settings that produced it, so nothing can rerun them`);
  if (file.experiment === 'rl') {
    const { parseRlResult } = await import('../../agent/report/merge.ts');
    return { kind: 'rl', file: parseRlResult(file, path) };
  }
  return { kind: 'classification', file: parseResultFile(file, path) };
}

/** The backend a file was computed on, as a request (a file names one of BACKENDS but `auto`). */
function backendOf(path: string, backend: string): BackendRequest {
  if (!(BACKENDS as readonly string[]).includes(backend) || backend === 'auto') throw new Error(`${path}: backend: '${backend}' is not a backend this dgr has (${BACKENDS.slice(1).join(', ')})`);
  return backend as BackendRequest;
}

interface RerunOptions {
  readonly out?: string;
  readonly native: boolean;
  /** One of the file's seeds: rerun only it and compare its own numbers (the file's perSeed entry). */
  readonly seed?: number;
  readonly learnerCache?: string;
}

/** The seeds to rerun: the file's, or the one `--seed` names (which must be one of them). */
function seedsToRerun(path: string, file: { readonly seeds: readonly number[] }, seed: number | undefined): readonly number[] {
  if (seed === undefined) return file.seeds;
  if (!file.seeds.includes(seed)) throw new Error(`--seed: ${path} holds seeds ${file.seeds.join(', ')}, not ${seed}`);
  return [seed];
}

type Numbers = { readonly seeds: readonly number[]; readonly perSeed?: readonly { readonly seed: number }[] };

/**
 * What the rerun is compared with: null for the whole file (no `--seed`, or a file of that one seed), else the
 * index of `--seed`'s entry in the file's perSeed; a file that keeps no numbers of that seed is refused.
 */
function comparedEntry(path: string, file: Numbers, seed: number | undefined): number | null {
  if (seed === undefined || (file.seeds.length === 1 && file.seeds[0] === seed)) return null;
  const index = (file.perSeed ?? []).findIndex((s) => s.seed === seed);
  if (index < 0) throw new Error(`--seed: ${path} keeps no per-seed numbers (perSeed) of seed ${seed}, so they cannot be compared; rerun all its seeds`);
  return index;
}

/** Every number of the file (or of its perSeed entry `entry`) beside the rerun's; the rerun of one seed keeps it
 *  as its perSeed entry, or as the whole file where a one-seed file keeps none. */
function compareRerun(file: Numbers, rerun: unknown, entry: number | null): ComparedNumber[] {
  if (entry === null) return compareNumbers(file, rerun);
  const own = (rerun as { perSeed?: unknown[] }).perSeed?.[0] ?? rerun;
  return compareNumbers(file.perSeed![entry], own, `perSeed[${entry}]`);
}

/** Runs the file's settings over its seeds into `out`; returns the rerun's result file and where it is. */
async function rerun(path: string, target: Rerunnable, seeds: readonly number[], out: string, opts: RerunOptions): Promise<{ result: unknown; written: string }> {
  const command = commandLine();
  const request = backendOf(path, target.file.backend);
  if (target.kind === 'classification') {
    const config = target.file.config;
    const dir = join(out, config.arm);
    checkExperimentFolder(out, [config]);
    const backend = await startBackend(request, opts.native);
    const result = await runArm(config, seeds, backend, dir, command, runOutput());
    if (result === 'stopped') throw new Error(`${config.arm}: the rerun stopped before its last task`);
    return { result, written: join(dir, 'result.json') };
  }
  const config = target.file.config;
  checkRunFolder(out, config);
  const backend = await startBackend(request, opts.native);
  const files = await runSeeds(config, seeds, backend, out, command, { ...runOutput(), learnerCache: opts.learnerCache });
  if (files === 'stopped') throw new Error('the rerun stopped before its last game');
  return { result: files[0], written: join(out, target.file.arm, 'result.json') };
}

export function registerRerun(program: Command): void {
  program
    .command('rerun')
    .argument('<result>', 'a result.json written by dgr experiment, dgr rl, dgr merge or a sweep (committed ones are under docs/results)')
    .option('--out <dir>', 'where the rerun writes its folder (default runs/rerun/<timestamp>); a folder with checkpoints of the same run resumes')
    .option('--seed <n>', "rerun only this one of the file's seeds and compare its numbers (the file's perSeed entry of it)", intOption('--seed', 0, 2 ** 31 - 1))
    .option('--learner-cache <dir>', "RL: load the short-term learners found in this folder (dgr rl's --learner-cache) instead of training them, and save those trained")
    .addOption(nativeOption())
    .description("run exactly the settings a result file holds (its config, its seeds one by one, its backend) into a new folder, then print each of the file's numbers beside the rerun's and whether they are identical")
    .action(async (path: string, opts: RerunOptions) => {
      // Before any work: the file can be rerun, the seed is one of its, and the folders can be written.
      const target = await readRerunnable(path);
      const seeds = seedsToRerun(path, target.file, opts.seed);
      const entry = comparedEntry(path, target.file, opts.seed);
      if (opts.learnerCache !== undefined && target.kind !== 'rl') throw new Error(`--learner-cache: ${path} is a classification result; learners are RL's`);
      const out = opts.out ?? join('runs', 'rerun', timestamp());
      ensureWritableDir(out, '--out');
      if (opts.learnerCache !== undefined) ensureWritableDir(opts.learnerCache, '--learner-cache');
      const { result, written } = await rerun(path, target, seeds, out, opts);
      const numbers = compareRerun(target.file, result, entry);
      const text = comparisonText(numbers);
      writeJson(out, 'comparison.json', { committed: path, rerun: written, numbers });
      process.stdout.write(`\n${path} (committed) beside ${written} (rerun):\n${text}`);
    });
}
