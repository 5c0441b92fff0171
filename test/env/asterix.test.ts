import { describe, expect, it } from 'vitest';
import { Asterix, LANES } from '../../env/games/asterix.ts';
import { BONUS, ENEMY, PLAYER, TRAIL } from '../../env/layout.ts';
import { DOWN, LEFT, NOOP, RIGHT, UP } from '../../env/types.ts';
import { cellsOf, OPTIONS } from './helpers.ts';

function game(ramping = false): Asterix {
  const g = new Asterix(1, { ...OPTIONS, ramping }, { spawnPeriod: 8, movePeriod: 4, goldChance: 1 / 3 });
  g.reset(0);
  return g;
}

function put(g: Asterix, lane: number, x: number, dx: number, gold: boolean): void {
  g.objectX[lane] = x;
  g.objectDx[lane] = dx;
  g.objectGold[lane] = gold ? 1 : 0;
}

describe('asterix', () => {
  it('moves the runner one cell in four directions, within rows 1–8', () => {
    const g = game();
    const moves: [number, string][] = [
      [UP, '5,4'],
      [LEFT, '4,4'],
      [DOWN, '4,5'],
      [RIGHT, '5,5'],
      [NOOP, '5,5'],
    ];
    for (const [action, cell] of moves) {
      g.spawnTimer[0] = 100; // keep the lanes empty
      g.step([action]);
      expect(cellsOf(g.observations, PLAYER)).toEqual([cell]);
    }
    for (let k = 0; k < 10; k++) {
      g.spawnTimer[0] = 100;
      g.step([UP]);
    }
    expect(g.playerY[0]).toBe(1);
  });

  it('scores +1 for gold and removes it', () => {
    const g = game();
    put(g, 4, 6, -1, true); // lane 4 is row 5, the runner's row
    g.step([RIGHT]);
    expect(g.rewards[0]).toBe(1);
    expect(g.objectX[4]).toBe(-1);
    expect(g.terminated[0]).toBe(0);
  });

  it('ends the episode when the runner touches an enemy', () => {
    const g = game();
    put(g, 4, 6, -1, false);
    g.step([RIGHT]);
    expect(g.terminated[0]).toBe(1);
    expect(g.rewards[0]).toBe(0);
  });

  it('brings objects in from the side edges and moves them across their lane, leaving a trail', () => {
    const g = game();
    let arrivals = 0;
    for (let t = 0; t < 400; t++) {
      const before = Array.from(g.objectX);
      g.playerY[0] = 1;
      g.playerX[0] = 0;
      g.objectX[0] = -1; // keep the runner's lane clear
      g.step([NOOP]);
      for (let lane = 1; lane < LANES; lane++) {
        const after = g.objectX[lane];
        const moved = before[lane] >= 0 && after >= 0 && Math.abs(after - before[lane]) === 1;
        if (after >= 0 && after !== before[lane] && !moved) {
          arrivals++;
          expect([0, 9]).toContain(g.objectX[lane]);
          expect(g.objectDx[lane]).toBe(g.objectX[lane] === 0 ? 1 : -1);
        } else if (moved) {
          expect(g.objectX[lane] - before[lane]).toBe(g.objectDx[lane]);
          expect(cellsOf(g.observations, TRAIL)).toContain(`${before[lane]},${lane + 1}`);
        }
      }
    }
    expect(arrivals).toBeGreaterThan(20);
    expect(cellsOf(g.observations, ENEMY).length + cellsOf(g.observations, BONUS).length).toBeGreaterThan(0);
  });

  it('ramps up: objects come more often and move faster as the episode goes on', () => {
    const g = game(true);
    for (let t = 0; t < 600; t++) {
      g.playerY[0] = 1;
      g.objectX[0] = -1;
      g.step([NOOP]);
    }
    expect(g.spawnPeriod[0]).toBe(5);
    expect(g.movePeriod[0]).toBe(1);
    const flat = game(false);
    for (let t = 0; t < 600; t++) {
      flat.playerY[0] = 1;
      flat.objectX[0] = -1;
      flat.step([NOOP]);
    }
    expect([flat.spawnPeriod[0], flat.movePeriod[0]]).toEqual([8, 4]);
  });
});
