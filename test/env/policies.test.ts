import { describe, expect, it } from 'vitest';
import { RandomPolicy } from '../../env/policies/random.ts';
import { ScriptedPolicy } from '../../env/policies/scripted.ts';
import { scorePolicy } from '../../env/score.ts';
import { resolveTask } from '../../env/task.ts';
import { GAMES } from '../../env/types.ts';

describe('reference policies', () => {
  it('score the scripted policy far above the random one on every game', () => {
    for (const game of GAMES) {
      // Short episodes keep the test fast; the scripted player still scores many times more.
      const task = resolveTask({ game, maxEpisodeSteps: 1000 });
      const random = scorePolicy(task, new RandomPolicy(), 8, 0);
      const scripted = scorePolicy(task, new ScriptedPolicy(game), 8, 0);
      expect(scripted.mean, game).toBeGreaterThan(3 * random.mean + 5);
    }
  });

  it('summarises returns as mean, std, min and max', () => {
    const score = scorePolicy(resolveTask('asterix'), new RandomPolicy(), 5, 0);
    expect(score.returns).toHaveLength(5);
    expect(score.min).toBe(Math.min(...score.returns));
    expect(score.max).toBe(Math.max(...score.returns));
    expect(score.mean).toBeCloseTo(score.returns.reduce((a, b) => a + b, 0) / 5);
    expect(() => scorePolicy(resolveTask('asterix'), new RandomPolicy(), 0, 0)).toThrow('episodes must be a positive integer, got 0');
  });
});
