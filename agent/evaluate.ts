/**
 * Evaluation as continual-RL benchmarks do it (Continual World, CORA): greedy episodes of a network on a game,
 * scored as a normalised score (score − random) / (scripted − random), where random and scripted are the mean
 * returns of env's reference policies on that game. 0 is a random player, 1 plays as well as the script.
 */
import type { Solver } from '../core/solvers/solver.ts';
import { RandomPolicy } from '../env/policies/random.ts';
import { ScriptedPolicy } from '../env/policies/scripted.ts';
import { scorePolicy } from '../env/score.ts';
import { createVectorEnv, type Task } from '../env/task.ts';
import { greedy } from './network.ts';

export interface Reference {
  readonly random: number;
  readonly scripted: number;
}

// Plain arithmetic on results, kept beside them (merge checks files with it without loading the engine).
export { normalisedScore } from './result.ts';

/** Mean returns of the random and the scripted policy over `episodes` episodes each (episode e from seed + e). */
export function referenceScores(task: Task, episodes: number, seed: number): Reference {
  return {
    random: scorePolicy(task, new RandomPolicy(seed), episodes, seed).mean,
    scripted: scorePolicy(task, new ScriptedPolicy(task.game), episodes, seed).mean,
  };
}

/**
 * Mean return of `episodes` greedy episodes of `q` on `task`, played side by side (copy e seeded seed + e), each
 * cut at `maxSteps` steps with its score so far. Sticky actions stay on: they are part of the game.
 */
export function evaluateGreedy(q: Solver, task: Task, episodes: number, maxSteps: number, seed: number): number {
  const env = createVectorEnv(task, episodes);
  env.reset(seed);
  const returns = new Float64Array(episodes);
  const done = new Uint8Array(episodes);
  let remaining = episodes;
  for (let step = 0; step < maxSteps && remaining > 0; step++) {
    const { actions } = greedy(q, env.observations, episodes);
    env.step(actions);
    for (let e = 0; e < episodes; e++) {
      if (done[e]) continue;
      if (env.terminated[e] || env.truncated[e]) {
        returns[e] = env.episodeReturns[e];
        done[e] = 1;
        remaining--;
      }
    }
  }
  // Episodes still running at the cap count with their score so far.
  for (let e = 0; e < episodes; e++) if (!done[e]) returns[e] = env.scores[e];
  return returns.reduce((s, r) => s + r, 0) / episodes;
}

