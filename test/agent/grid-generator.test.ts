/** The grid VAE as the agent's generator: its structure comes from the games, its configs are the preset's. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAgentConfig } from '../../agent/config.ts';
import { gridOccupancy } from '../../agent/grid-generator.ts';
import { agentPreset } from '../../agent/presets.ts';

describe('grid VAE occupancy', () => {
  it('is per channel the union of how the schedule\'s games occupy it, none dropped beside what may be empty anyway', () => {
    // player: paddle, chicken, cannon; player_shot: the ball always, no shot in Freeway, at most one in Space
    // Invaders; enemy: Freeway's cars one a lane, aliens many; enemy_shot: bombs; bonus: bricks; trail: the ball's,
    // one a lane, the aliens'; meter: none (env/occupancy.ts).
    expect(gridOccupancy(['breakout', 'freeway', 'space-invaders'])).toEqual([
      ['one'],
      ['one', 'at-most-one'],
      ['one-per-row', 'many'],
      ['many'],
      ['many'],
      ['at-most-one', 'one-per-row', 'many'],
      ['none'],
    ]);
    // A channel one game always draws once and another never draws keeps both: Breakout's ball, Freeway's none.
    expect(gridOccupancy(['breakout', 'freeway'])[1]).toEqual(['one', 'none']);
  });

  it("the chosen development configs are the full preset's own settings (GR, seed 101, 100 evaluation episodes; its scholar then at 5 000 iterations)", () => {
    for (const schedule of ['three-games', 'three-games-from-freeway', 'three-games-from-space-invaders']) {
      const file = `docs/results/rl/configs/dev-policy-grid-vae-${schedule}.json`;
      const committed = parseAgentConfig(JSON.parse(readFileSync(file, 'utf8')), file);
      // 100 evaluation episodes are not the preset's 30: a custom config based on it (agent/presets.ts, labelPreset).
      // The scholar's 15 000 iterations were chosen later, on development seeds 102-103 (agent/presets.ts).
      expect(committed).toEqual(agentPreset('full', { schedule, arms: ['gr'], seed: 101, evaluationEpisodes: 100, iterations: 5_000 }));
      expect(agentPreset('full', { schedule }).scholar.iterations).toBe(15_000);
      expect(committed).toMatchObject({ preset: 'custom', basedOn: 'full' });
      expect(committed.generator.model.kind).toBe('grid-vae');
      expect(committed.scholar.loss).toEqual({ kind: 'policy', temperature: 0.01 });
      // The MLP VAE is still there for the asking: the development runs before the choice.
      expect(agentPreset('full', { schedule, generator: 'vae' }).generator.model.kind).toBe('vae');
    }
  });
});
