import { describe, expect, it } from 'vitest';
import { createGame } from '../../env/games/index.ts';
import { StickyActions } from '../../env/sticky.ts';
import { LEFT, NOOP, RIGHT } from '../../env/types.ts';
import { OPTIONS } from './helpers.ts';

function sticky(probability: number, n = 1): StickyActions {
  const game = createGame({ game: 'freeway', settings: { trafficSpeed: 1 } }, n, OPTIONS);
  const env = new StickyActions(game, probability);
  env.reset(0);
  return env;
}

describe('sticky actions', () => {
  it('executes the chosen action when the probability is 0', () => {
    const env = sticky(0);
    for (let t = 0; t < 50; t++) {
      const a = t % 6;
      env.step([a]);
      expect(env.executed[0]).toBe(a);
    }
  });

  it('repeats the previous executed action about 10% of the time at p = 0.1', () => {
    const n = 64;
    const env = sticky(0.1, n);
    const actions = new Uint8Array(n);
    let repeats = 0;
    let chances = 0;
    for (let t = 0; t < 200; t++) {
      // Alternate between two actions so a repeat is visible as the other one.
      const chosen = t % 2 === 0 ? LEFT : RIGHT;
      const before = Uint8Array.from(env.executed);
      actions.fill(chosen);
      env.step(actions);
      for (let i = 0; i < n; i++) {
        if (env.terminated[i] || env.truncated[i]) continue;
        chances++;
        if (env.executed[i] !== chosen) {
          expect(env.executed[i]).toBe(before[i]);
          repeats++;
        }
      }
    }
    expect(repeats / chances).toBeGreaterThan(0.08);
    expect(repeats / chances).toBeLessThan(0.12);
  });

  it('starts each episode from no-op and is reproducible from the seed', () => {
    const a = sticky(0.5);
    const b = sticky(0.5);
    const seqA: number[] = [];
    const seqB: number[] = [];
    for (let t = 0; t < 100; t++) {
      a.step([t % 6]);
      b.step([t % 6]);
      seqA.push(a.executed[0]);
      seqB.push(b.executed[0]);
    }
    expect(seqB).toEqual(seqA);
    a.reset(0);
    expect(a.executed[0]).toBe(NOOP);
  });

  it('rejects a probability outside [0, 1)', () => {
    const game = createGame({ game: 'freeway', settings: { trafficSpeed: 1 } }, 1, OPTIONS);
    expect(() => new StickyActions(game, 1)).toThrow('sticky action probability must be in [0, 1), got 1');
  });
});
