/** Committed classification result files as the docs' tables read them (core/results.ts parses them). */
import { parseResultFile, type ResultFile } from '../../results.ts';
import { readResultJson, type TableContext } from './document.ts';
import { pctSem } from './format.ts';

export function readClassification(context: TableContext, file: string): ResultFile {
  const { path, data } = readResultJson(context, file);
  return parseResultFile(data, path);
}

/** One seed's numbers as the tables read them (a one-seed file is its own seed). */
export interface SeedNumbers {
  readonly seed: number;
  readonly matrix: readonly (readonly number[])[];
  readonly acc: number;
  readonly bwt: number;
  readonly seconds: number;
}

export function seedsOfFile(r: ResultFile): SeedNumbers[] {
  return r.perSeed ? r.perSeed.map((s) => ({ seed: s.seed, matrix: s.accuracyMatrix, acc: s.acc, bwt: s.bwt, seconds: s.seconds })) : [{ seed: r.seed, matrix: r.accuracyMatrix, acc: r.acc, bwt: r.bwt, seconds: r.seconds }];
}

/** A seed's accuracy on task i right after learning it: R[i+1][i]. */
export const ownTask = (s: SeedNumbers, i: number): number => s.matrix[i + 1][i];
/** A seed's accuracy on task i at the end: R[T][i]. */
export const atEnd = (s: SeedNumbers, i: number): number => s.matrix[s.matrix.length - 1][i];

/** ACC as the tables show it: mean ± s.e.m. over seeds (or the one seed's). */
export const accOf = (r: ResultFile): string => `${pctSem(r.acc, r.accSem)} %`;
