/**
 * An RL run's record as saved in its checkpoint (agent/result.ts's RunRecord and the dreamt frames beside it),
 * as the protocol messages a live run would have sent: what a resumed run shows of its past, and what
 * `dgr serve --replay` shows of a finished one.
 */
import { loadCheckpoint } from '../core/checkpoint.ts';
import { parseAgentConfig, type AgentConfig } from '../agent/config.ts';
import type { RunRecord } from '../agent/result.ts';
import { parseSchedule } from '../env/schedule.ts';
import { encodeDreams } from '../protocol/binary.ts';
import type { RunInfo } from '../protocol/messages.ts';
import type { JobOutput } from './job.ts';
import { rlRunInfo } from './run-messages.ts';

export interface SavedAgentRun {
  readonly config: AgentConfig;
  readonly record: RunRecord;
  readonly dreamFrames: Record<string, (Uint8Array | null)[]>;
}

/** Reads an RL checkpoint folder (without loading any network). */
export function readAgentCheckpoint(dir: string): SavedAgentRun {
  const saved = loadCheckpoint<AgentConfig, { record: RunRecord }>(dir, { parseConfig: parseAgentConfig });
  const dreamFrames: Record<string, (Uint8Array | null)[]> = {};
  for (const arm of saved.config.arms) {
    dreamFrames[arm] = ((saved.arrays[`${arm}.dreams`] ?? []) as Uint8Array[]).map((f) => (f.length > 0 ? f : null));
  }
  return { config: saved.config, record: saved.progress.record, dreamFrames };
}

export function agentRunInfo(config: AgentConfig, record: RunRecord): RunInfo {
  const frames = parseSchedule(config.schedule).tasks.map((t) => t.steps);
  return rlRunInfo(config, record.games, frames, { random: record.reference.map((r) => r.random), scripted: record.reference.map((r) => r.scripted) });
}

/** The messages of everything the record holds: curves (learner and arms), rows of R, dreams. */
export function recordMessages({ config, record, dreamFrames }: SavedAgentRun): JobOutput[] {
  const out: JobOutput[] = [];
  const games = record.games;
  for (const p of record.learnerCurves) {
    out.push({ kind: 'message', message: { type: 'curve', point: { series: 'learner', x: p.frame, task: p.game, values: games.map((_, i) => (i === p.game ? p.normalised : null)) } } });
  }
  const schedule = parseSchedule(config.schedule);
  config.arms.forEach((arm) => {
    const saved = record.arms[arm];
    if (!saved) return;
    for (const p of saved.curves) out.push({ kind: 'message', message: { type: 'curve', point: { series: arm, x: p.frame, task: p.game, values: [...p.scores] } } });
    saved.rows.slice(1).forEach((row, k) => {
      out.push({ kind: 'message', message: { type: 'task-end', series: arm, task: k, x: schedule.tasks[k].end, row: [...row] } });
    });
  });
  // Dreams in the order a live run makes them: game by game, arm by arm.
  games.forEach((_, k) => {
    config.arms.forEach((arm, a) => {
      const dream = record.arms[arm]?.dreams[k];
      const frames = dreamFrames[arm]?.[k];
      if (!dream || !frames) return;
      out.push({ kind: 'binary', bytes: encodeDreams({ arm: a, game: k, actions: dream.actions, resembles: dream.resembles, observations: frames }), frame: false });
    });
  });
  return out;
}
