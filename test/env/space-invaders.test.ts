import { describe, expect, it } from 'vitest';
import { ALIEN_COLUMNS, ALIEN_ROWS, SpaceInvaders } from '../../env/games/space-invaders.ts';
import { ENEMY, ENEMY_SHOT, PLAYER, PLAYER_SHOT } from '../../env/layout.ts';
import { FIRE, LEFT, NOOP } from '../../env/types.ts';
import { cellsOf, OPTIONS } from './helpers.ts';

function game(ramping = false): SpaceInvaders {
  const g = new SpaceInvaders(1, { ...OPTIONS, ramping }, { bombPeriod: 200 });
  g.reset(0);
  return g;
}

const rowsOf = (g: SpaceInvaders) => Array.from(g.aliens.subarray(0, 10));

describe('space invaders', () => {
  it('starts with a 4 × 6 block of aliens at the top and the cannon on the bottom row', () => {
    const g = game();
    expect(cellsOf(g.observations, ENEMY)).toHaveLength(ALIEN_ROWS * ALIEN_COLUMNS);
    expect(cellsOf(g.observations, PLAYER)).toEqual(['5,9']);
  });

  it('sweeps the block sideways, steps it down one row at the edge and turns it around', () => {
    const g = game();
    const moves: string[] = [];
    let last = rowsOf(g);
    for (let t = 0; t < 200 && moves.length < 7; t++) {
      g.bombs.fill(0);
      g.step([NOOP]);
      const now = rowsOf(g);
      if (now.join() === last.join()) continue;
      const columns = (rows: number[]) => rows.reduce((a, r) => a | r, 0);
      if (now.slice(1).join() === last.slice(0, 9).join()) moves.push('down');
      else if (columns(now) === columns(last) << 1) moves.push('right');
      else if (columns(now) === columns(last) >> 1) moves.push('left');
      else moves.push('other');
      last = now;
    }
    expect(moves).toEqual(['right', 'right', 'right', 'right', 'down', 'left', 'left']);
  });

  it('fires one shot at a time that climbs a cell per step and kills an alien for +1', () => {
    const g = game();
    g.step([FIRE]);
    expect(cellsOf(g.observations, PLAYER_SHOT)).toEqual(['5,8']);
    g.step([FIRE]);
    expect(cellsOf(g.observations, PLAYER_SHOT)).toEqual(['5,7']);
    let reward = 0;
    for (let t = 0; t < 10 && reward === 0; t++) {
      g.step([NOOP]);
      reward = g.rewards[0];
    }
    expect(reward).toBe(1);
    expect(g.alienCount[0]).toBe(ALIEN_ROWS * ALIEN_COLUMNS - 1);
    expect(cellsOf(g.observations, ENEMY)).toHaveLength(ALIEN_ROWS * ALIEN_COLUMNS - 1);
  });

  it('speeds the block up as it thins out', () => {
    const g = game();
    const full = g.alienPeriod(0);
    g.aliens.fill(0);
    g.aliens[0] = 1;
    g.alienCount[0] = 1;
    expect(g.alienPeriod(0)).toBeLessThan(full);
    expect(g.alienPeriod(0)).toBe(1);
  });

  it('ends the episode when a bomb reaches the cannon', () => {
    const g = game();
    g.bombs[8] = 1 << 4;
    g.step([LEFT]); // the cannon moves from 5 to 4 and the bomb falls onto it
    expect(g.terminated[0]).toBe(1);
  });

  it('drops bombs below the lowest alien of a column', () => {
    const g = new SpaceInvaders(1, OPTIONS, { bombPeriod: 3 });
    g.reset(0);
    g.step([NOOP]);
    g.step([NOOP]);
    g.step([NOOP]);
    const bombs = cellsOf(g.observations, ENEMY_SHOT);
    expect(bombs).toHaveLength(1);
    const [x, y] = bombs[0].split(',').map(Number);
    expect(y).toBe(ALIEN_ROWS);
    expect(g.aliens[y - 1] & (1 << x)).not.toBe(0);
  });

  it('ends the episode when the aliens reach the bottom row', () => {
    const g = game();
    g.aliens.fill(0);
    g.aliens[8] = 0b11;
    g.alienCount[0] = 2;
    g.alienDx[0] = -1; // at the left edge: the next move is down
    g.alienTimer[0] = 1;
    g.step([NOOP]);
    expect(g.terminated[0]).toBe(1);
  });

  it('brings a new, faster block (with ramping) when the last alien falls', () => {
    const g = game(true);
    const first = g.alienPeriod(0);
    g.aliens.fill(0);
    g.aliens[8] = 1 << 5;
    g.alienCount[0] = 1;
    g.step([FIRE]);
    expect(g.rewards[0]).toBe(1);
    expect(g.waves[0]).toBe(1);
    expect(cellsOf(g.observations, ENEMY)).toHaveLength(ALIEN_ROWS * ALIEN_COLUMNS);
    expect(g.alienPeriod(0)).toBe(first - 1);
  });
});
