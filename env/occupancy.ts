/**
 * How many cells each game sets on each channel of the shared layout (./layout.ts): a fact of how each game in
 * ./games draws its objects, so a model of the grid can give each channel the structure the games give it. A
 * channel that shows one paddle holds exactly one cell; Freeway's cars are one a lane, so at most one a row;
 * Space Invaders' aliens are many. test/env checks every real frame of every game against this table.
 */
import { cellIndex, GRID, type ChannelName } from './layout.ts';
import type { GameName } from './types.ts';

/**
 * - `none`: the game never draws on the channel;
 * - `one`: exactly one cell in every frame;
 * - `at-most-one`: one cell or none;
 * - `one-per-row`: at most one cell in each row;
 * - `many`: any number of cells.
 */
export const OCCUPANCIES = ['none', 'one', 'at-most-one', 'one-per-row', 'many'] as const;
export type Occupancy = (typeof OCCUPANCIES)[number];

export const GAME_OCCUPANCY: Record<GameName, Record<ChannelName, Occupancy>> = {
  // paddle, ball, its last cell; the bricks
  breakout: { player: 'one', player_shot: 'one', enemy: 'none', enemy_shot: 'none', bonus: 'many', trail: 'at-most-one', meter: 'none' },
  // the runner; one object a lane, an enemy or gold, with its last cell
  asterix: { player: 'one', player_shot: 'none', enemy: 'one-per-row', enemy_shot: 'none', bonus: 'one-per-row', trail: 'one-per-row', meter: 'none' },
  // the chicken; one car a lane with its last cell
  freeway: { player: 'one', player_shot: 'none', enemy: 'one-per-row', enemy_shot: 'none', bonus: 'none', trail: 'one-per-row', meter: 'none' },
  // the cannon and its one shot; rows of aliens (and the cells they left) and of bombs
  'space-invaders': { player: 'one', player_shot: 'at-most-one', enemy: 'many', enemy_shot: 'many', bonus: 'none', trail: 'many', meter: 'none' },
  // the submarine and its torpedo; one enemy, one enemy torpedo, one diver a lane; the stern shares a row's trail
  // with the fish's and the diver's, the carried divers share the gauge row with the oxygen meter
  seaquest: { player: 'one', player_shot: 'at-most-one', enemy: 'one-per-row', enemy_shot: 'one-per-row', bonus: 'many', trail: 'many', meter: 'many' },
};

/** Whether channel `channel` of the observation at `at` has `occupancy`. */
export function hasOccupancy(occupancy: Occupancy, observation: Uint8Array, at: number, channel: number): boolean {
  const rows = Array.from({ length: GRID }, (_, y) => {
    let cells = 0;
    for (let x = 0; x < GRID; x++) cells += observation[at + cellIndex(x, y, channel)];
    return cells;
  });
  const total = rows.reduce((a, b) => a + b, 0);
  switch (occupancy) {
    case 'none':
      return total === 0;
    case 'one':
      return total === 1;
    case 'at-most-one':
      return total <= 1;
    case 'one-per-row':
      return rows.every((r) => r <= 1);
    case 'many':
      return true;
  }
}
