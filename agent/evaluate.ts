/**
 * Evaluation as continual-RL benchmarks do it (Continual World, CORA): greedy episodes of a network on a game,
 * scored as a normalised score (score − random) / (scripted − random), where random and scripted are the mean
 * returns of env's reference policies on that game. 0 is a random player, 1 plays as well as the script.
 */
import { EventLoopTurns } from '../core/event-loop.ts';
import { spread } from '../core/report/aggregate.ts';
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
import { normalisedScore } from './result.ts';
export { normalisedScore };

/** Mean returns of the random and the scripted policy over `episodes` episodes each (episode e from seed + e). */
export function referenceScores(task: Task, episodes: number, seed: number): Reference {
  return {
    random: scorePolicy(task, new RandomPolicy(seed), episodes, seed).mean,
    scripted: scorePolicy(task, new ScriptedPolicy(task.game), episodes, seed).mean,
  };
}

/** A greedy evaluation: the mean return of its episodes and the standard error of that mean (null with one episode). */
export interface GreedyScore {
  readonly mean: number;
  readonly sem: number | null;
}

/** The standard error of a mean return in normalised units: a return's error scaled by the game's reference span. */
export function normalisedError(sem: number | null, reference: Reference): number | null {
  return sem === null ? null : sem / (reference.scripted - reference.random);
}

/**
 * Mean return of `episodes` greedy episodes of `q` on `task`, played side by side (copy e seeded seed + e), each
 * cut at `maxSteps` steps with its score so far. Sticky actions stay on: they are part of the game. Asynchronous
 * only to let the event loop turn between steps (a long evaluation would otherwise hold off a second Ctrl-C).
 */
export async function evaluateGreedy(q: Solver, task: Task, episodes: number, maxSteps: number, seed: number): Promise<number> {
  return (await greedyScore(q, task, episodes, maxSteps, seed)).mean;
}

/** evaluateGreedy's episodes with the standard error of their mean (sample std / √episodes, core's spread()). */
export async function greedyScore(q: Solver, task: Task, episodes: number, maxSteps: number, seed: number): Promise<GreedyScore> {
  const returns = await greedyReturns(q, task, episodes, maxSteps, seed);
  const { sem } = spread(Array.from(returns));
  return { mean: returns.reduce((s, r) => s + r, 0) / episodes, sem: Number.isFinite(sem) ? sem : null };
}

/** A network's greedy scores on every game of a schedule. */
export interface GreedyScores {
  readonly raw: number[];
  readonly normalised: number[];
  readonly se: (number | null)[];
}

/**
 * Greedy scores of `q` on every game of a schedule, the same episodes (seed) on each: raw mean returns, normalised
 * scores and the normalised standard error of each.
 */
export async function greedyScores(q: Solver, tasks: readonly Task[], references: readonly Reference[], episodes: number, maxSteps: number, seed: number): Promise<GreedyScores> {
  const scores: GreedyScore[] = [];
  for (const task of tasks) scores.push(await greedyScore(q, task, episodes, maxSteps, seed));
  return {
    raw: scores.map((s) => s.mean),
    normalised: scores.map((s, i) => normalisedScore(s.mean, references[i])),
    se: scores.map((s, i) => normalisedError(s.sem, references[i])),
  };
}

/** Each episode's return (an episode still running at `maxSteps` counts with its score so far). */
async function greedyReturns(q: Solver, task: Task, episodes: number, maxSteps: number, seed: number): Promise<Float64Array> {
  const env = createVectorEnv(task, episodes);
  const turns = new EventLoopTurns();
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
    await turns.between();
  }
  // Episodes still running at the cap count with their score so far.
  for (let e = 0; e < episodes; e++) if (!done[e]) returns[e] = env.scores[e];
  return returns;
}

