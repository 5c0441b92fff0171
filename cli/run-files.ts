/**
 * What a run leaves in its output folder: config.json (enough to rerun it), result.json (the numbers, in a
 * stable shape programs can read), and the report files. result.json of a multi-seed run aggregates its seeds.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { RunConfig } from '../core/config.ts';
import type { RunResult } from '../core/continual.ts';
import { aggregate } from '../core/report/aggregate.ts';
import { scenarioOf } from '../core/report/run.ts';

const replayAudit = z
  .object({
    samples: z.number().int().positive(),
    units: z.array(z.number().int().nonnegative()),
    labelShare: z.array(z.number().min(0).max(1)),
    confidence: z.number().min(0).max(1),
  })
  .strict();
const accuracyMatrix = z.array(z.array(z.number().min(0).max(1)));
/** One seed's numbers. */
const seedResult = z
  .object({
    seed: z.number().int(),
    acc: z.number(),
    bwt: z.number(),
    fwt: z.number(),
    forgetting: z.number(),
    accuracyMatrix,
    seconds: z.number().nonnegative(),
    /** What the scholar after each task would replay (null entries for arms without a generator; absent in
     * files written before the replay audit existed). */
    replay: z.array(replayAudit.nullable()).optional(),
  })
  .strict();
type SeedResult = z.infer<typeof seedResult>;

/** result.json: the shape programs read, checked when a file comes back in (`dgr merge`). */
export const resultFileSchema = z
  .object({
    experiment: z.string().min(1),
    arm: z.string().min(1),
    scenario: z.string().min(1),
    seed: z.number().int(),
    seeds: z.array(z.number().int()).min(1),
    backend: z.string().min(1),
    taskNames: z.array(z.string()).min(1),
    /** The mean over seeds. */
    accuracyMatrix,
    acc: z.number(),
    /** Null for a single seed. */
    accStd: z.number().nullable(),
    accSem: z.number().nullable(),
    bwt: z.number(),
    fwt: z.number(),
    forgetting: z.number(),
    /** Wall time of all seeds together. */
    seconds: z.number().nonnegative(),
    /** The first seed's replay audits (absent in files written before the replay audit existed). */
    replay: z.array(replayAudit.nullable()).optional(),
    /** Each seed's numbers, when there are several. */
    perSeed: z.array(seedResult).optional(),
  })
  .strict();

export type ResultFile = z.infer<typeof resultFileSchema>;

/** What identifies the results of one config, whatever its seeds. */
type ResultHead = Pick<ResultFile, 'experiment' | 'arm' | 'scenario' | 'backend' | 'taskNames'>;

/** result.json's `scenario`: the report's scenario, or for a domain pair its domains (e.g. "mnist-synthetic"). */
export function resultScenario(config: RunConfig): string {
  return config.stream.kind === 'domains' ? config.stream.domains.join('-') : scenarioOf(config.stream);
}

/**
 * One seed's result, or the mean over seeds of the same config (std and s.e.m. are null for a single seed: JSON
 * has no NaN, and a spread of one value is unknown, not zero).
 */
function combine(head: ResultHead, seeds: readonly SeedResult[]): ResultFile {
  const summary = aggregate(seeds.map((s) => ({ ...s, taskNames: head.taskNames })));
  return {
    experiment: head.experiment,
    arm: head.arm,
    scenario: head.scenario,
    seed: seeds[0].seed,
    seeds: seeds.map((s) => s.seed),
    backend: head.backend,
    taskNames: summary.taskNames,
    accuracyMatrix: summary.accuracyMatrixMean,
    acc: summary.acc,
    accStd: seeds.length > 1 ? summary.accStd : null,
    accSem: seeds.length > 1 ? summary.accSem : null,
    bwt: summary.bwt,
    fwt: summary.fwt,
    forgetting: summary.forgetting,
    seconds: summary.secondsTotal,
    ...(seeds[0].replay ? { replay: seeds[0].replay } : {}),
    ...(seeds.length > 1 ? { perSeed: [...seeds] } : {}),
  };
}

export function resultFile(config: RunConfig, backend: string, runs: { seed: number; result: RunResult }[]): ResultFile {
  const head = { experiment: config.experiment, arm: config.arm, scenario: resultScenario(config), backend, taskNames: runs[0].result.taskNames };
  return combine(
    head,
    runs.map(({ seed, result }) => ({
      seed,
      acc: result.acc,
      bwt: result.bwt,
      fwt: result.fwt,
      forgetting: result.forgetting,
      accuracyMatrix: result.accuracyMatrix,
      seconds: result.seconds,
      replay: result.replay,
    })),
  );
}

/** The seeds a result file holds, one entry each. */
function seedsOf(file: ResultFile): SeedResult[] {
  if (file.perSeed) return file.perSeed;
  const { seed, acc, bwt, fwt, forgetting, accuracyMatrix, seconds, replay } = file;
  return [{ seed, acc, bwt, fwt, forgetting, accuracyMatrix, seconds, ...(replay ? { replay } : {}) }];
}

/**
 * Result files of one config run with different seeds (in separate processes, or on separate machines) as one
 * result, as if `--seeds` had run them together. Files that disagree in what they measured are refused, naming
 * the field; seeds are ordered by number.
 */
export function mergeResults(files: readonly { source: string; result: ResultFile }[]): ResultFile {
  if (files.length === 0) throw new Error('merge: no result files');
  const [first] = files;
  const fields = ['experiment', 'arm', 'scenario', 'backend', 'taskNames'] as const;
  for (const { source, result } of files.slice(1)) {
    for (const field of fields) {
      if (JSON.stringify(result[field]) !== JSON.stringify(first.result[field])) {
        throw new Error(
          `${source}: ${field} is ${JSON.stringify(result[field])}, but ${first.source} has ${JSON.stringify(first.result[field])}: ` +
            'only results of the same experiment, arm and backend merge',
        );
      }
    }
  }
  const bySeed = new Map<number, string>();
  const seeds: SeedResult[] = [];
  for (const { source, result } of files) {
    for (const s of seedsOf(result)) {
      const other = bySeed.get(s.seed);
      if (other !== undefined) throw new Error(`${source}: seed ${s.seed} is also in ${other}; a seed counts once`);
      bySeed.set(s.seed, source);
      seeds.push(s);
    }
  }
  seeds.sort((a, b) => a.seed - b.seed);
  return combine(first.result, seeds);
}

export function writeJson(dir: string, name: string, data: unknown): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(data, null, 2)}\n`);
  // Renamed into place, so a reader never sees half a file.
  renameSync(`${path}.tmp`, path);
  return path;
}

/** A JSON file the user named (`what`: the option or argument that named it, for the message). */
export function readJsonFile(path: string, what: string): unknown {
  if (!existsSync(path)) throw new Error(`${what} ${path}: no such file`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${what} ${path}: not valid JSON (${(error as Error).message})`);
  }
}
