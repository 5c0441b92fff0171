import { describe, expect, it } from 'vitest';
import { RandomPolicy } from '../../env/policies/random.ts';
import { recordEpisode, TrajectoryHash } from '../../env/recording.ts';
import { makeEnv } from '../../env/single.ts';
import { resolveTask } from '../../env/task.ts';
import { GAMES } from '../../env/types.ts';

/** Hash of `steps` steps (across episode ends) of a task from a seed, with actions from a fixed formula. */
function trajectoryHash(task: string, seed: number, steps = 500): string {
  const env = makeEnv(task);
  const hash = new TrajectoryHash();
  hash.observation(env.reset(seed).observation);
  for (let t = 0; t < steps; t++) {
    const action = (t * 5 + (t >> 3)) % 6;
    const result = env.step(action);
    hash.step(action, result);
    if (result.terminated || result.truncated) hash.observation(env.reset().observation);
  }
  return hash.hex();
}

describe('determinism', () => {
  it('gives the same trajectory hash for the same task, seed and actions, and a different one for another seed', () => {
    for (const game of GAMES) {
      const a = trajectoryHash(game, 42);
      expect(trajectoryHash(game, 42)).toBe(a);
      expect(trajectoryHash(game, 43)).not.toBe(a);
    }
  });

  it('records the same episode twice from the same seed', () => {
    for (const game of GAMES) {
      const task = resolveTask(game);
      const first = recordEpisode(task, 9, new RandomPolicy(1));
      const second = recordEpisode(task, 9, new RandomPolicy(1));
      expect(second).toEqual(first);
    }
  });
});
