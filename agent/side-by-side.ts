/**
 * The arms side by side: every arm's scholar plays the same game greedily, each in its own copy, episode i of
 * every copy started from the same seed, so what differs between the boards is only what each arm kept (GR
 * holding Breakout while None has lost it). Played at a person's pace, not the learner's: a step of all copies
 * at most STEPS_PER_SECOND times a second of wall time, so the cost to training is that many forward passes per
 * arm a second, and nothing at all while no viewer asks (the run never calls `step`).
 */
import { makeEnv, type SingleEnv } from '../env/single.ts';
import type { Schedule } from '../env/schedule.ts';
import type { AgentFrame } from './events.ts';
import { ACTION_COUNT, greedy } from './network.ts';
import type { ArmScholar } from './scholar.ts';

/** Steps of the side-by-side games per second: slow enough to follow by eye (the viewer's "watch" speed). */
export const STEPS_PER_SECOND = 15;

interface ArmGame {
  readonly env: SingleEnv;
  observation: Uint8Array;
  /** Episodes started: episode i opens with seed i in every arm's copy. */
  episodes: number;
}

export class SideBySide {
  private game = -1;
  private games: ArmGame[] = [];
  private lastStep = -Infinity;

  constructor(
    private readonly arms: readonly ArmScholar[],
    private readonly schedule: Schedule,
  ) {}

  /**
   * One step of every arm's game when its slot has come (null otherwise). `game` is the game to play: a change
   * starts every copy afresh at episode 0.
   */
  step(game: number, runFrame: number, now = performance.now()): AgentFrame[] | null {
    if (now - this.lastStep < 1000 / STEPS_PER_SECOND) return null;
    this.lastStep = now;
    if (game !== this.game) this.start(game);
    return this.arms.map((arm, a) => this.stepArm(arm, this.games[a], runFrame));
  }

  private start(game: number): void {
    this.game = game;
    this.games = this.arms.map(() => {
      const env = makeEnv(this.schedule.tasks[game].task);
      return { env, observation: env.reset(0).observation, episodes: 1 };
    });
  }

  private stepArm(arm: ArmScholar, g: ArmGame, runFrame: number): AgentFrame {
    const { actions, qValues } = greedy(arm.scholar.solver, g.observation, 1);
    const result = g.env.step(actions[0]);
    const frame: AgentFrame = {
      type: 'frame',
      game: this.game,
      player: 'scholar',
      step: result.info.frame,
      frame: runFrame,
      action: actions[0],
      reward: result.reward,
      score: result.info.score,
      observation: g.observation,
      qValues: Array.from(qValues.subarray(0, ACTION_COUNT)),
    };
    g.observation = result.terminated || result.truncated ? g.env.reset(g.episodes++).observation : result.observation;
    return frame;
  }
}
