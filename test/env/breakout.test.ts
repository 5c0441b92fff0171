import { describe, expect, it } from 'vitest';
import { Breakout } from '../../env/games/breakout.ts';
import { BONUS, PLAYER, PLAYER_SHOT, TRAIL } from '../../env/layout.ts';
import { LEFT, NOOP, RIGHT } from '../../env/types.ts';
import { cellsOf, OPTIONS } from './helpers.ts';

function game(ramping = false): Breakout {
  const g = new Breakout(1, { ...OPTIONS, ramping }, { brickRows: 3 });
  g.reset(0);
  return g;
}

function place(g: Breakout, x: number, y: number, dx: number, dy: number): void {
  g.ballX[0] = x;
  g.ballY[0] = y;
  g.ballDx[0] = dx;
  g.ballDy[0] = dy;
}

describe('breakout', () => {
  it('starts with three full rows of bricks, one paddle cell on the bottom row, and the ball falling', () => {
    const g = game();
    expect(cellsOf(g.observations, BONUS)).toHaveLength(30);
    expect(cellsOf(g.observations, PLAYER)).toEqual(['5,9']);
    expect(g.ballDy[0]).toBe(1);
    expect(g.ballY[0]).toBe(4);
  });

  it('keeps exactly one paddle cell, always on the bottom row, moving one cell per left/right', () => {
    const g = game();
    const actions = [LEFT, LEFT, RIGHT, NOOP, LEFT, LEFT, LEFT, LEFT, LEFT, LEFT, LEFT, RIGHT];
    let expected = 5;
    for (const a of actions) {
      g.ballY[0] = 5; // keep the ball in play
      g.step([a]);
      expected = Math.min(9, Math.max(0, expected + (a === LEFT ? -1 : a === RIGHT ? 1 : 0)));
      expect(cellsOf(g.observations, PLAYER)).toEqual([`${expected},9`]);
    }
  });

  it('moves the ball one cell diagonally per step and shows where it came from on the trail channel', () => {
    const g = game();
    place(g, 4, 5, 1, 1);
    g.step([NOOP]);
    expect(cellsOf(g.observations, PLAYER_SHOT)).toEqual(['5,6']);
    expect(cellsOf(g.observations, TRAIL)).toEqual(['4,5']);
  });

  it('bounces off the side walls and the top wall', () => {
    const g = game();
    g.bricks[0] = 0;
    place(g, 9, 5, 1, -1);
    g.step([NOOP]);
    expect([g.ballX[0], g.ballY[0], g.ballDx[0]]).toEqual([8, 4, -1]);
    place(g, 3, 0, 1, -1);
    g.step([NOOP]);
    expect([g.ballX[0], g.ballY[0], g.ballDy[0]]).toEqual([4, 1, 1]);
  });

  it('breaks a brick for +1 and turns the ball back', () => {
    const g = game();
    place(g, 4, 4, 1, -1);
    g.step([NOOP]);
    expect(g.rewards[0]).toBe(1);
    expect(g.isBrick(0, 5, 3)).toBe(false);
    expect(cellsOf(g.observations, BONUS)).toHaveLength(29);
    expect(g.ballDy[0]).toBe(1);
  });

  it('bounces off the paddle: onwards when landing on it, back the way it came when clipping its edge', () => {
    const g = game();
    place(g, 3, 8, 1, 1);
    g.paddle[0] = 4;
    g.step([NOOP]);
    expect(g.terminated[0]).toBe(0);
    expect([g.ballX[0], g.ballY[0], g.ballDx[0], g.ballDy[0]]).toEqual([4, 8, 1, -1]);
    place(g, 3, 8, 1, 1);
    g.paddle[0] = 3;
    g.step([NOOP]);
    expect(g.terminated[0]).toBe(0);
    expect([g.ballX[0], g.ballY[0], g.ballDx[0], g.ballDy[0]]).toEqual([3, 8, -1, -1]);
  });

  it('ends the episode when the ball reaches the bottom row, with the ball drawn there in the final frame', () => {
    const g = game();
    place(g, 3, 8, 1, 1);
    g.paddle[0] = 8;
    g.step([NOOP]);
    expect(g.terminated[0]).toBe(1);
    expect(cellsOf(g.finalObservations, PLAYER_SHOT)).toEqual(['4,9']);
    // Same-step autoreset: the observation already shows the next episode.
    expect(cellsOf(g.observations, BONUS)).toHaveLength(30);
  });

  it('rebuilds the wall when the last brick breaks, one row lower with ramping, never on the ball', () => {
    for (const ramping of [false, true]) {
      const g = game(ramping);
      g.bricks[0] = 1 << 25; // one brick left, at (5, 3)
      place(g, 4, 4, 1, -1);
      g.step([NOOP]);
      expect(g.rewards[0]).toBe(1);
      expect([g.ballX[0], g.ballY[0]]).toEqual([5, 4]);
      expect(g.wallTop[0]).toBe(ramping ? 2 : 1);
      // With ramping the wall spans rows 2–4 and the ball sits at (5, 4): that cell stays empty.
      expect(cellsOf(g.observations, BONUS)).toHaveLength(ramping ? 29 : 30);
      expect(g.isBrick(0, 5, 4)).toBe(false);
    }
  });
});
