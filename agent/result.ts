/**
 * What an RL run measured, per game and per arm, and the numbers derived from it. R[k][i] is the normalised
 * score of the arm's scholar on game i after game k (row 0: the untrained network), so core's continual-learning
 * metrics (ACC, BWT, FWT, forgetting) apply unchanged; retention of game i is R[T][i] / R[i][i], how much of what
 * the scholar had right after its own game it still has at the end (Continual World's forgetting, as a ratio).
 */
import type { LessonSeconds } from '../core/continual.ts';
import { continualMetrics, type Metrics } from '../core/metrics.ts';
import type { ActionsKept } from './actions-kept.ts';
import type { ReplayAuditRL } from './audit.ts';
import type { AgentArm, AgentConfig } from './config.ts';
import type { Reference } from './evaluate.ts';
import type { DrawStats } from './valid-dreams.ts';

/** Where one game's consolidation of one arm spent its time (the loop's steps), and what its dream filter drew. */
export interface ConsolidationSeconds extends LessonSeconds {
  /** The generator's samples the filter drew, the dreams it replayed (to Q_k and G_k) and its seconds; null
   *  without a filter (no generator, the first game, or `keep: 'all'`). */
  readonly dreams: DrawStats | null;
}

export interface CurvePointRL {
  readonly frame: number;
  readonly game: number;
  readonly scores: readonly number[];
}

export interface ArmRecord {
  /** Normalised R rows: at start, then after each game. */
  rows: number[][];
  /** The standard error of each R cell's mean over its evaluation episodes, normalised like R; absent in records
   *  (checkpoints) written before it was kept, null for an evaluation of one episode. */
  rowsSe?: (number | null)[][];
  /** Raw mean returns after each game (no row for the start). */
  raw: number[][];
  /** Per game: the audit of what was replayed to consolidate it (null without a generator or for game 1). */
  audits: (ReplayAuditRL | null)[];
  /** Per game: how often Q_k keeps Q_(k−1)'s actions on the earlier games (null for game 1); absent in records
   *  (checkpoints) written before it was kept. */
  actionsKept?: (ActionsKept | null)[];
  /** Per game: Q_k's greedy actions on G_k's dreams and the game each resembles (null without a generator);
   *  the dreamt frames themselves travel beside the record (Run.dreamFrames), as bytes. */
  dreams: ({ actions: number[]; resembles: number[] } | null)[];
  /** The last consolidation loss per game. */
  losses: number[];
  curves: CurvePointRL[];
  /** Per game, where its consolidation's time went; absent in records (checkpoints) written before it was kept. */
  seconds?: ConsolidationSeconds[];
}

export interface LearnerRecord {
  readonly game: number;
  /** Raw mean greedy return at the end of its game, and normalised. */
  readonly score: number;
  readonly normalised: number;
  /** The standard error of `normalised` over its evaluation episodes (null: one episode; absent in results and
   *  cached learners written before it was kept). */
  readonly normalisedSe?: number | null;
  readonly frames: number;
  readonly updates: number;
  /** Mean return of its last training (ε-greedy) episodes, as MinAtar's curves plot (../learner.ts); absent in
   *  results written before it was kept. */
  readonly trainingReturn?: number | null;
  /** Its training time, in the run that trained it. */
  readonly seconds: number;
  /** Loaded from a learner cache (./learner-cache.ts) rather than trained by this run; absent when trained here. */
  readonly reused?: boolean;
}

export interface RunRecord {
  games: string[];
  reference: Reference[];
  learners: LearnerRecord[];
  learnerCurves: { frame: number; game: number; score: number; normalised: number }[];
  arms: Record<AgentArm, ArmRecord>;
  /** Frames played so far (all learners). */
  frames: number;
  learnerSeconds: number;
  consolidationSeconds: number;
}

export interface ArmResult extends Metrics {
  readonly arm: AgentArm;
  readonly R: number[][];
  /** Per R cell, the standard error of its evaluation (null: not recorded, as in a run resumed from an older checkpoint). */
  readonly RSe: (number | null)[][] | null;
  readonly raw: number[][];
  /** Per game: R[T][i] / R[i][i] (null where R[i][i] ≤ 0: nothing was learned to keep). */
  readonly retention: (number | null)[];
  readonly audits: (ReplayAuditRL | null)[];
  /** Per game (null: not recorded for every game, as in a run resumed from an older checkpoint). */
  readonly actionsKept: (ActionsKept | null)[] | null;
  /** G_k's dreams after each game: frames (n × 700 bytes), Q_k's greedy actions, the game each resembles. */
  readonly dreams: ({ observations: Uint8Array; actions: number[]; resembles: number[] } | null)[];
  readonly losses: number[];
  readonly curves: CurvePointRL[];
  /** Per game (null: not recorded for every game, as in a run resumed from an older checkpoint). */
  readonly seconds: ConsolidationSeconds[] | null;
}

export interface AgentResult {
  readonly config: AgentConfig;
  readonly games: string[];
  readonly reference: Reference[];
  readonly learners: LearnerRecord[];
  readonly learnerCurves: RunRecord['learnerCurves'];
  readonly arms: ArmResult[];
  readonly frames: number;
  readonly seconds: number;
  /** Frames per second of the learners (acting + learning), over their own time. */
  readonly framesPerSecond: number;
  readonly learnerSeconds: number;
  readonly consolidationSeconds: number;
}

/** (score − random) / (scripted − random); a game whose script is no better than chance cannot be normalised. */
export function normalisedScore(score: number, reference: Reference): number {
  const span = reference.scripted - reference.random;
  if (!(span > 0)) throw new Error(`cannot normalise: the scripted policy (${reference.scripted}) does not beat random (${reference.random})`);
  return (score - reference.random) / span;
}

/** R[T][i] / R[i][i] per game i (rows[0] is at start, rows[i + 1] after game i). */
export function retention(rows: readonly (readonly number[])[]): (number | null)[] {
  const T = rows.length - 1;
  return rows[T].map((last, i) => {
    const own = rows[i + 1][i];
    return own > 0 ? last / own : null;
  });
}

export function agentResult(config: AgentConfig, record: RunRecord, dreamFrames: Record<string, (Uint8Array | null)[]>, seconds: number): AgentResult {
  const arms = config.arms.map((arm): ArmResult => {
    const a = record.arms[arm];
    return { arm, ...continualMetrics(a.rows), R: a.rows, RSe: a.rowsSe?.length === a.rows.length ? a.rowsSe : null, raw: a.raw, retention: retention(a.rows), audits: a.audits, actionsKept: a.actionsKept?.length === a.rows.length - 1 ? a.actionsKept : null, dreams: a.dreams.map((d, k) => (d && dreamFrames[arm]?.[k] ? { observations: dreamFrames[arm][k] as Uint8Array, ...d } : null)), losses: a.losses, curves: a.curves, seconds: a.seconds?.length === a.rows.length - 1 ? a.seconds : null };
  });
  return {
    config,
    games: record.games,
    reference: record.reference,
    learners: record.learners,
    learnerCurves: record.learnerCurves,
    arms,
    frames: record.frames,
    seconds,
    framesPerSecond: record.frames / Math.max(1e-9, record.learnerSeconds),
    learnerSeconds: record.learnerSeconds,
    consolidationSeconds: record.consolidationSeconds,
  };
}
