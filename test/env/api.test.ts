import { describe, expect, it } from 'vitest';
import { CHANNEL_COUNT, CHANNELS, OBSERVATION_SIZE } from '../../env/layout.ts';
import { makeEnv } from '../../env/single.ts';
import { createVectorEnv, resolveTask } from '../../env/task.ts';
import { ACTIONS, GAMES } from '../../env/types.ts';

/** Byte equality without a deep-equal per step (thousands of them would make the test slow). */
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;

describe('environment API', () => {
  it('describes its spaces: 10 × 10 × 7 uint8 observations and 6 discrete actions, batched for N copies', () => {
    const env = makeEnv('breakout');
    expect(env.observationSpace).toMatchObject({ kind: 'box', shape: [10, 10, CHANNEL_COUNT], dtype: 'uint8', low: 0, high: 1 });
    expect(env.actionSpace).toEqual({ kind: 'discrete', n: ACTIONS.length });
    expect(env.channels).toEqual(CHANNELS);
    const vec = createVectorEnv(resolveTask('asterix'), 4);
    expect(vec.observationSpace.shape).toEqual([4, 10, 10, CHANNEL_COUNT]);
    expect(vec.actionSpace).toMatchObject({ kind: 'multi-discrete', shape: [4], n: 6 });
    expect(vec.observations).toHaveLength(4 * OBSERVATION_SIZE);
  });

  it('returns binary observations, a reward, end flags and info with task, score and frame', () => {
    for (const game of GAMES) {
      const env = makeEnv(game);
      const { observation, info } = env.reset(3);
      expect(info).toEqual({ task: game, game, score: 0, frame: 0 });
      expect(observation.every((v) => v === 0 || v === 1)).toBe(true);
      const result = env.step(0);
      expect(result.info.frame).toBe(1);
      expect(result.observation).toHaveLength(OBSERVATION_SIZE);
      expect(typeof result.reward).toBe('number');
      expect(env.render()).toEqual(result.observation);
    }
  });

  it('rejects bad actions, and stepping before reset or after the end, with clear errors', () => {
    const env = makeEnv('freeway');
    expect(() => env.step(0)).toThrow('call reset() before step()');
    env.reset(0);
    expect(() => env.step(6)).toThrow('action must be an integer in [0, 5] (0 noop, 1 left, 2 up, 3 right, 4 down, 5 fire), got 6');
    expect(() => env.step(1.5)).toThrow('got 1.5');
    expect(() => env.step(-1)).toThrow('got -1');
    const vec = createVectorEnv(resolveTask('freeway'), 3);
    expect(() => vec.step([0, 0, 0])).toThrow('call reset() before step()');
    vec.reset(0);
    expect(() => vec.step([0, 0])).toThrow('expected 3 actions (one per copy), got 2');
    expect(() => vec.step([0, 9, 0])).toThrow('action for copy 1 must be an integer in [0, 5]');
    const breakout = makeEnv({ game: 'breakout', stickyActions: 0 });
    breakout.reset(0);
    let done = false;
    while (!done) {
      const r = breakout.step(0);
      done = r.terminated || r.truncated;
    }
    expect(() => breakout.step(0)).toThrow('the episode is over');
  });

  it('steps copy i of a vectorised env exactly as a single env seeded with seed + i', () => {
    for (const game of GAMES) {
      const n = 3;
      const vec = createVectorEnv(resolveTask(game), n);
      vec.reset(10);
      const singles = Array.from({ length: n }, (_, i) => {
        const env = makeEnv(game);
        env.reset(10 + i);
        return env;
      });
      const actions = new Uint8Array(n);
      for (let t = 0; t < 300; t++) {
        for (let i = 0; i < n; i++) actions[i] = (t * 7 + i * 3) % 6;
        vec.step(actions);
        for (let i = 0; i < n; i++) {
          const r = singles[i].step(actions[i]);
          const ended = r.terminated || r.truncated;
          expect(vec.rewards[i]).toBe(r.reward);
          expect(vec.terminated[i] === 1).toBe(r.terminated);
          const source = ended ? vec.finalObservations : vec.observations;
          expect(same(source.subarray(i * OBSERVATION_SIZE, (i + 1) * OBSERVATION_SIZE), r.observation)).toBe(true);
          if (ended) {
            expect(vec.episodeReturns[i]).toBe(r.info.score);
            // The vector env started the next episode itself; the single env continues its generator on reset().
            singles[i].reset();
            expect(same(vec.observations.subarray(i * OBSERVATION_SIZE, (i + 1) * OBSERVATION_SIZE), singles[i].render())).toBe(true);
          }
        }
      }
    }
  });

  it('resets the running score and frame of a copy whose episode ended, keeping the finished return', () => {
    const vec = createVectorEnv(resolveTask({ game: 'breakout', stickyActions: 0 }), 1);
    vec.reset(0);
    let steps = 0;
    while (vec.terminated[0] === 0) {
      vec.step([0]);
      steps++;
    }
    expect(vec.episodeLengths[0]).toBe(steps);
    expect(vec.frames[0]).toBe(0);
    expect(vec.scores[0]).toBe(0);
  });
});
