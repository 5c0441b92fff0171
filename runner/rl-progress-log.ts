/**
 * An RL run's progress for a person, from the run's events, as lines of a log (`dgr rl` into a file or a pipe, a
 * sweep worker's log): a line every 10 % of a game's frames and at each phase's end — game, phase, frames,
 * frames/s, ε, losses, ETA. On a terminal the caller gives a line rewritten in place that shows every progress
 * event instead (cli/reporters/rl-progress.ts); the other lines are written either way.
 */
import type { Subscriber } from '../core/events.ts';
import { duration } from '../core/report/markdown.ts';
import type { AgentEvent } from '../agent/events.ts';

const fmt = (v: number | null, digits = 3): string => (v === null || !Number.isFinite(v) ? '-' : v.toFixed(digits));
const kilo = (n: number): string => (n >= 10_000 ? `${(n / 1000).toFixed(0)}k` : String(n));

/** A line shown in place on a terminal, each new text replacing the last. */
export interface LiveLine {
  show(text: string): void;
  /** Leaves the line shown, if any, so what is written next starts on a line of its own. */
  end(): void;
}

/** Progress lines labelled `label` on `out`; with `live`, each progress event is shown in place instead. */
export function rlProgressLog(
  label: string,
  out: NodeJS.WritableStream = process.stderr,
  live?: LiveLine,
): { subscriber: Subscriber<AgentEvent>; finish(): void } {
  let games: readonly string[] = [];
  let frames: readonly number[] = [];
  let lastDecile = -1;
  const started = performance.now();
  const say = (line: string): void => {
    live?.end();
    out.write(`${label}: ${line}\n`);
  };
  const subscriber: Subscriber<AgentEvent> = (e) => {
    switch (e.type) {
      case 'start':
        games = e.games;
        frames = e.frames;
        if (e.resumedAtFrame > 0) say(`resuming from its checkpoint at frame ${kilo(e.resumedAtFrame)}`);
        say(`${games.join(' → ')}; reference (random/scripted): ${games.map((g, i) => `${g} ${e.reference.random[i].toFixed(1)}/${e.reference.scripted[i].toFixed(1)}`).join(', ')}`);
        return;
      case 'progress': {
        const gameStart = frames.slice(0, e.game).reduce((s, f) => s + f, 0);
        const inGame = e.frame - gameStart;
        const line =
          `game ${e.game + 1}/${games.length} ${games[e.game]} · ${e.phase} · ${kilo(inGame)}/${kilo(frames[e.game] ?? 0)} frames` +
          (e.phase === 'learn' ? ` · ${e.framesPerSecond.toFixed(0)} frames/s · ε ${fmt(e.epsilon, 2)} · TD ${fmt(e.tdLoss)}` : ` · loss ${fmt(e.consolidationLoss)}`) +
          ` · ${duration((performance.now() - started) / 1000)}` +
          (e.etaSeconds === null ? '' : ` · ETA ${duration(e.etaSeconds)}`);
        if (live) {
          live.show(`${label}: ${line}`);
          return;
        }
        const decile = e.phase === 'learn' ? Math.floor((10 * inGame) / Math.max(1, frames[e.game])) + 10 * e.game : -1;
        if (decile > lastDecile) {
          lastDecile = decile;
          say(line);
        }
        return;
      }
      case 'curve':
        if (e.arm === null) say(`learner on ${games[e.game]}: normalised score ${fmt(e.scores[e.game], 3)} at frame ${kilo(e.frame)}`);
        return;
      case 'task-end':
        say(`${e.arm} after ${games[e.game]}: ${e.row.map((v, i) => `${games[i]} ${fmt(v, 3)}`).join(', ')} (learner scored ${e.learnerScore.toFixed(2)})`);
        return;
      case 'subscriber-error':
        say(`a watcher failed on '${e.event}' and was detached: ${e.message}`);
        return;
      default:
        return;
    }
  };
  return {
    subscriber,
    finish() {
      live?.end();
    },
  };
}
