/**
 * Merging RL result files of one config run with different seeds (separate processes or machines) into one,
 * by the same rules as the classification results: one config but for the seed (each file carries its own), no
 * seed twice, and every file consistent with itself (each seed's R with its raw scores and references, its
 * retention and metrics with its R; the top level with its seeds). The merged file is what `dgr rl --seeds`
 * writes when it runs the seeds one after another.
 */
import { differences, problemsOf, sameRun } from '../../core/config.ts';
import { continualMetrics } from '../../core/metrics.ts';
import { migrateResultFormat } from '../../core/provenance.ts';
import type { AgentArm } from '../config.ts';
import { normalisedScore, retention } from '../result.ts';
import { rlFromFormat1, rlResultFile, rlResultSchema, type RlResultFile, type RlSeedResult } from './result-file.ts';

/** Parses an RL result.json (of this format, or an older one brought up to it); the error names the file and
 * each bad field. */
export function parseRlResult(data: unknown, source: string): RlResultFile {
  const parsed = rlResultSchema.safeParse(migrateResultFormat(data, source, rlFromFormat1));
  if (!parsed.success) throw new Error(`${source}: not a dgr RL result.json:\n  ${problemsOf(parsed.error).join('\n  ')}`);
  return parsed.data;
}

/** Equal as written by one run: the same shape, numbers equal up to rounding (JSON keeps 17 digits). */
function firstDifference(a: unknown, b: unknown, path: string): string | null {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)) ? null : path;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return path;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d !== null) return d;
    }
    return null;
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
      if (d !== null) return d;
    }
    return null;
  }
  return a === b ? null : path;
}

type Reference = RlResultFile['reference'][number];

/**
 * The references a seed's scores on game i were normalised by. The file holds its first seed's (the reference
 * policies' episodes follow the seed); another seed's are read off its own scores: R is (raw − random) / span
 * on every row, so the two most different raw scores of a game give random and span, and the other rows must
 * agree with them. Null when the game's raw scores are all equal (then its R must be too).
 */
function referenceOf(s: RlSeedResult, i: number, file: RlResultFile): Reference | null {
  if (s.seed === file.perSeed[0].seed) return file.reference[i];
  const points = s.raw.map((row, k) => ({ raw: row[i], R: s.R[k + 1][i] }));
  const low = points.reduce((a, b) => (b.raw < a.raw ? b : a));
  const high = points.reduce((a, b) => (b.raw > a.raw ? b : a));
  if (high.raw === low.raw) return null;
  const span = (high.raw - low.raw) / (high.R - low.R);
  const random = low.raw - low.R * span;
  return { random, scripted: random + span };
}

/** One seed's numbers against each other: R after each game from the raw scores and the references, and
 * retention, ACC, BWT, FWT and forgetting from R. */
function checkSeed(s: RlSeedResult, file: RlResultFile, fail: (what: string) => never): void {
  const T = file.games.length;
  if (s.R.length !== T + 1 || s.R.some((row) => row.length !== T)) fail(`seed ${s.seed}'s R is not ${T + 1} rows of ${T} games`);
  if (s.raw.length !== T || s.raw.some((row) => row.length !== T)) fail(`seed ${s.seed}'s raw scores are not ${T} rows of ${T} games`);
  if (file.reference.length !== T) fail(`reference has ${file.reference.length} games, the run ${T}`);
  for (let i = 0; i < T; i++) {
    const reference = referenceOf(s, i, file);
    const wrong = (k: number, expected: number): never =>
      fail(`seed ${s.seed}: R[${k + 1}][${i}] is ${s.R[k + 1][i]} but its raw score ${s.raw[k][i]} and the references give ${expected}`);
    if (reference === null) {
      s.raw.forEach((_, k) => firstDifference(s.R[k + 1][i], s.R[1][i], '') !== null && wrong(k, s.R[1][i]));
      continue;
    }
    if (!(reference.scripted > reference.random)) fail(`seed ${s.seed}: game ${i + 1}'s R falls as its raw score rises`);
    s.raw.forEach((row, k) => {
      const expected = normalisedScore(row[i], reference);
      if (firstDifference(s.R[k + 1][i], expected, '') !== null) wrong(k, expected);
    });
  }
  const derived = { retention: retention(s.R), ...continualMetrics(s.R) };
  for (const [field, value] of Object.entries(derived)) {
    if (firstDifference(s[field as keyof typeof derived], value, field) !== null) {
      fail(`seed ${s.seed}: ${field} is ${JSON.stringify(s[field as keyof typeof derived])} but its R gives ${JSON.stringify(value)}`);
    }
  }
}

/** The top level's numbers that follow from the seeds (and are what merge computes anew). */
const FROM_SEEDS = ['seed', 'seeds', 'schedule', 'R', 'RSem', 'retention', 'retentionSem', 'acc', 'accSem', 'bwt', 'fwt', 'forgetting', 'framesPerSecond', 'seconds'] as const;

/**
 * Refuses an RL result file that contradicts itself, naming the file and the first number that does: a seed
 * whose R is not its raw scores normalised, whose retention or metrics are not its R's, or a top level that is
 * not the mean of its seeds (as `dgr rl` writes it), or whose config is not its arm's and first seed's.
 */
export function checkRlResultFile(source: string, file: RlResultFile): void {
  const fail = (what: string): never => {
    throw new Error(`${source}: ${what}; the file was edited or is damaged, and is not merged`);
  };
  if (file.config.arms.length !== 1 || file.config.arms[0] !== file.arm) fail(`arm is ${file.arm} but its config runs ${file.config.arms.join(', ')}`);
  if (file.config.seed !== file.perSeed[0].seed) fail(`its config has seed ${file.config.seed}, its first seed is ${file.perSeed[0].seed}`);
  for (const s of file.perSeed) checkSeed(s, file, fail);
  const own = rlResultFile(file.config, file.arm as AgentArm, file.backend, file.games, file.reference, file.perSeed);
  for (const field of FROM_SEEDS) {
    const d = firstDifference(file[field], own[field], field);
    if (d !== null) fail(`${d} does not follow from its own per-seed numbers`);
  }
}

export function mergeRlResults(files: readonly { source: string; result: RlResultFile }[]): RlResultFile {
  if (files.length === 0) throw new Error('merge: no result files');
  for (const { source, result } of files) checkRlResultFile(source, result);
  const [first] = files;
  const seeds = new Map<number, string>();
  for (const { source, result } of files) {
    const config = { ...result.config, seed: 0 };
    if (!sameRun(config, { ...first.result.config, seed: 0 })) {
      throw new Error(`${source}: its run's config differs from ${first.source}'s in ${differences(result.config, first.result.config).join(', ')}`);
    }
    if (result.arm !== first.result.arm || result.backend !== first.result.backend) {
      throw new Error(`${source}: arm ${result.arm} on ${result.backend}, but ${first.source} is arm ${first.result.arm} on ${first.result.backend}`);
    }
    for (const s of result.perSeed) {
      const seen = seeds.get(s.seed);
      if (seen !== undefined) throw new Error(`${source}: seed ${s.seed} is also in ${seen}; a seed counts once`);
      seeds.set(s.seed, source);
    }
  }
  const perSeed = files.flatMap((f) => f.result.perSeed).sort((a, b) => a.seed - b.seed);
  // The merged file holds its first seed's references, as every result file does.
  const r = files.find((f) => f.result.perSeed.some((s) => s.seed === perSeed[0].seed))!.result;
  return rlResultFile({ ...r.config, seed: perSeed[0].seed }, r.arm as AgentArm, r.backend, r.games, r.reference, perSeed);
}
