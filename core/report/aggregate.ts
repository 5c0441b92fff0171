/**
 * Several seeds of one config: mean, sample standard deviation (n − 1) and standard error of the mean of the
 * metrics and of every accuracy-matrix cell. With one seed the spread is unknown: std and sem are NaN.
 */
import type { RunResult } from '../continual.ts';

export interface Spread {
  readonly mean: number;
  readonly std: number;
  readonly sem: number;
}

export function spread(xs: readonly number[]): Spread {
  if (xs.length === 0) throw new Error('spread of no values');
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (xs.length < 2) return { mean, std: NaN, sem: NaN };
  const std = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1));
  return { mean, std, sem: std / Math.sqrt(xs.length) };
}

export interface Aggregate {
  readonly seeds: number;
  readonly acc: number;
  readonly accStd: number;
  readonly accSem: number;
  readonly bwt: number;
  readonly bwtStd: number;
  readonly bwtSem: number;
  readonly fwt: number;
  readonly fwtStd: number;
  readonly fwtSem: number;
  readonly forgetting: number;
  readonly forgettingStd: number;
  readonly forgettingSem: number;
  /** Mean wall time per seed, and the total. */
  readonly seconds: number;
  readonly secondsTotal: number;
  readonly taskNames: string[];
  readonly accuracyMatrixMean: number[][];
  readonly accuracyMatrixStd: number[][];
  readonly accuracyMatrixSem: number[][];
}

type Input = Pick<RunResult, 'acc' | 'bwt' | 'fwt' | 'forgetting' | 'seconds' | 'taskNames' | 'accuracyMatrix'>;

export function aggregate(results: readonly Input[]): Aggregate {
  if (results.length === 0) throw new Error('aggregate: no results');
  const [first] = results;
  for (const r of results) {
    if (r.taskNames.join('\u0000') !== first.taskNames.join('\u0000')) {
      throw new Error(`aggregate: results have different tasks (${first.taskNames.join(', ')} vs ${r.taskNames.join(', ')})`);
    }
    if (r.accuracyMatrix.length !== first.accuracyMatrix.length || r.accuracyMatrix.some((row, k) => row.length !== first.accuracyMatrix[k].length)) {
      throw new Error('aggregate: accuracy matrices differ in shape (a seed stopped early?)');
    }
  }
  const metric = (f: (r: Input) => number): Spread => spread(results.map(f));
  const acc = metric((r) => r.acc);
  const bwt = metric((r) => r.bwt);
  const fwt = metric((r) => r.fwt);
  const forgetting = metric((r) => r.forgetting);
  const cells = first.accuracyMatrix.map((row, k) => row.map((_, i) => spread(results.map((r) => r.accuracyMatrix[k][i]))));
  const secondsTotal = results.reduce((s, r) => s + r.seconds, 0);
  return {
    seeds: results.length,
    acc: acc.mean,
    accStd: acc.std,
    accSem: acc.sem,
    bwt: bwt.mean,
    bwtStd: bwt.std,
    bwtSem: bwt.sem,
    fwt: fwt.mean,
    fwtStd: fwt.std,
    fwtSem: fwt.sem,
    forgetting: forgetting.mean,
    forgettingStd: forgetting.std,
    forgettingSem: forgetting.sem,
    seconds: secondsTotal / results.length,
    secondsTotal,
    taskNames: [...first.taskNames],
    accuracyMatrixMean: cells.map((row) => row.map((c) => c.mean)),
    accuracyMatrixStd: cells.map((row) => row.map((c) => c.std)),
    accuracyMatrixSem: cells.map((row) => row.map((c) => c.sem)),
  };
}
