/**
 * Breakout. The paddle sits on the bottom row and moves left or right. The ball moves one cell diagonally
 * per step and bounces off the side and top walls, the bricks and the paddle. +1 per brick. When the last
 * brick goes, the wall is rebuilt (three rows). The ball reaching the bottom row ends the episode.
 *
 * Bouncing, on a grid: a ball about to enter a brick breaks it and turns back vertically, sliding one cell
 * sideways if that cell is free (else it holds still for the step). At the paddle, the side it hits sets the
 * ball's direction: landing on the paddle (paddle under the ball's next cell) sends it up and onwards;
 * clipping the paddle's edge (paddle under the ball's current cell) sends it back the way it came.
 *
 * Ramping: each rebuilt wall stands one row lower (at most LOWEST_TOP), so the ball comes back sooner.
 */
import { BONUS, cellIndex, GRID, PLAYER, PLAYER_SHOT, TRAIL } from '../layout.ts';
import type { FrameRules } from '../frame-rules.ts';
import { randomInt } from '../rng.ts';
import { LEFT, RIGHT } from '../types.ts';
import type { VectorBuffers } from '../vector.ts';
import { VectorGame, type GameOptions } from './game.ts';

export interface BreakoutSettings {
  /** Rows in the brick wall (1–3: the wall is one uint32 bit mask per copy, 10 bits a row). */
  readonly brickRows: number;
}

export const BREAKOUT_DEFAULTS: BreakoutSettings = { brickRows: 3 };

const FIRST_TOP = 1;
const LOWEST_TOP = 2;
const BOTTOM = GRID - 1;

/** The ball's sideways step from column x: turned back at the side walls. */
export function bounceX(x: number, dx: number): number {
  const nx = x + dx;
  return nx < 0 || nx >= GRID ? -dx : dx;
}

/** The ball's vertical step from row y: turned down at the top wall (nothing stops it below). */
export function bounceY(y: number, dy: number): number {
  return y + dy < 0 ? 1 : dy;
}

export class Breakout extends VectorGame {
  readonly paddle: Int8Array;
  readonly ballX: Int8Array;
  readonly ballY: Int8Array;
  readonly ballDx: Int8Array;
  readonly ballDy: Int8Array;
  /** The ball's previous cell (-1: none yet). */
  readonly trailX: Int8Array;
  readonly trailY: Int8Array;
  /** Brick wall as bits: bit (row - wallTop) * 10 + x. */
  readonly bricks: Uint32Array;
  /** Row of the wall's top row. */
  readonly wallTop: Int8Array;
  private readonly fullWall: number;
  private readonly brickRows: number;

  constructor(numEnvs: number, options: GameOptions, settings: BreakoutSettings, buffers?: VectorBuffers) {
    super('breakout', numEnvs, options, buffers);
    this.brickRows = settings.brickRows;
    this.fullWall = 2 ** (settings.brickRows * GRID) - 1;
    this.paddle = new Int8Array(numEnvs);
    this.ballX = new Int8Array(numEnvs);
    this.ballY = new Int8Array(numEnvs);
    this.ballDx = new Int8Array(numEnvs);
    this.ballDy = new Int8Array(numEnvs);
    this.trailX = new Int8Array(numEnvs);
    this.trailY = new Int8Array(numEnvs);
    this.bricks = new Uint32Array(numEnvs);
    this.wallTop = new Int8Array(numEnvs);
  }

  protected begin(i: number): void {
    this.paddle[i] = GRID >> 1;
    this.bricks[i] = this.fullWall;
    this.wallTop[i] = FIRST_TOP;
    this.ballX[i] = randomInt(this.rng, i, GRID);
    this.ballY[i] = FIRST_TOP + this.brickRows;
    this.ballDx[i] = randomInt(this.rng, i, 2) === 0 ? -1 : 1;
    this.ballDy[i] = 1;
    this.trailX[i] = -1;
    this.trailY[i] = -1;
  }

  /** Whether (x, y) holds a brick. */
  isBrick(i: number, x: number, y: number): boolean {
    const row = y - this.wallTop[i];
    return row >= 0 && row < this.brickRows && (this.bricks[i] & (1 << (row * GRID + x))) !== 0;
  }

  protected advance(i: number, action: number): number {
    let paddle = this.paddle[i];
    if (action === LEFT && paddle > 0) paddle--;
    else if (action === RIGHT && paddle < GRID - 1) paddle++;
    this.paddle[i] = paddle;

    let x = this.ballX[i];
    let y = this.ballY[i];
    let dx = this.ballDx[i];
    let dy = this.ballDy[i];
    this.trailX[i] = x;
    this.trailY[i] = y;
    dx = bounceX(x, dx);
    dy = bounceY(y, dy);
    const nx = x + dx;
    const ny = y + dy;
    let reward = 0;
    if (this.isBrick(i, nx, ny)) {
      this.bricks[i] &= ~(1 << ((ny - this.wallTop[i]) * GRID + nx));
      reward = 1;
      dy = -dy;
      if (!this.isBrick(i, nx, y)) x = nx;
      if (this.bricks[i] === 0) this.rebuild(i, x, y);
    } else if (ny === BOTTOM) {
      if (paddle === nx) {
        dy = -1;
        x = nx;
      } else if (paddle === x) {
        dx = -dx;
        dy = -1;
      } else {
        x = nx;
        y = ny;
        this.terminated[i] = 1;
      }
    } else {
      x = nx;
      y = ny;
    }
    this.ballX[i] = x;
    this.ballY[i] = y;
    this.ballDx[i] = dx;
    this.ballDy[i] = dy;
    return reward;
  }

  private rebuild(i: number, ballX: number, ballY: number): void {
    if (this.ramping && this.wallTop[i] < LOWEST_TOP) this.wallTop[i]++;
    this.bricks[i] = this.fullWall;
    // Never build a brick on top of the ball.
    const row = ballY - this.wallTop[i];
    if (row >= 0 && row < this.brickRows) this.bricks[i] &= ~(1 << (row * GRID + ballX));
  }

  protected draw(i: number, obs: Uint8Array, o: number): void {
    obs[o + cellIndex(this.paddle[i], BOTTOM, PLAYER)] = 1;
    obs[o + cellIndex(this.ballX[i], this.ballY[i], PLAYER_SHOT)] = 1;
    if (this.trailX[i] >= 0) obs[o + cellIndex(this.trailX[i], this.trailY[i], TRAIL)] = 1;
    let wall = this.bricks[i];
    const top = this.wallTop[i];
    for (let bit = 0; wall !== 0; bit++, wall >>>= 1) {
      if ((wall & 1) !== 0) obs[o + cellIndex(bit % GRID, top + ((bit / GRID) | 0), BONUS)] = 1;
    }
  }
}

/**
 * The frames Breakout could show: one paddle cell on the bottom row, one ball and at most one trail cell, nothing
 * of other games. The ball is never inside a brick, and its trail is the ball's own cell or a horizontal or
 * diagonal neighbour, never straight above or below (the ball never moves only vertically).
 */
export const BREAKOUT_FRAMES: FrameRules = {
  invariants: (f) =>
    f.count('player') === 1 && f.rows('player')[0] === BOTTOM && f.count('player_shot') === 1 && f.count('trail') <= 1 && f.count('enemy') + f.count('enemy_shot') + f.count('meter') === 0,
  objectsInPlace: (f) => {
    const ball = f.rows('player_shot')[0];
    const ballX = f.columns('player_shot')[0];
    if (f.cell(ballX, ball, 'bonus')) return false;
    const trailRow = f.rows('trail');
    if (trailRow.length === 0) return true;
    const dx = Math.abs(f.columns('trail')[0] - ballX);
    const dy = Math.abs(trailRow[0] - ball);
    return dx <= 1 && dy <= 1 && !(dx === 0 && dy === 1);
  },
};
