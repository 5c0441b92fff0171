import { describe, expect, it } from 'vitest';
import { CHICKEN_X, EPISODE_STEPS, Freeway, LANES } from '../../env/games/freeway.ts';
import { ENEMY, PLAYER } from '../../env/layout.ts';
import { DOWN, NOOP, UP } from '../../env/types.ts';
import { cellsOf, OPTIONS } from './helpers.ts';

function game(ramping = false, trafficSpeed = 1): Freeway {
  const g = new Freeway(1, { ...OPTIONS, ramping }, { trafficSpeed });
  g.reset(0);
  return g;
}

/** Parks every car far from the chicken's column and slows it right down. */
function clearRoad(g: Freeway): void {
  for (let lane = 0; lane < LANES; lane++) {
    g.carX[lane] = 0;
    g.carPeriod[lane] = 200;
    g.carTimer[lane] = 200;
  }
}

describe('freeway', () => {
  it('starts the chicken at the bottom with one car in each of the eight lanes', () => {
    const g = game();
    expect(cellsOf(g.observations, PLAYER)).toEqual([`${CHICKEN_X},9`]);
    const cars = cellsOf(g.observations, ENEMY).map((c) => Number(c.split(',')[1]));
    expect(cars.sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('lets the chicken move at most once every three steps', () => {
    const g = game();
    clearRoad(g);
    const rows: number[] = [];
    for (let t = 0; t < 9; t++) {
      g.step([UP]);
      rows.push(g.chickenY[0]);
    }
    expect(rows).toEqual([8, 8, 8, 7, 7, 7, 6, 6, 6]);
    g.step([DOWN]);
    expect(g.chickenY[0]).toBe(7);
  });

  it('scores +1 for reaching the top and restarts the chicken at the bottom', () => {
    const g = game();
    clearRoad(g);
    g.chickenY[0] = 1;
    g.step([UP]);
    expect(g.rewards[0]).toBe(1);
    expect(g.chickenY[0]).toBe(9);
  });

  it('sends the chicken back to the bottom when a car hits it', () => {
    const g = game();
    clearRoad(g);
    g.chickenY[0] = 5; // lane 4, cars drive right
    g.carX[4] = CHICKEN_X - 1;
    g.carPeriod[4] = 1;
    g.carTimer[4] = 1;
    g.step([NOOP]);
    expect(g.chickenY[0]).toBe(9);
    expect(g.rewards[0]).toBe(0);
  });

  it('drives lanes 1–4 left and 5–8 right, wrapping around the edges', () => {
    const g = game();
    for (let lane = 0; lane < LANES; lane++) {
      g.carX[lane] = lane < 4 ? 0 : 9;
      g.carPeriod[lane] = 1;
      g.carTimer[lane] = 1;
    }
    g.chickenY[0] = 9;
    g.step([NOOP]);
    expect(Array.from(g.carX)).toEqual([9, 9, 9, 9, 0, 0, 0, 0]);
  });

  it('ends the game after 2500 steps as a truncation', () => {
    const g = game();
    let t = 0;
    while (g.truncated[0] === 0 && g.terminated[0] === 0) {
      g.step([NOOP]);
      t++;
    }
    expect(t).toBe(EPISODE_STEPS);
    expect(g.truncated[0]).toBe(1);
    expect(g.episodeLengths[0]).toBe(EPISODE_STEPS);
  });

  it('makes traffic faster with trafficSpeed and as crossings pile up with ramping', () => {
    const mean = (g: Freeway) => Array.from(g.carPeriod).reduce((s, p) => s + p, 0) / LANES;
    let normal = 0;
    let fast = 0;
    for (let seed = 0; seed < 20; seed++) {
      const a = game(false, 1);
      a.reset(seed);
      normal += mean(a);
      const b = game(false, 2);
      b.reset(seed);
      fast += mean(b);
    }
    expect(fast).toBeLessThan(normal * 0.7);
    const ramped = game(true);
    clearRoad(ramped);
    ramped.crossings[0] = 30;
    ramped.chickenY[0] = 1;
    ramped.step([UP]);
    expect(Math.max(...Array.from(ramped.carPeriod))).toBeLessThanOrEqual(2);
  });

  it('draws speeds from the whole range after every crossing without ramping, as MinAtar does', () => {
    const periodsAfterCrossings = (ramping: boolean) => {
      const g = game(ramping);
      g.crossings[0] = 30;
      const periods = new Set<number>();
      for (let k = 0; k < 20; k++) {
        clearRoad(g);
        g.chickenY[0] = 1;
        g.cooldown[0] = 0;
        g.step([UP]);
        expect(g.chickenY[0]).toBe(9);
        for (const p of g.carPeriod) periods.add(p);
      }
      return [...periods].sort();
    };
    expect(periodsAfterCrossings(false)).toEqual([1, 2, 3, 4, 5]);
    expect(periodsAfterCrossings(true)).toEqual([1, 2]);
  });
});
