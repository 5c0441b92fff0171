/** The occupancy table is what the games draw: every frame of every game, scripted and random play, obeys it. */
import { describe, expect, it } from 'vitest';
import { playFrames } from '../../env/frames.ts';
import { CHANNELS, OBSERVATION_SIZE } from '../../env/layout.ts';
import { GAME_OCCUPANCY, hasOccupancy } from '../../env/occupancy.ts';
import { EpsilonPolicy } from '../../env/policies/epsilon.ts';
import { ScriptedPolicy } from '../../env/policies/scripted.ts';
import { GAMES } from '../../env/types.ts';

describe('channel occupancy', () => {
  it.each(GAMES)('%s: every frame has the occupancy its table gives each channel', (game) => {
    const n = 1500;
    const frames = playFrames(game, new EpsilonPolicy(new ScriptedPolicy(game), 0.3), n, 7);
    CHANNELS.forEach((name, c) => {
      const occupancy = GAME_OCCUPANCY[game][name];
      let broken = 0;
      for (let k = 0; k < n; k++) if (!hasOccupancy(occupancy, frames, k * OBSERVATION_SIZE, c)) broken++;
      expect(broken, `${game} ${name} (${occupancy})`).toBe(0);
    });
  });

  it('tells the occupancies apart on hand-made channels', () => {
    const frame = new Uint8Array(OBSERVATION_SIZE);
    expect(hasOccupancy('none', frame, 0, 0)).toBe(true);
    expect(hasOccupancy('one', frame, 0, 0)).toBe(false);
    expect(hasOccupancy('at-most-one', frame, 0, 0)).toBe(true);
    frame[0] = 1; // (0, 0)
    expect(hasOccupancy('one', frame, 0, 0)).toBe(true);
    expect(hasOccupancy('none', frame, 0, 0)).toBe(false);
    frame[7] = 1; // (1, 0): a second cell in row 0
    expect(hasOccupancy('at-most-one', frame, 0, 0)).toBe(false);
    expect(hasOccupancy('one-per-row', frame, 0, 0)).toBe(false);
    frame[7] = 0;
    frame[70] = 1; // (0, 1): one cell in each of two rows
    expect(hasOccupancy('one-per-row', frame, 0, 0)).toBe(true);
    expect(hasOccupancy('at-most-one', frame, 0, 0)).toBe(false);
    expect(hasOccupancy('many', frame, 0, 0)).toBe(true);
  });
});
