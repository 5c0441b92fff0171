/**
 * result.json: a run's numbers in a stable shape programs read, with the config that produced them, and the
 * merging of result files of one config run with different seeds (in separate processes, or on separate
 * machines) into the result `--seeds` would have given. A file that cannot be checked (no config) or that
 * contradicts its own accuracy matrix is refused, naming the file and what is wrong.
 */
import { z } from 'zod';
import { differences, problemsOf, runConfigSchema, sameRun, type RunConfig } from './config.ts';
import type { RunResult } from './continual.ts';
import { continualMetrics, type Metrics } from './metrics.ts';
import { migrateResultFormat, provenanceSchema, provenanceWarnings, RESULT_FORMAT, unknownProvenance, type Provenance } from './provenance.ts';
import { aggregate } from './report/aggregate.ts';
import { scenarioOf } from './report/run.ts';
import { replayAuditSchema } from './replay/audit-schema.ts';

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
    replay: z.array(replayAuditSchema.nullable()).optional(),
    /** Who and what computed this seed (./provenance.ts). */
    provenance: provenanceSchema,
  })
  .strict();
type SeedResult = z.infer<typeof seedResult>;

/** result.json: the shape programs read, checked when a file comes back in (`dgr merge`). */
export const resultFileSchema = z
  .object({
    /** The file's format version (./provenance.ts, RESULT_FORMAT). */
    format: z.literal(RESULT_FORMAT),
    experiment: z.string().min(1),
    arm: z.string().min(1),
    scenario: z.string().min(1),
    seed: z.number().int(),
    seeds: z.array(z.number().int()).min(1),
    backend: z.string().min(1),
    /** Who and what computed the first seed; each seed's own is under `perSeed` when there are several. */
    provenance: provenanceSchema,
    /** Said when seeds come from different commits or engine paths (a merge of separate runs). */
    provenanceWarnings: z.array(z.string()),
    /** The config that produced it (with the first seed): tells a paper-preset result from a quick one. */
    config: runConfigSchema,
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
    replay: z.array(replayAuditSchema.nullable()).optional(),
    /** Each seed's numbers, when there are several. */
    perSeed: z.array(seedResult).optional(),
  })
  .strict();

export type ResultFile = z.infer<typeof resultFileSchema>;

/** Parses a result.json read from `source`; the error names each bad field. */
export function parseResultFile(raw: unknown, source: string): ResultFile {
  const current = migrateResultFormat(raw, source, fromFormat1);
  const parsed = resultFileSchema.safeParse(current);
  if (parsed.success) return parsed.data;
  if (resultFileSchema.omit({ config: true }).safeParse(current).success) {
    throw new Error(
      `${source}: a result.json without the config that produced it (written before results carried one): ` +
        'nothing can tell which run it belongs to, so it cannot be checked or merged',
    );
  }
  throw new Error(`${source}: not a dgr result.json:\n  ${problemsOf(parsed.error).join('\n  ')}`);
}

/** Format 1 → 2: every seed's provenance is unknown (format 1 did not record it). */
function fromFormat1(file: Record<string, unknown>): Record<string, unknown> {
  const perSeed = Array.isArray(file.perSeed) ? { perSeed: file.perSeed.map((s: object) => ({ ...s, provenance: unknownProvenance() })) } : {};
  return { ...file, provenance: unknownProvenance(), provenanceWarnings: [], ...perSeed };
}

/** What identifies the results of one config, whatever its seeds. */
type ResultHead = Pick<ResultFile, 'experiment' | 'arm' | 'scenario' | 'backend' | 'taskNames' | 'config'>;

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
    format: RESULT_FORMAT,
    experiment: head.experiment,
    arm: head.arm,
    scenario: head.scenario,
    seed: seeds[0].seed,
    seeds: seeds.map((s) => s.seed),
    backend: head.backend,
    provenance: seeds[0].provenance,
    provenanceWarnings: provenanceWarnings(seeds),
    config: { ...head.config, seed: seeds[0].seed },
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

/** The result file of one config's runs, one per seed. */
export function resultFile(config: RunConfig, backend: string, runs: { seed: number; result: RunResult; provenance: Provenance }[]): ResultFile {
  const head = {
    experiment: config.experiment,
    arm: config.arm,
    scenario: resultScenario(config),
    backend,
    taskNames: runs[0].result.taskNames,
    config,
  };
  return combine(
    head,
    runs.map(({ seed, result, provenance }) => ({
      seed,
      acc: result.acc,
      bwt: result.bwt,
      fwt: result.fwt,
      forgetting: result.forgetting,
      accuracyMatrix: result.accuracyMatrix,
      seconds: result.seconds,
      replay: result.replay,
      provenance,
    })),
  );
}

/** The seeds a result file holds, one entry each. */
function seedsOf(file: ResultFile): SeedResult[] {
  if (file.perSeed) return file.perSeed;
  const { seed, acc, bwt, fwt, forgetting, accuracyMatrix, seconds, replay, provenance } = file;
  return [{ seed, acc, bwt, fwt, forgetting, accuracyMatrix, seconds, ...(replay ? { replay } : {}), provenance }];
}

const METRICS = ['acc', 'bwt', 'fwt', 'forgetting'] as const;
const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9;

/**
 * Refuses a result file that contradicts itself: a seed's metrics that are not its accuracy matrix's, a mean
 * that is not the mean of its seeds, a head that is not its config's.
 */
export function checkResultFile(source: string, file: ResultFile): void {
  const fail = (what: string): never => {
    throw new Error(`${source}: ${what}; the file was edited or is damaged, and is not merged`);
  };
  const expectedHead = { experiment: file.config.experiment, arm: file.config.arm, scenario: resultScenario(file.config) };
  for (const [field, value] of Object.entries(expectedHead)) {
    const actual = file[field as keyof typeof expectedHead];
    if (actual !== value) fail(`${field} is ${JSON.stringify(actual)} but its config says ${JSON.stringify(value)}`);
  }
  const seeds = seedsOf(file);
  if (file.seeds.join(',') !== seeds.map((s) => s.seed).join(',')) fail(`seeds [${file.seeds}] do not match its per-seed results`);
  if (file.config.seed !== seeds[0].seed) fail(`its config has seed ${file.config.seed}, its first seed is ${seeds[0].seed}`);
  for (const s of seeds) {
    const rows = file.taskNames.length + 1;
    if (s.accuracyMatrix.length !== rows || s.accuracyMatrix.some((row) => row.length !== rows - 1)) {
      fail(`seed ${s.seed}'s accuracy matrix is not ${rows} rows of ${rows - 1} tasks`);
    }
    const metrics: Metrics = continualMetrics(s.accuracyMatrix);
    for (const m of METRICS) {
      if (!close(s[m], metrics[m])) fail(`seed ${s.seed}: ${m} is ${s[m]} but its accuracy matrix gives ${metrics[m]}`);
    }
  }
  const recomputed = combine(file, seeds);
  for (const m of METRICS) {
    if (!close(file[m], recomputed[m])) fail(`${m} is ${file[m]} but its seeds give ${recomputed[m]}`);
  }
  const cells = file.accuracyMatrix.flat();
  const expected = recomputed.accuracyMatrix.flat();
  if (cells.length !== expected.length || cells.some((v, i) => !close(v, expected[i]))) {
    fail('its accuracy matrix is not the mean of its seeds’');
  }
}

/**
 * Result files of one config run with different seeds as one result, as if `--seeds` had run them together.
 * Each file is checked against itself first; files whose configs differ (the seed aside) or that measured on
 * another backend are refused, naming the setting; a seed given twice is refused; seeds are ordered by number.
 */
export function mergeResults(files: readonly { source: string; result: ResultFile }[]): ResultFile {
  if (files.length === 0) throw new Error('merge: no result files');
  for (const { source, result } of files) checkResultFile(source, result);
  const [first] = files;
  for (const { source, result } of files.slice(1)) {
    if (!sameRun({ ...result.config, seed: 0 }, { ...first.result.config, seed: 0 })) {
      throw new Error(`${source}: its run's config differs from ${first.source}'s in ${differences(result.config, first.result.config).join(', ')}`);
    }
    if (result.backend !== first.result.backend) {
      throw new Error(`${source}: backend is ${result.backend}, but ${first.source} has ${first.result.backend}: only results of one backend merge`);
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
