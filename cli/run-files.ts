/**
 * What a run leaves in its output folder: config.json (enough to rerun it), result.json (the numbers, in a
 * stable shape programs can read), and the report files. result.json of a multi-seed run aggregates its seeds.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunConfig } from '../core/config.ts';
import type { RunResult } from '../core/continual.ts';
import type { ReplayAudit } from '../core/replay/audit.ts';
import { aggregate } from '../core/report/aggregate.ts';
import { scenarioOf } from '../core/report/run.ts';

export interface ResultFile {
  experiment: string;
  arm: string;
  scenario: string;
  seed: number;
  seeds: number[];
  backend: string;
  taskNames: string[];
  accuracyMatrix: number[][];
  acc: number;
  /** Null for a single seed. */
  accStd: number | null;
  accSem: number | null;
  bwt: number;
  fwt: number;
  forgetting: number;
  seconds: number;
  /** What the scholar after each task would replay (the first seed's; null entries for arms without a generator). */
  replay: (ReplayAudit | null)[];
  perSeed?: {
    seed: number;
    acc: number;
    bwt: number;
    fwt: number;
    forgetting: number;
    accuracyMatrix: number[][];
    seconds: number;
    replay: (ReplayAudit | null)[];
  }[];
}

/** result.json's `scenario`: the report's scenario, or for a domain pair its domains (e.g. "mnist-synthetic"). */
function resultScenario(config: RunConfig): string {
  return config.stream.kind === 'domains' ? config.stream.domains.join('-') : scenarioOf(config.stream);
}

/**
 * One result, or the mean over seeds of the same config (std and s.e.m. are null for a single seed: JSON has
 * no NaN, and a spread of one value is unknown, not zero).
 */
export function resultFile(config: RunConfig, backend: string, runs: { seed: number; result: RunResult }[]): ResultFile {
  const summary = aggregate(runs.map((r) => r.result));
  return {
    experiment: config.experiment,
    arm: config.arm,
    scenario: resultScenario(config),
    seed: runs[0].seed,
    seeds: runs.map((r) => r.seed),
    backend,
    taskNames: summary.taskNames,
    accuracyMatrix: summary.accuracyMatrixMean,
    acc: summary.acc,
    accStd: summary.accStd,
    accSem: summary.accSem,
    bwt: summary.bwt,
    fwt: summary.fwt,
    forgetting: summary.forgetting,
    seconds: summary.secondsTotal,
    replay: runs[0].result.replay,
    ...(runs.length > 1
      ? {
          perSeed: runs.map(({ seed, result }) => ({
            seed,
            acc: result.acc,
            bwt: result.bwt,
            fwt: result.fwt,
            forgetting: result.forgetting,
            accuracyMatrix: result.accuracyMatrix,
            seconds: result.seconds,
            replay: result.replay,
          })),
        }
      : {}),
  };
}

export function writeJson(dir: string, name: string, data: unknown): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(data, null, 2)}\n`);
  // Renamed into place, so a reader never sees half a file.
  renameSync(`${path}.tmp`, path);
  return path;
}
