/**
 * Space Invaders. The cannon on the bottom row moves left or right and fires; one shot may be in the air at
 * a time and it climbs one cell per step. A block of aliens (ALIEN_ROWS × ALIEN_COLUMNS) sweeps sideways;
 * when the block touches an edge its next move is one row down, and then it sweeps the other way. +1 per
 * alien shot. Every `bombPeriod` steps the lowest alien of a random column drops a bomb that falls one cell
 * per step. A bomb hitting the cannon, or an alien reaching the bottom row, ends the episode. When the last
 * alien falls a new block starts at the top.
 *
 * The block moves every ceil(aliens left / 3) steps, so it speeds up as it thins out. Ramping: each new
 * block is one step faster than the last and bombs come one step sooner (down to MIN_BOMB_PERIOD).
 */
import { cellIndex, ENEMY, ENEMY_SHOT, GRID, PLAYER, PLAYER_SHOT, TRAIL } from '../layout.ts';
import type { FrameRules } from '../frame-rules.ts';
import { randomInt } from '../rng.ts';
import { FIRE, LEFT, RIGHT } from '../types.ts';
import type { VectorBuffers } from '../vector.ts';
import { VectorGame, type GameOptions } from './game.ts';

export interface SpaceInvadersSettings {
  /** Steps between bombs at the start of an episode. */
  readonly bombPeriod: number;
}

export const SPACE_INVADERS_DEFAULTS: SpaceInvadersSettings = { bombPeriod: 10 };

export const ALIEN_ROWS = 4;
export const ALIEN_COLUMNS = 6;
const MIN_BOMB_PERIOD = 3;
const BOTTOM = GRID - 1;
const FULL_ROW = (1 << ALIEN_COLUMNS) - 1;
const LEFT_EDGE = 1;
const RIGHT_EDGE = 1 << (GRID - 1);

export class SpaceInvaders extends VectorGame {
  readonly cannon: Int8Array;
  /** Aliens as one 10-bit mask per row (copy i, row r at i * GRID + r; bit x = column x). */
  readonly aliens: Uint16Array;
  /** Cells the block left on its last move. */
  readonly alienTrail: Uint16Array;
  /** Falling bombs, one mask per row like `aliens`. */
  readonly bombs: Uint16Array;
  readonly alienCount: Uint8Array;
  readonly alienDx: Int8Array;
  readonly alienTimer: Uint8Array;
  /** Blocks cleared so far in this episode. */
  readonly waves: Uint16Array;
  readonly bombPeriod: Uint8Array;
  readonly bombTimer: Uint8Array;
  /** The cannon's shot (-1: none in the air). */
  readonly shotX: Int8Array;
  readonly shotY: Int8Array;
  private readonly settings: SpaceInvadersSettings;

  constructor(numEnvs: number, options: GameOptions, settings: SpaceInvadersSettings, buffers?: VectorBuffers) {
    super('space-invaders', numEnvs, options, buffers);
    this.settings = settings;
    this.cannon = new Int8Array(numEnvs);
    this.aliens = new Uint16Array(numEnvs * GRID);
    this.alienTrail = new Uint16Array(numEnvs * GRID);
    this.bombs = new Uint16Array(numEnvs * GRID);
    this.alienCount = new Uint8Array(numEnvs);
    this.alienDx = new Int8Array(numEnvs);
    this.alienTimer = new Uint8Array(numEnvs);
    this.waves = new Uint16Array(numEnvs);
    this.bombPeriod = new Uint8Array(numEnvs);
    this.bombTimer = new Uint8Array(numEnvs);
    this.shotX = new Int8Array(numEnvs);
    this.shotY = new Int8Array(numEnvs);
  }

  protected begin(i: number): void {
    this.cannon[i] = GRID >> 1;
    this.bombs.fill(0, i * GRID, (i + 1) * GRID);
    this.waves[i] = 0;
    this.bombPeriod[i] = this.settings.bombPeriod;
    this.bombTimer[i] = this.settings.bombPeriod;
    this.shotX[i] = -1;
    this.shotY[i] = -1;
    this.newBlock(i);
  }

  private newBlock(i: number): void {
    const base = i * GRID;
    this.aliens.fill(0, base, base + GRID);
    this.alienTrail.fill(0, base, base + GRID);
    for (let r = 0; r < ALIEN_ROWS; r++) this.aliens[base + r] = FULL_ROW;
    this.alienCount[i] = ALIEN_ROWS * ALIEN_COLUMNS;
    this.alienDx[i] = 1;
    this.alienTimer[i] = this.alienPeriod(i);
  }

  /** Steps between moves of the block: fewer aliens move faster, and with ramping each block is faster. */
  alienPeriod(i: number): number {
    const period = Math.ceil(this.alienCount[i] / 3) - (this.ramping ? this.waves[i] : 0);
    return period < 1 ? 1 : period;
  }

  protected advance(i: number, action: number): number {
    const base = i * GRID;
    let x = this.cannon[i];
    if (action === LEFT && x > 0) x--;
    else if (action === RIGHT && x < GRID - 1) x++;
    this.cannon[i] = x;
    const cannonBit = 1 << x;
    if ((this.bombs[base + BOTTOM] & cannonBit) !== 0) {
      this.terminated[i] = 1;
      return 0;
    }

    let reward = 0;
    if (this.shotY[i] >= 0) {
      this.shotY[i]--;
      reward += this.shotHits(i);
    } else if (action === FIRE) {
      this.shotX[i] = x;
      this.shotY[i] = BOTTOM - 1;
      reward += this.shotHits(i);
    }

    for (let r = BOTTOM; r > 0; r--) this.bombs[base + r] = this.bombs[base + r - 1];
    this.bombs[base] = 0;
    if ((this.bombs[base + BOTTOM] & cannonBit) !== 0) {
      this.terminated[i] = 1;
      return reward;
    }

    if (this.alienCount[i] > 0 && --this.alienTimer[i] === 0) {
      this.moveBlock(i);
      reward += this.shotHits(i);
      if (this.aliens[base + BOTTOM] !== 0) {
        this.terminated[i] = 1;
        return reward;
      }
      this.alienTimer[i] = this.alienPeriod(i);
    }

    if (--this.bombTimer[i] === 0) {
      this.bombTimer[i] = this.bombPeriod[i];
      this.dropBomb(i);
    }

    if (this.alienCount[i] === 0) {
      this.waves[i]++;
      if (this.ramping && this.bombPeriod[i] > MIN_BOMB_PERIOD) this.bombPeriod[i]--;
      this.newBlock(i);
    }
    return reward;
  }

  private moveBlock(i: number): void {
    const base = i * GRID;
    const dx = this.alienDx[i];
    let edge = 0;
    for (let r = 0; r < GRID; r++) edge |= this.aliens[base + r];
    if ((dx > 0 && (edge & RIGHT_EDGE) !== 0) || (dx < 0 && (edge & LEFT_EDGE) !== 0)) {
      for (let r = BOTTOM; r > 0; r--) {
        this.alienTrail[base + r] = this.aliens[base + r] & ~this.aliens[base + r - 1];
        this.aliens[base + r] = this.aliens[base + r - 1];
      }
      this.alienTrail[base] = this.aliens[base];
      this.aliens[base] = 0;
      this.alienDx[i] = -dx;
    } else {
      for (let r = 0; r < GRID; r++) {
        const row = this.aliens[base + r];
        const moved = dx > 0 ? row << 1 : row >> 1;
        this.aliens[base + r] = moved;
        this.alienTrail[base + r] = row & ~moved;
      }
    }
  }

  /** The shot hitting an alien removes both (+1); a shot past the top row is gone. */
  private shotHits(i: number): number {
    const y = this.shotY[i];
    if (y < 0) return 0;
    const k = i * GRID + y;
    const bit = 1 << this.shotX[i];
    if ((this.aliens[k] & bit) === 0) return 0;
    this.aliens[k] &= ~bit;
    this.alienCount[i]--;
    this.shotY[i] = -1;
    return 1;
  }

  private dropBomb(i: number): void {
    const base = i * GRID;
    let columns = 0;
    for (let r = 0; r < GRID; r++) columns |= this.aliens[base + r];
    if (columns === 0) return;
    let pick = randomInt(this.rng, i, popcount(columns));
    let x = 0;
    for (; x < GRID; x++) if ((columns & (1 << x)) !== 0 && pick-- === 0) break;
    let lowest = BOTTOM;
    while ((this.aliens[base + lowest] & (1 << x)) === 0) lowest--;
    if (lowest + 1 <= BOTTOM) this.bombs[base + lowest + 1] |= 1 << x;
  }

  protected draw(i: number, obs: Uint8Array, o: number): void {
    obs[o + cellIndex(this.cannon[i], BOTTOM, PLAYER)] = 1;
    if (this.shotY[i] >= 0) obs[o + cellIndex(this.shotX[i], this.shotY[i], PLAYER_SHOT)] = 1;
    const base = i * GRID;
    for (let r = 0; r < GRID; r++) {
      drawRow(obs, o, r, this.aliens[base + r], ENEMY);
      drawRow(obs, o, r, this.alienTrail[base + r], TRAIL);
      drawRow(obs, o, r, this.bombs[base + r], ENEMY_SHOT);
    }
  }
}

function drawRow(obs: Uint8Array, o: number, y: number, mask: number, channel: number): void {
  for (let x = 0; mask !== 0; x++, mask >>= 1) if ((mask & 1) !== 0) obs[o + cellIndex(x, y, channel)] = 1;
}

function popcount(v: number): number {
  let n = 0;
  for (; v !== 0; v &= v - 1) n++;
  return n;
}

/** The frames Space Invaders could show: one cannon on the bottom row, at most one own shot; no bonus, no gauge
 *  (held to these invariants only). */
export const SPACE_INVADERS_FRAMES: FrameRules = {
  invariants: (f) => f.count('player') === 1 && f.rows('player')[0] === BOTTOM && f.count('player_shot') <= 1 && f.count('bonus') + f.count('meter') === 0,
  objectsInPlace: () => true,
};
