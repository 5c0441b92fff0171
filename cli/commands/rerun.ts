/**
 * `dgr rerun <result.json>`: runs exactly the settings a result file holds — its config, each of its seeds one
 * after another, on its backend — into a new folder, then prints every number of the file beside the rerun's
 * and whether the two are identical. A file that cannot be rerun (no config, not a result file, a newer format)
 * is refused before any work, naming the file and the field.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import type { RlResultFile } from '../../agent/report/result-file.ts';
import type { BackendRequest } from '../../core/engine/backend-names.ts';
import { BACKENDS } from '../../core/engine/backend-names.ts';
import { readJsonFile, writeJson } from '../../core/json-files.ts';
import { resultFormat } from '../../core/provenance.ts';
import { compareNumbers, comparisonText } from '../../core/rerun.ts';
import { parseResultFile, type ResultFile } from '../../core/results.ts';
import { ensureWritableDir } from '../../core/run-folder.ts';
import { checkExperimentFolder, runArm } from '../../runner/experiment-runs.ts';
import { checkRunFolder, runSeeds } from '../../runner/rl-runs.ts';
import { nativeOption, startBackend } from '../options.ts';
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

/** Runs the file's settings over its seeds into `out`; returns the rerun's result file and where it is. */
async function rerun(path: string, target: Rerunnable, out: string, native: boolean): Promise<{ result: unknown; written: string }> {
  const command = ['dgr', ...process.argv.slice(2)].join(' ');
  const { file } = target;
  const request = backendOf(path, file.backend);
  if (target.kind === 'classification') {
    const config = target.file.config;
    const dir = join(out, config.arm);
    checkExperimentFolder(out, [config]);
    const backend = await startBackend(request, native);
    const result = await runArm(config, target.file.seeds, backend, dir, command, runOutput());
    if (result === 'stopped') throw new Error(`${config.arm}: the rerun stopped before its last task`);
    return { result, written: join(dir, 'result.json') };
  }
  const config = target.file.config;
  checkRunFolder(out, config);
  const backend = await startBackend(request, native);
  const files = await runSeeds(config, target.file.seeds, backend, out, command, runOutput());
  if (files === 'stopped') throw new Error('the rerun stopped before its last game');
  return { result: files[0], written: join(out, target.file.arm, 'result.json') };
}

export function registerRerun(program: Command): void {
  program
    .command('rerun')
    .argument('<result>', 'a result.json written by dgr experiment, dgr rl, dgr merge or a sweep (committed ones are under docs/results)')
    .option('--out <dir>', 'where the rerun writes its folder (default runs/rerun/<timestamp>); a folder with checkpoints of the same run resumes')
    .addOption(nativeOption())
    .description("run exactly the settings a result file holds (its config, its seeds one by one, its backend) into a new folder, then print each of the file's numbers beside the rerun's and whether they are identical")
    .action(async (path: string, opts: { out?: string; native: boolean }) => {
      // Before any work: the file can be rerun and the folder written.
      const target = await readRerunnable(path);
      const out = opts.out ?? join('runs', 'rerun', timestamp());
      ensureWritableDir(out, '--out');
      const { result, written } = await rerun(path, target, out, opts.native);
      const numbers = compareNumbers(target.file, result);
      const text = comparisonText(numbers);
      writeJson(out, 'comparison.json', { committed: path, rerun: written, numbers });
      process.stdout.write(`\n${path} (committed) beside ${written} (rerun):\n${text}`);
    });
}
