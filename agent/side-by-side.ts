/**
 * The arms side by side: every arm's scholar plays the same game greedily, each in its own copy, episode i of
 * every copy opened with seed i, so what differs between the boards is only what each arm kept (GR holding a
 * game while None has lost it). Played at a person's pace, not the learner's: a step of all copies at most
 * STEPS_PER_SECOND times a second of wall time, so the cost to training is that many forward passes per arm a
 * second while a viewer asks, and nothing at all otherwise (the run never calls `step`).
 */
import type { Schedule } from '../env/schedule.ts';
import type { AgentFrame } from './events.ts';
import type { ArmScholar } from './scholar.ts';
import { scholarGame, scholarStep, type ScholarGame } from './scholar-play.ts';

/** Steps of the side-by-side games per second: slow enough to follow by eye (the viewer's "watch" speed). */
export const STEPS_PER_SECOND = 15;

interface ArmGame extends ScholarGame {
  /** Episodes opened so far: the next one opens with this seed in every arm's copy. */
  episodes: number;
}

export class SideBySide {
  private games: ArmGame[] = [];
  private lastStep = -Infinity;

  constructor(
    private readonly arms: readonly ArmScholar[],
    private readonly schedule: Schedule,
  ) {}

  /**
   * One step of every arm's game when its slot has come (null otherwise), in the arms' order. `game` is the game
   * to play: a change opens every copy afresh at episode 0.
   */
  step(game: number, runFrame: number, now = performance.now()): AgentFrame[] | null {
    if (now - this.lastStep < 1000 / STEPS_PER_SECOND) return null;
    this.lastStep = now;
    if (this.games[0]?.game !== game) this.games = this.arms.map(() => ({ ...scholarGame(game, this.schedule.tasks[game].task, 0), episodes: 1 }));
    return this.arms.map((arm, a) => {
      const g = this.games[a];
      return scholarStep(arm.scholar.solver, g, runFrame, (env) => env.reset(g.episodes++).observation);
    });
  }
}
