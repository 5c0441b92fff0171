/**
 * Freeway. The chicken stands in column 4 and moves up or down, at most one cell every CHICKEN_PERIOD
 * steps, across eight lanes (rows 1–8) of traffic, one car per lane. Lanes 1–4 drive left, lanes 5–8 drive
 * right; cars wrap around the edges. Reaching row 0 scores +1 and puts the chicken back on row 9, and every
 * car's speed is drawn anew. A car hitting the chicken sends it back to row 9. The game lasts
 * EPISODE_STEPS steps; that end is reported as truncation, since no clock is visible in the observation.
 *
 * A car's speed is its period: it moves one cell every `period` steps, drawn from FASTEST..SLOWEST and
 * divided by the task's `trafficSpeed`. Ramping: every RAMP_EVERY crossings the slowest period allowed
 * drops by one (down to FASTEST + 1), so traffic gets faster as the chicken scores.
 */
import { cellIndex, ENEMY, GRID, PLAYER, TRAIL } from '../layout.ts';
import { atMostOnePerRow, type FrameRules } from '../frame-rules.ts';
import { randomInt } from '../rng.ts';
import { DOWN, UP } from '../types.ts';
import type { VectorBuffers } from '../vector.ts';
import { VectorGame, type GameOptions } from './game.ts';

export interface FreewaySettings {
  /** Multiplies every car's speed (2 = twice as fast, as far as one cell per step allows). */
  readonly trafficSpeed: number;
}

export const FREEWAY_DEFAULTS: FreewaySettings = { trafficSpeed: 1 };

export const LANES = 8;
export const CHICKEN_X = 4;
export const EPISODE_STEPS = 2500;
const CHICKEN_PERIOD = 3;
const FASTEST = 1;
const SLOWEST = 5;
const RAMP_EVERY = 10;
const START_ROW = GRID - 1;

export class Freeway extends VectorGame {
  readonly chickenY: Int8Array;
  /** Steps until the chicken may move again. */
  readonly cooldown: Uint8Array;
  readonly crossings: Uint16Array;
  /** Per lane (copy i, lane l at i * LANES + l; lane l is row l + 1). */
  readonly carX: Int8Array;
  readonly carPeriod: Uint8Array;
  readonly carTimer: Uint8Array;
  /** The car's previous column (-1: has not moved yet). */
  readonly carTrail: Int8Array;
  private readonly trafficSpeed: number;

  constructor(numEnvs: number, options: GameOptions, settings: FreewaySettings, buffers?: VectorBuffers) {
    super('freeway', numEnvs, options, buffers);
    this.trafficSpeed = settings.trafficSpeed;
    this.chickenY = new Int8Array(numEnvs);
    this.cooldown = new Uint8Array(numEnvs);
    this.crossings = new Uint16Array(numEnvs);
    this.carX = new Int8Array(numEnvs * LANES);
    this.carPeriod = new Uint8Array(numEnvs * LANES);
    this.carTimer = new Uint8Array(numEnvs * LANES);
    this.carTrail = new Int8Array(numEnvs * LANES);
  }

  /** Lanes 0–3 (rows 1–4) drive left, lanes 4–7 drive right. */
  static direction(lane: number): number {
    return lane < LANES / 2 ? -1 : 1;
  }

  protected begin(i: number): void {
    this.chickenY[i] = START_ROW;
    this.cooldown[i] = 0;
    this.crossings[i] = 0;
    const base = i * LANES;
    for (let k = base; k < base + LANES; k++) {
      this.carX[k] = randomInt(this.rng, i, GRID);
      this.carTrail[k] = -1;
    }
    this.drawSpeeds(i);
  }

  private drawSpeeds(i: number): void {
    const slowest = this.ramping
      ? Math.max(FASTEST + 1, SLOWEST - Math.floor(this.crossings[i] / RAMP_EVERY))
      : SLOWEST;
    const base = i * LANES;
    for (let k = base; k < base + LANES; k++) {
      const period = FASTEST + randomInt(this.rng, i, slowest - FASTEST + 1);
      this.carPeriod[k] = Math.max(1, Math.round(period / this.trafficSpeed));
      this.carTimer[k] = this.carPeriod[k];
    }
  }

  protected advance(i: number, action: number): number {
    let reward = 0;
    let y = this.chickenY[i];
    if (this.cooldown[i] > 0) this.cooldown[i]--;
    else if (action === UP || (action === DOWN && y < START_ROW)) {
      y += action === UP ? -1 : 1;
      this.cooldown[i] = CHICKEN_PERIOD - 1;
      if (y === 0) {
        reward = 1;
        y = START_ROW;
        this.crossings[i]++;
        this.drawSpeeds(i);
      }
    }
    this.chickenY[i] = y;
    this.hit(i);

    const base = i * LANES;
    for (let lane = 0; lane < LANES; lane++) {
      const k = base + lane;
      if (--this.carTimer[k] !== 0) continue;
      this.carTimer[k] = this.carPeriod[k];
      const x = this.carX[k];
      this.carTrail[k] = x;
      this.carX[k] = (x + Freeway.direction(lane) + GRID) % GRID;
    }
    this.hit(i);

    if (this.frames[i] + 1 >= EPISODE_STEPS) this.truncated[i] = 1;
    return reward;
  }

  /** A car on the chicken's cell sends it back to the start. */
  private hit(i: number): void {
    const y = this.chickenY[i];
    if (y >= 1 && y <= LANES && this.carX[i * LANES + y - 1] === CHICKEN_X) this.chickenY[i] = START_ROW;
  }

  protected draw(i: number, obs: Uint8Array, o: number): void {
    obs[o + cellIndex(CHICKEN_X, this.chickenY[i], PLAYER)] = 1;
    const base = i * LANES;
    for (let lane = 0; lane < LANES; lane++) {
      obs[o + cellIndex(this.carX[base + lane], lane + 1, ENEMY)] = 1;
      const trail = this.carTrail[base + lane];
      if (trail >= 0) obs[o + cellIndex(trail, lane + 1, TRAIL)] = 1;
    }
  }
}

/**
 * The frames Freeway could show: the chicken in its column; cars only in the lanes (rows 1-8), at most one a lane;
 * no shots, bonus or gauge. As drawn, every lane holds exactly one car, each car's trail (once it has moved) is the
 * cell behind it in its lane's direction, trails stay in the lanes, and the chicken is never on a car nor on row 0
 * (reaching it scores and puts the chicken back on START_ROW at once).
 */
export const FREEWAY_FRAMES: FrameRules = {
  invariants: (f) =>
    f.count('player') === 1 &&
    f.columns('player')[0] === CHICKEN_X &&
    atMostOnePerRow(f.rows('enemy'), 1, LANES) &&
    f.count('player_shot') + f.count('enemy_shot') + f.count('bonus') + f.count('meter') === 0,
  objectsInPlace: (f) => {
    for (let lane = 0; lane < LANES; lane++) {
      const cars = f.columnsInRow('enemy', lane + 1);
      const trails = f.columnsInRow('trail', lane + 1);
      if (cars.length !== 1 || trails.length > 1) return false;
      if (trails.length === 1 && trails[0] !== (cars[0] - Freeway.direction(lane) + GRID) % GRID) return false;
    }
    const row = f.rows('player')[0];
    return row > 0 && !f.cell(CHICKEN_X, row, 'enemy') && f.rows('trail').every((y) => y >= 1 && y <= LANES);
  },
};
