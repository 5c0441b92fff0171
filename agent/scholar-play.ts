/**
 * A scholar playing a game for the viewers: one greedy step of its network in its own copy of the game, as the
 * frame a viewer is shown. The "watch" control's single scholar (./watch.ts) and the arms side by side
 * (./side-by-side.ts) both play this way.
 */
import type { Solver } from '../core/solvers/solver.ts';
import { makeEnv, type SingleEnv } from '../env/single.ts';
import type { Task } from '../env/task.ts';
import type { AgentFrame } from './events.ts';
import { ACTION_COUNT, greedy } from './network.ts';

export interface ScholarGame {
  readonly game: number;
  readonly env: SingleEnv;
  /** The observation the next action is chosen on. */
  observation: Uint8Array;
}

/** A copy of game `game` (task `task`), its first episode opened with `seed`. */
export function scholarGame(game: number, task: Task, seed: number): ScholarGame {
  const env = makeEnv(task);
  return { game, env, observation: env.reset(seed).observation };
}

/** One greedy step of `solver` in `g`; when the episode ends, `nextEpisode` opens the next one. */
export function scholarStep(solver: Solver, g: ScholarGame, runFrame: number, nextEpisode: (env: SingleEnv) => Uint8Array): AgentFrame {
  const { actions, qValues } = greedy(solver, g.observation, 1);
  const result = g.env.step(actions[0]);
  const frame: AgentFrame = {
    type: 'frame',
    game: g.game,
    player: 'scholar',
    step: result.info.frame,
    frame: runFrame,
    action: actions[0],
    reward: result.reward,
    score: result.info.score,
    observation: g.observation,
    qValues: Array.from(qValues.subarray(0, ACTION_COUNT)),
  };
  g.observation = result.terminated || result.truncated ? nextEpisode(g.env) : result.observation;
  return frame;
}
