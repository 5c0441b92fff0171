/**
 * An RL run's progress as its job carries it (BullMQ job progress, read by `dgr sweep status`): the game and
 * phase, frames done of the schedule's, and when the run will end by its own estimate (agent/run.ts measures it
 * while a learner plays; between, during consolidation, the last estimate counts down).
 */
import { z } from 'zod';
import type { AgentEvent } from '../agent/events.ts';
import type { Subscriber } from '../core/events.ts';
import { duration } from '../core/report/markdown.ts';
import type { ProgressView } from './kinds/kind.ts';

export const rlJobProgressSchema = z.object({
  /** The game under way (0-based) and its name. */
  game: z.number().int().nonnegative(),
  name: z.string(),
  games: z.number().int().positive(),
  phase: z.enum(['learn', 'consolidate', 'evaluate', 'done']),
  /** Frames of the whole run done, and the schedule's. */
  frame: z.number().int().nonnegative(),
  totalFrames: z.number().int().positive(),
  /** Frames the run resumed at (its checkpoint), 0 when it started from scratch. */
  resumedAtFrame: z.number().int().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
});
export type RlJobProgress = z.infer<typeof rlJobProgressSchema>;

/** How often progress goes to the job at most (a Redis write each time). */
const EVERY_MS = 1000;

const kilo = (n: number): string => (n >= 10_000 ? `${(n / 1000).toFixed(0)}k` : String(n));

/** A subscriber that turns an RL run's events into job progress, at most once a second. */
export function rlJobProgressSubscriber(send: (progress: RlJobProgress) => void): Subscriber<AgentEvent> {
  let games: readonly string[] = [];
  let latest: RlJobProgress | null = null;
  let last = -Infinity;
  /** The last estimate and when it was made, counted down while no new one comes. */
  let eta: { seconds: number; at: number } | null = null;
  return (event) => {
    if (event.type === 'start') {
      games = event.tasks;
      // Where the run resumed: the game whose frames the checkpoint had not yet finished (or the last one).
      let game = 0;
      for (let before = event.frames[0]; game < games.length - 1 && before <= event.resumedAtFrame; before += event.frames[game]) game++;
      latest = {
        game,
        name: games[game],
        games: games.length,
        phase: 'learn',
        frame: event.resumedAtFrame,
        totalFrames: event.frames.reduce((a, b) => a + b, 0),
        resumedAtFrame: event.resumedAtFrame,
        etaSeconds: null,
      };
      send(latest);
      return;
    }
    if (event.type !== 'progress' || event.kind !== 'rl' || !latest) return;
    const now = performance.now();
    if (event.etaSeconds !== null) eta = { seconds: event.etaSeconds, at: now };
    if (now - last < EVERY_MS) return;
    last = now;
    const etaSeconds = eta === null ? null : Math.max(0, eta.seconds - (now - eta.at) / 1000);
    latest = { ...latest, game: event.task, name: games[event.task], phase: event.phase, frame: event.frame, etaSeconds };
    send(latest);
  };
}

export const rlJobProgressView: ProgressView<RlJobProgress> = {
  schema: rlJobProgressSchema,
  running: (p) => {
    const parts = [`game ${p.game + 1}/${p.games} ${p.name} ${p.phase}`, `frame ${kilo(p.frame)}/${kilo(p.totalFrames)}`];
    if (p.etaSeconds !== null) parts.push(`ETA ${duration(p.etaSeconds)}`);
    if (p.resumedAtFrame > 0) parts.push(`resumed at frame ${kilo(p.resumedAtFrame)}`);
    return { parts, etaSeconds: p.etaSeconds, share: 1 - p.resumedAtFrame / p.totalFrames };
  },
  // Its checkpoints are at phase ends: the retry resumes from the last one at or before this.
  reached: (p) => `frame ${kilo(p.frame)} of ${kilo(p.totalFrames)} (game ${p.game + 1}/${p.games} ${p.name}, ${p.phase})`,
};
