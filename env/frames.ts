/** Frames of a task as a policy plays it: real observations to train or test a model of the grid on. */
import { OBSERVATION_SIZE } from './layout.ts';
import type { Policy } from './policies/policy.ts';
import { makeEnv } from './single.ts';

/** n consecutive observations (n × OBSERVATION_SIZE cells), episode e played from seed + e. */
export function playFrames(task: unknown, policy: Policy, n: number, seed: number): Uint8Array {
  const env = makeEnv(task);
  const out = new Uint8Array(n * OBSERVATION_SIZE);
  let episode = 0;
  const start = (): Uint8Array => {
    policy.reset(seed + episode);
    return env.reset(seed + episode++).observation;
  };
  let observation = start();
  for (let k = 0; k < n; k++) {
    out.set(observation, k * OBSERVATION_SIZE);
    const step = env.step(policy.act(observation));
    observation = step.terminated || step.truncated ? start() : step.observation;
  }
  return out;
}
