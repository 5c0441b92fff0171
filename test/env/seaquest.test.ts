import { describe, expect, it } from 'vitest';
import { GAUGE_ROW, MAX_DIVERS, Seaquest } from '../../env/games/seaquest.ts';
import { BONUS, METER, PLAYER, PLAYER_SHOT, TRAIL } from '../../env/layout.ts';
import { DOWN, FIRE, LEFT, NOOP, RIGHT, UP } from '../../env/types.ts';
import { cellsOf, OPTIONS } from './helpers.ts';

function game(ramping = false, oxygen = 160): Seaquest {
  const g = new Seaquest(1, { ...OPTIONS, ramping }, { oxygen });
  g.reset(0);
  return g;
}

/** Keeps the lanes empty: no arrivals for a long while. */
function calm(g: Seaquest): void {
  g.spawnTimer[0] = 200;
  g.diverTimer[0] = 200;
}

describe('seaquest', () => {
  it('starts at the surface with a full oxygen gauge on the bottom row', () => {
    const g = game();
    expect(cellsOf(g.observations, PLAYER)).toEqual(['5,0']);
    expect(cellsOf(g.observations, METER)).toHaveLength(10);
    expect(cellsOf(g.observations, METER).every((c) => c.endsWith(`,${GAUGE_ROW}`))).toBe(true);
  });

  it('drains oxygen under water, shows it on the gauge, and ends the episode when it runs out', () => {
    const g = game(false, 40);
    calm(g);
    g.step([DOWN]);
    expect(g.oxygen[0]).toBe(39);
    let steps = 1;
    while (g.terminated[0] === 0) {
      calm(g);
      g.step([NOOP]);
      steps++;
      if (g.terminated[0] === 0) expect(cellsOf(g.observations, METER)).toHaveLength(Math.ceil((g.oxygen[0] * 10) / 40));
    }
    expect(steps).toBe(40);
  });

  it('ends the episode on surfacing with no divers', () => {
    const g = game();
    calm(g);
    g.step([DOWN]);
    g.step([UP]);
    expect(g.terminated[0]).toBe(1);
  });

  it('refills oxygen and uses one diver on surfacing with some; six divers give a bonus', () => {
    const g = game();
    calm(g);
    g.step([DOWN]);
    g.oxygen[0] = 10;
    g.divers[0] = 2;
    g.step([UP]);
    expect(g.terminated[0]).toBe(0);
    expect(g.oxygen[0]).toBe(160);
    expect(g.divers[0]).toBe(1);
    expect(g.rewards[0]).toBe(0);
    g.step([DOWN]);
    g.divers[0] = MAX_DIVERS;
    g.step([UP]);
    expect(g.rewards[0]).toBe(MAX_DIVERS);
    expect(g.divers[0]).toBe(0);
  });

  it('picks up a diver on touch and shows the divers carried on the gauge row', () => {
    const g = game();
    calm(g);
    g.step([DOWN]);
    g.diverX[0] = 6;
    g.diverDx[0] = -1;
    g.step([RIGHT]);
    expect(g.divers[0]).toBe(1);
    expect(cellsOf(g.observations, BONUS)).toEqual([`0,${GAUGE_ROW}`]);
  });

  it('torpedoes an enemy for +1, firing the way the submarine faces', () => {
    const g = game();
    calm(g);
    g.step([DOWN]);
    g.step([LEFT]); // face left, at column 4
    expect(cellsOf(g.observations, TRAIL)).toEqual(['5,1']); // the stern shows the facing
    g.enemyX[0] = 1;
    g.enemyDx[0] = 1;
    g.enemyIsSub[0] = 0;
    g.step([FIRE]);
    expect(cellsOf(g.observations, PLAYER_SHOT)).toEqual(['3,1']);
    let reward = 0;
    for (let t = 0; t < 3 && reward === 0; t++) {
      g.step([NOOP]);
      reward = g.rewards[0];
    }
    expect(reward).toBe(1);
    expect(g.enemyX[0]).toBe(-1);
  });

  it('ends the episode when an enemy or an enemy torpedo reaches the submarine', () => {
    const g = game();
    calm(g);
    g.step([DOWN]);
    g.enemyX[0] = 6;
    g.enemyDx[0] = -1;
    g.step([RIGHT]);
    expect(g.terminated[0]).toBe(1);
    const h = game();
    calm(h);
    h.step([DOWN]);
    h.enemyShotX[0] = 6;
    h.enemyShotDx[0] = -1;
    h.step([NOOP]);
    expect(h.terminated[0]).toBe(1);
  });

  it('gets harder with each surfacing when ramping', () => {
    const g = game(true);
    const before = g.fishPeriod(0);
    g.surfacings[0] = 6;
    expect(g.fishPeriod(0)).toBeLessThan(before);
    const flat = game(false);
    flat.surfacings[0] = 6;
    expect(flat.fishPeriod(0)).toBe(before);
  });
});
