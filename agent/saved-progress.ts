/**
 * What an RL run's checkpoint keeps of where it stands (its `progress`; the arrays lie beside it in the checkpoint,
 * ./run.ts checkpointOf), and the one step that reads an older format.
 *
 * Format 2 (2026-12-07): a run stopped in the middle of a consolidation, of G_k's training or of Q_k's, names its
 * stage (core/continual.ts LessonProgress) and keeps the scholar's streams under `consolidation.scholar`. Format 1
 * (no `format`): everything before; a lesson in its middle without a stage (commit 03b656c) was in Q_k's steps,
 * its streams at the top of `consolidation` (commits bde3326-a128a6a wrote format 2's lesson, unnumbered); and a
 * run from before runs timed their consolidations, or counted the actions kept, has neither in its record.
 */
import type { LessonProgress } from '../core/continual.ts';
import type { RngSnapshot } from '../core/engine/random.ts';
import type { AgentArm } from './config.ts';
import type { LearnerProgress } from './learner-state.ts';
import type { RunRecord } from './result.ts';
import type { DrawStats } from './valid-dreams.ts';

export const PROGRESS_FORMAT = 2;

/** Where the run stands, as its checkpoint keeps it (the loop's position under the names games and arms). */
export interface SavedProgress {
  readonly format: typeof PROGRESS_FORMAT;
  readonly position: { readonly game: number; readonly learned: boolean; readonly armsDone: number; readonly lesson?: LessonProgress };
  readonly record: RunRecord;
  readonly seconds: number;
  /** Present when the run stopped in the middle of game position.game's learner. */
  readonly learner?: LearnerProgress;
  /** Present when it stopped in the middle of arm position.armsDone's consolidation of the game. */
  readonly consolidation?: SavedLesson;
}

/**
 * A consolidation checkpointed between two reports, of G_k's training or of Q_k's: which, where the scholar's
 * streams stand — the batches of the new game and of the replay, G_(k−1)'s noise (the dreams it replays) — and the
 * dream filter's counts (core's position keeps G_k's own progress). With Q_(k−1) and G_(k−1) saved beside Q_k and
 * G_k, the lesson goes on to the numbers of an uninterrupted run.
 */
export interface SavedLesson {
  readonly arm: AgentArm;
  readonly game: number;
  /** Null when it stopped while G_k trained, before the scholar's first step. */
  readonly scholar: ScholarStreams | null;
  readonly draws: DrawStats | null;
}

export interface ScholarStreams {
  readonly current: RngSnapshot;
  readonly replayed: RngSnapshot;
  readonly replayNoise: RngSnapshot[];
}

/** A checkpoint's progress in format 2, migrated from format 1 when it is that (the checksum vouches for what was
 *  written; a lesson in its middle without its streams is refused, naming the checkpoint). */
export function readProgress(raw: unknown, source: string): SavedProgress {
  const progress = raw as SavedProgress | FormatOne;
  if ('format' in progress && progress.format === PROGRESS_FORMAT) return progress;
  if ('format' in progress) throw new Error(`${source}: progress format ${String(progress.format)}, not ${PROGRESS_FORMAT} (written by a newer dgr?)`);
  return fromFormatOne(progress, source);
}

type ArmRecord = RunRecord['arms'][AgentArm];

interface FormatOne extends Omit<SavedProgress, 'format' | 'position' | 'consolidation' | 'record'> {
  readonly position: Omit<SavedProgress['position'], 'lesson'> & { readonly lesson?: LessonProgress | Omit<Extract<LessonProgress, { stage: 'solver' }>, 'stage'> };
  readonly record: Omit<RunRecord, 'arms'> & { readonly arms: Record<string, Omit<ArmRecord, 'seconds' | 'actionsKept'> & Partial<Pick<ArmRecord, 'seconds' | 'actionsKept'>>> };
  readonly consolidation?: SavedLesson | (Omit<SavedLesson, 'scholar'> & { readonly streams: { readonly current: RngSnapshot; readonly replayed: RngSnapshot }; readonly replayNoise: RngSnapshot[] });
}

function fromFormatOne(progress: FormatOne, source: string): SavedProgress {
  const { position: { lesson: stopped, ...position }, record, consolidation, ...rest } = progress;
  // An arm that has consolidated nothing yet times and counts from now; one that has keeps none (its result says
  // "not recorded" rather than numbers for some games only).
  const arms = Object.fromEntries(
    Object.entries(record.arms).map(([arm, r]) => [arm, { ...r, ...(r.seconds === undefined && r.losses.length === 0 && { seconds: [] }), ...(r.actionsKept === undefined && r.losses.length === 0 && { actionsKept: [] }) }]),
  ) as RunRecord['arms'];
  const base = { ...rest, format: PROGRESS_FORMAT, record: { ...record, arms } } as const;
  if (!stopped) return { ...base, position };
  const missing = new Error(`${source}: checkpoint in the middle of a consolidation holds none of its streams`);
  if ('stage' in stopped) {
    if (!consolidation || !('scholar' in consolidation)) throw missing;
    return { ...base, position: { ...position, lesson: stopped }, consolidation };
  }
  if (!consolidation || !('streams' in consolidation)) throw missing;
  const { streams, replayNoise, ...lesson } = consolidation;
  return { ...base, position: { ...position, lesson: { ...stopped, stage: 'solver' } }, consolidation: { ...lesson, scholar: { ...streams, replayNoise } } };
}
