/** Returns of a policy over many episodes of a task: the numbers scores are normalised by. */
import type { Policy } from './policies/policy.ts';
import { makeEnv } from './single.ts';
import type { Task } from './task.ts';

export interface PolicyScore {
  readonly policy: string;
  readonly episodes: number;
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
  /** Mean episode length in steps. */
  readonly meanLength: number;
  readonly returns: readonly number[];
}

/** Plays `episodes` episodes, episode e from seed `seed + e` (the policy is reset with the same seed). */
export function scorePolicy(task: Task, policy: Policy, episodes: number, seed: number): PolicyScore {
  if (!Number.isInteger(episodes) || episodes < 1) throw new Error(`episodes must be a positive integer, got ${episodes}`);
  const env = makeEnv(task);
  const returns: number[] = [];
  let steps = 0;
  for (let e = 0; e < episodes; e++) {
    const episodeSeed = (seed + e) >>> 0;
    policy.reset(episodeSeed);
    let { observation } = env.reset(episodeSeed);
    for (;;) {
      const result = env.step(policy.act(observation));
      observation = result.observation;
      if (result.terminated || result.truncated) {
        returns.push(result.info.score);
        steps += result.info.frame;
        break;
      }
    }
  }
  const mean = returns.reduce((s, r) => s + r, 0) / episodes;
  const std = Math.sqrt(returns.reduce((s, r) => s + (r - mean) ** 2, 0) / episodes);
  return {
    policy: policy.name,
    episodes,
    mean,
    std,
    min: Math.min(...returns),
    max: Math.max(...returns),
    meanLength: steps / episodes,
    returns,
  };
}
