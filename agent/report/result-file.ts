/**
 * An RL arm's result.json: the numbers programs read, in a stable shape, validated when a file comes back in
 * (`dgr merge`). Several seeds are aggregated with core's rules (mean, s.e.m. of every R cell and metric); each
 * seed's own numbers stay under `perSeed`, so seeds run apart merge to the same file as seeds run together.
 */
import { z } from 'zod';
import { provenanceSchema, provenanceWarnings, RESULT_FORMAT, unknownProvenance, type Provenance } from '../../core/provenance.ts';
import { aggregate, spread } from '../../core/report/aggregate.ts';
import { agentConfigSchema, type AgentArm, type AgentConfig } from '../config.ts';
import type { ActionsKept } from '../actions-kept.ts';
import type { ReplayAuditRL } from '../audit.ts';
import type { AgentResult, ConsolidationSeconds, LearnerRecord } from '../result.ts';

const matrix = z.array(z.array(z.number()));
const nullableNumbers = z.array(z.number().nullable());

const auditSchema = z.strictObject({
  samples: z.int().positive(),
  valid: z.array(z.number().min(0).max(1)),
  exact: z.array(z.number().min(0).max(1)).optional(),
  resembles: z.array(z.number().min(0).max(1)),
  none: z.number().min(0).max(1),
  agreement: z.array(z.number().min(0).max(1).nullable()),
  pool: z.strictObject({ draws: z.int().nonnegative(), kept: z.array(z.int().nonnegative()) }).optional(),
});

const share = z.number().min(0).max(1);
/** After game k, per earlier game: how often Q_k keeps Q_(k−1)'s greedy action (agent/actions-kept.ts). */
const actionsKeptSchema = z.strictObject({
  real: z.array(share),
  dreams: z.array(share.nullable()).nullable(),
});

const learnerSchema = z.strictObject({
  game: z.int().nonnegative(),
  score: z.number(),
  normalised: z.number(),
  /** Standard error of `normalised` over its evaluation episodes; absent: not recorded (results before it was kept). */
  normalisedSe: z.number().nonnegative().nullable().optional(),
  frames: z.int().positive(),
  updates: z.int().nonnegative(),
  trainingReturn: z.number().nullable().optional(),
  seconds: z.number().nonnegative(),
  reused: z.boolean().optional(),
});

const seconds = z.number().nonnegative();
/** Where one game's consolidation spent its time (agent/result.ts ConsolidationSeconds). */
const consolidationSecondsSchema = z.strictObject({
  prepare: seconds,
  generator: seconds,
  solver: seconds,
  consolidate: seconds,
  evaluate: seconds,
  audit: seconds,
  dreams: z.strictObject({ drawn: z.int().nonnegative(), replayed: z.int().nonnegative(), seconds }).nullable(),
});

const seedSchema = z.strictObject({
  seed: z.int(),
  R: matrix,
  /** Standard error of each R cell over its evaluation episodes; absent: not recorded (results before it was kept). */
  RSe: z.array(z.array(z.number().nonnegative().nullable())).optional(),
  raw: matrix,
  retention: nullableNumbers,
  acc: z.number(),
  bwt: z.number(),
  fwt: z.number(),
  forgetting: z.number(),
  learners: z.array(learnerSchema),
  audits: z.array(auditSchema.nullable()),
  /** Per game (null for the first); absent: not recorded (results before it was kept). */
  actionsKept: z.array(actionsKeptSchema.nullable()).optional(),
  frames: z.int().nonnegative(),
  seconds: z.number().nonnegative(),
  learnerSeconds: z.number().nonnegative(),
  consolidationSeconds: z.number().nonnegative(),
  /** Per game, where this arm's consolidation spent its time; absent: not recorded (results before it was kept). */
  consolidationTime: z.array(consolidationSecondsSchema).optional(),
  framesPerSecond: z.number().nonnegative(),
  /** Who and what computed this seed (core/provenance.ts). */
  provenance: provenanceSchema,
}).refine((s) => s.RSe === undefined || (s.RSe.length === s.R.length && s.RSe.every((row, k) => row.length === s.R[k].length)), {
  message: 'RSe must have the shape of R',
  path: ['RSe'],
});
export type RlSeedResult = z.infer<typeof seedSchema>;
type RlAudit = z.infer<typeof auditSchema>;
type RlActionsKept = z.infer<typeof actionsKeptSchema>;
type RlLearner = z.infer<typeof learnerSchema>;

export const rlResultSchema = z.strictObject({
  /** The file's format version (core/provenance.ts, RESULT_FORMAT). */
  format: z.literal(RESULT_FORMAT),
  experiment: z.literal('rl'),
  arm: z.string().min(1),
  schedule: z.string().min(1),
  preset: z.string().min(1),
  seed: z.int(),
  seeds: z.array(z.int()).min(1),
  backend: z.string().min(1),
  /** Who and what computed the first seed (each seed's own is under `perSeed`). */
  provenance: provenanceSchema,
  /** Said when seeds come from different commits or engine paths (a merge of separate runs). */
  provenanceWarnings: z.array(z.string()),
  games: z.array(z.string()).min(1),
  /** Mean over seeds of R (normalised scores; row 0 at start, row k after game k) and its s.e.m. (null: 1 seed). */
  R: matrix,
  RSem: matrix.nullable(),
  /** Game → R[T][i] / R[i][i] for every earlier game as the mean of per-seed ratios (not the ratio of mean scores;
   *  ./retention-statistics.ts derives both), and its s.e.m. */
  retention: z.record(z.string(), z.number().nullable()),
  retentionSem: z.record(z.string(), z.number().nullable()).nullable(),
  acc: z.number(),
  accSem: z.number().nullable(),
  bwt: z.number(),
  fwt: z.number(),
  forgetting: z.number(),
  /** Reference returns per game: random and scripted policies. */
  reference: z.array(z.strictObject({ random: z.number(), scripted: z.number() })),
  framesPerSecond: z.number().nonnegative(),
  /** Wall time of all seeds together. */
  seconds: z.number().nonnegative(),
  perSeed: z.array(seedSchema).min(1),
  /** The config that produced it (of its first seed). */
  config: agentConfigSchema,
});
export type RlResultFile = z.infer<typeof rlResultSchema>;

/** Game names as retention keys: a game that appears twice in a schedule is told apart by its position. */
export function gameKeys(games: readonly string[]): string[] {
  return games.map((g, i) => (games.indexOf(g) === i && games.lastIndexOf(g) === i ? g : `${g}#${i + 1}`));
}

/** Format 1 → 2: every seed's provenance is unknown (format 1 did not record it), and a config without
 * `generator.keep` (saved before the option) replayed all of G's dreams, as it now says. */
export function rlFromFormat1(file: Record<string, unknown>): Record<string, unknown> {
  const perSeed = Array.isArray(file.perSeed) ? file.perSeed.map((s: object) => ({ ...s, provenance: unknownProvenance() })) : file.perSeed;
  const config = file.config as { generator?: { keep?: unknown } } | undefined;
  const withKeep = config?.generator && !('keep' in config.generator) ? { config: { ...config, generator: { ...config.generator, keep: 'all' } } } : {};
  return { ...file, provenance: unknownProvenance(), provenanceWarnings: [], perSeed, ...withKeep };
}

export function seedResult(seed: number, result: AgentResult, arm: AgentArm, provenance: Provenance): RlSeedResult {
  const a = result.arms.find((x) => x.arm === arm);
  if (!a) throw new Error(`the run has no arm ${arm}`);
  return {
    seed,
    R: a.R,
    ...(a.RSe ? { RSe: a.RSe } : {}),
    raw: a.raw,
    retention: a.retention,
    acc: a.acc,
    bwt: a.bwt,
    fwt: a.fwt,
    forgetting: a.forgetting,
    learners: result.learners.map(learnerEntry),
    audits: a.audits.map((x) => x && auditEntry(x)),
    ...(a.actionsKept ? { actionsKept: a.actionsKept.map((x) => x && keptEntry(x)) } : {}),
    frames: result.frames,
    seconds: result.seconds,
    learnerSeconds: result.learnerSeconds,
    consolidationSeconds: result.consolidationSeconds,
    ...(a.seconds ? { consolidationTime: a.seconds } : {}),
    framesPerSecond: result.framesPerSecond,
    provenance,
  };
}

/**
 * The entries of result.json in one order, the schema's, whatever order they arrive in (a run's record, or a
 * file parsed back by `dgr merge`): rlResultFile writes every seed through these, so a run's file and its merge
 * are the same bytes. A field absent stays absent.
 */
function seedEntry(s: RlSeedResult): RlSeedResult {
  return {
    seed: s.seed,
    R: s.R,
    ...(s.RSe ? { RSe: s.RSe } : {}),
    raw: s.raw,
    retention: s.retention,
    acc: s.acc,
    bwt: s.bwt,
    fwt: s.fwt,
    forgetting: s.forgetting,
    learners: s.learners.map(learnerEntry),
    audits: s.audits.map((x) => x && auditEntry(x)),
    ...(s.actionsKept ? { actionsKept: s.actionsKept.map((x) => x && keptEntry(x)) } : {}),
    frames: s.frames,
    seconds: s.seconds,
    learnerSeconds: s.learnerSeconds,
    consolidationSeconds: s.consolidationSeconds,
    ...(s.consolidationTime ? { consolidationTime: s.consolidationTime.map(timeEntry) } : {}),
    framesPerSecond: s.framesPerSecond,
    provenance: s.provenance,
  };
}

function timeEntry(t: ConsolidationSeconds): ConsolidationSeconds {
  const { prepare, generator, solver, consolidate, evaluate, audit, dreams } = t;
  return { prepare, generator, solver, consolidate, evaluate, audit, dreams: dreams && { drawn: dreams.drawn, replayed: dreams.replayed, seconds: dreams.seconds } };
}

function learnerEntry(l: LearnerRecord): RlLearner {
  return {
    game: l.game,
    score: l.score,
    normalised: l.normalised,
    ...(l.normalisedSe !== undefined ? { normalisedSe: l.normalisedSe } : {}),
    frames: l.frames,
    updates: l.updates,
    ...(l.trainingReturn !== undefined ? { trainingReturn: l.trainingReturn } : {}),
    seconds: l.seconds,
    ...(l.reused !== undefined ? { reused: l.reused } : {}),
  };
}

function keptEntry(k: ActionsKept): RlActionsKept {
  return { real: [...k.real], dreams: k.dreams && [...k.dreams] };
}

function auditEntry(a: ReplayAuditRL): RlAudit {
  return {
    samples: a.samples,
    valid: [...a.valid],
    ...(a.exact ? { exact: [...a.exact] } : {}),
    resembles: [...a.resembles],
    none: a.none,
    agreement: [...a.agreement],
    ...(a.pool ? { pool: { draws: a.pool.draws, kept: [...a.pool.kept] } } : {}),
  };
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** result.json of one arm from its seeds (each a seed result of the same config, but for the seed): the one
 *  function that builds what is written, for a run (`dgr rl`, `dgr serve`) and for a merge (./merge.ts). */
export function rlResultFile(config: AgentConfig, arm: AgentArm, backend: string, games: readonly string[], reference: RlResultFile['reference'], seeds: readonly RlSeedResult[]): RlResultFile {
  const agg = aggregate(seeds.map((s) => ({ acc: s.acc, bwt: s.bwt, fwt: s.fwt, forgetting: s.forgetting, seconds: s.seconds, taskNames: [...games], accuracyMatrix: s.R })));
  const keys = gameKeys(games);
  const earlier = keys.slice(0, -1);
  const retentionOf = (i: number) => spread(seeds.map((s) => s.retention[i]).filter((v): v is number => v !== null));
  const known = (i: number): boolean => seeds.some((s) => s.retention[i] !== null);
  const several = seeds.length > 1;
  return {
    format: RESULT_FORMAT,
    experiment: 'rl',
    arm,
    schedule: config.schedule.name ?? games.join(' → '),
    preset: config.preset,
    seed: seeds[0].seed,
    seeds: seeds.map((s) => s.seed),
    backend,
    provenance: seeds[0].provenance,
    provenanceWarnings: provenanceWarnings(seeds),
    games: [...games],
    R: agg.accuracyMatrixMean,
    RSem: several ? agg.accuracyMatrixSem : null,
    retention: Object.fromEntries(earlier.map((g, i) => [g, known(i) ? retentionOf(i).mean : null])),
    retentionSem: several ? Object.fromEntries(earlier.map((g, i) => [g, known(i) ? finite(retentionOf(i).sem) : null])) : null,
    acc: agg.acc,
    accSem: several ? finite(agg.accSem) : null,
    bwt: agg.bwt,
    fwt: agg.fwt,
    forgetting: agg.forgetting,
    reference: reference.map((r) => ({ random: r.random, scripted: r.scripted })),
    framesPerSecond: seeds.reduce((s, x) => s + x.framesPerSecond, 0) / seeds.length,
    seconds: agg.secondsTotal,
    perSeed: seeds.map(seedEntry),
    config: { ...config, arms: [arm], seed: seeds[0].seed },
  };
}
