/**
 * Seaquest. The submarine moves one cell per step in four directions between the surface (row 0) and row 8,
 * faces the way it last moved sideways, and fires a torpedo that way (one in the water at a time, one cell
 * per step). Rows 1–8 are lanes, each holding at most one enemy (a fish, or a submarine that fires torpedoes
 * along its lane), one enemy torpedo and one diver; they enter from either side and cross. +1 per enemy
 * torpedoed. Touching a diver picks it up (at most MAX_DIVERS carried). Row 9 is the gauge row: oxygen
 * left, and the divers carried.
 *
 * Oxygen drains by one per step under water. Coming up to the surface with divers refills it and uses up one
 * diver; coming up with all MAX_DIVERS delivers them all for a bonus of +MAX_DIVERS. Coming up with none,
 * running out of oxygen, or touching an enemy or an enemy torpedo ends the episode.
 *
 * Ramping: each surfacing raises the level, so enemies arrive more often, swim faster and fire more often.
 */
import { BONUS, cellIndex, ENEMY, ENEMY_SHOT, GRID, METER, PLAYER, PLAYER_SHOT, TRAIL } from '../layout.ts';
import type { FrameRules } from '../frame-rules.ts';
import { randomFloat, randomInt } from '../rng.ts';
import { DOWN, FIRE, LEFT, RIGHT, UP } from '../types.ts';
import type { VectorBuffers } from '../vector.ts';
import { VectorGame, type GameOptions } from './game.ts';

export interface SeaquestSettings {
  /** Steps of air in a full tank. */
  readonly oxygen: number;
}

export const SEAQUEST_DEFAULTS: SeaquestSettings = { oxygen: 160 };

export const LANES = 8;
export const MAX_DIVERS = 6;
export const GAUGE_ROW = GRID - 1;
const DEEPEST = LANES;
const SUB_CHANCE = 1 / 3;
const DIVER_MOVE_PERIOD = 4;
const DIVER_SPAWN_PERIOD = 30;
const MAX_LEVEL = 8;

export class Seaquest extends VectorGame {
  readonly subX: Int8Array;
  readonly subY: Int8Array;
  readonly facing: Int8Array;
  readonly oxygen: Int16Array;
  readonly divers: Uint8Array;
  /** Surfacings so far (the difficulty level when ramping). */
  readonly surfacings: Uint16Array;
  /** The submarine's torpedo (x -1: none). */
  readonly torpedoX: Int8Array;
  readonly torpedoY: Int8Array;
  readonly torpedoDx: Int8Array;
  /** Per lane (copy i, lane l at i * LANES + l; lane l is row l + 1). Enemy column, -1 when empty. */
  readonly enemyX: Int8Array;
  readonly enemyDx: Int8Array;
  /** 1 for an enemy submarine, 0 for a fish. */
  readonly enemyIsSub: Uint8Array;
  readonly enemyTrail: Int8Array;
  /** Steps until the lane's enemy submarine fires. */
  readonly enemyFireTimer: Uint8Array;
  readonly enemyShotX: Int8Array;
  readonly enemyShotDx: Int8Array;
  readonly diverX: Int8Array;
  readonly diverDx: Int8Array;
  readonly diverTrail: Int8Array;
  readonly spawnTimer: Uint8Array;
  readonly diverTimer: Uint8Array;
  private readonly maxOxygen: number;

  constructor(numEnvs: number, options: GameOptions, settings: SeaquestSettings, buffers?: VectorBuffers) {
    super('seaquest', numEnvs, options, buffers);
    this.maxOxygen = settings.oxygen;
    this.subX = new Int8Array(numEnvs);
    this.subY = new Int8Array(numEnvs);
    this.facing = new Int8Array(numEnvs);
    this.oxygen = new Int16Array(numEnvs);
    this.divers = new Uint8Array(numEnvs);
    this.surfacings = new Uint16Array(numEnvs);
    this.torpedoX = new Int8Array(numEnvs);
    this.torpedoY = new Int8Array(numEnvs);
    this.torpedoDx = new Int8Array(numEnvs);
    const lanes = numEnvs * LANES;
    this.enemyX = new Int8Array(lanes);
    this.enemyDx = new Int8Array(lanes);
    this.enemyIsSub = new Uint8Array(lanes);
    this.enemyTrail = new Int8Array(lanes);
    this.enemyFireTimer = new Uint8Array(lanes);
    this.enemyShotX = new Int8Array(lanes);
    this.enemyShotDx = new Int8Array(lanes);
    this.diverX = new Int8Array(lanes);
    this.diverDx = new Int8Array(lanes);
    this.diverTrail = new Int8Array(lanes);
    this.spawnTimer = new Uint8Array(numEnvs);
    this.diverTimer = new Uint8Array(numEnvs);
  }

  /** Difficulty level: the number of surfacings when ramping, else 0. */
  private level(i: number): number {
    return this.ramping ? Math.min(this.surfacings[i], MAX_LEVEL) : 0;
  }

  /** Steps between enemy arrivals. */
  private spawnPeriod(i: number): number {
    return 12 - this.level(i);
  }

  /** Steps between moves of a fish; enemy submarines are one step slower. */
  fishPeriod(i: number): number {
    return Math.max(1, 3 - Math.floor(this.level(i) / 3));
  }

  /** Steps between torpedoes of one enemy submarine. */
  private firePeriod(i: number): number {
    return 14 - this.level(i);
  }

  protected begin(i: number): void {
    this.subX[i] = GRID >> 1;
    this.subY[i] = 0;
    this.facing[i] = 1;
    this.oxygen[i] = this.maxOxygen;
    this.divers[i] = 0;
    this.surfacings[i] = 0;
    this.torpedoX[i] = -1;
    const from = i * LANES;
    const to = from + LANES;
    this.enemyX.fill(-1, from, to);
    this.enemyTrail.fill(-1, from, to);
    this.enemyShotX.fill(-1, from, to);
    this.diverX.fill(-1, from, to);
    this.diverTrail.fill(-1, from, to);
    this.spawnTimer[i] = this.spawnPeriod(i);
    this.diverTimer[i] = DIVER_SPAWN_PERIOD;
  }

  protected advance(i: number, action: number): number {
    let reward = this.steer(i, action);
    if (this.terminated[i] !== 0) return reward;
    if (this.subY[i] > 0 && --this.oxygen[i] <= 0) {
      this.terminated[i] = 1;
      return reward;
    }
    if (action === FIRE && this.torpedoX[i] < 0 && this.subY[i] > 0) {
      const x = this.subX[i] + this.facing[i];
      if (x >= 0 && x < GRID) {
        this.torpedoX[i] = x;
        this.torpedoY[i] = this.subY[i];
        this.torpedoDx[i] = this.facing[i];
      }
    } else if (this.torpedoX[i] >= 0) {
      const x = this.torpedoX[i] + this.torpedoDx[i];
      this.torpedoX[i] = x >= 0 && x < GRID ? x : -1;
    }
    reward += this.torpedoHits(i);
    this.touch(i);
    if (this.terminated[i] !== 0) return reward;

    this.moveLanes(i);
    reward += this.torpedoHits(i);
    this.touch(i);
    if (this.terminated[i] !== 0) return reward;

    if (--this.spawnTimer[i] === 0) {
      this.spawnTimer[i] = this.spawnPeriod(i);
      this.spawnEnemy(i);
    }
    if (--this.diverTimer[i] === 0) {
      this.diverTimer[i] = DIVER_SPAWN_PERIOD;
      this.enter(i, this.diverX, this.diverDx, this.diverTrail);
    }
    this.touch(i);
    return reward;
  }

  /** Moves the submarine; arriving at the surface resolves the divers carried. Returns the bonus, if any. */
  private steer(i: number, action: number): number {
    let x = this.subX[i];
    let y = this.subY[i];
    if (action === LEFT) {
      this.facing[i] = -1;
      if (x > 0) x--;
    } else if (action === RIGHT) {
      this.facing[i] = 1;
      if (x < GRID - 1) x++;
    } else if (action === UP && y > 0) y--;
    else if (action === DOWN && y < DEEPEST) y++;
    const surfaced = y === 0 && this.subY[i] === 1;
    this.subX[i] = x;
    this.subY[i] = y;
    if (!surfaced) return 0;
    const divers = this.divers[i];
    if (divers === 0) {
      this.terminated[i] = 1;
      return 0;
    }
    this.oxygen[i] = this.maxOxygen;
    this.surfacings[i]++;
    if (divers === MAX_DIVERS) {
      this.divers[i] = 0;
      return MAX_DIVERS;
    }
    this.divers[i] = divers - 1;
    return 0;
  }

  private moveLanes(i: number): void {
    const clock = this.frames[i];
    const fish = this.fishPeriod(i);
    const fishMove = clock % fish === 0;
    const subMove = clock % (fish + 1) === 0;
    const diverMove = clock % DIVER_MOVE_PERIOD === 0;
    const base = i * LANES;
    for (let k = base; k < base + LANES; k++) {
      const shot = this.enemyShotX[k];
      if (shot >= 0) {
        const nx = shot + this.enemyShotDx[k];
        this.enemyShotX[k] = nx >= 0 && nx < GRID ? nx : -1;
      }
      const ex = this.enemyX[k];
      if (ex >= 0) {
        const isSub = this.enemyIsSub[k] === 1;
        if (isSub ? subMove : fishMove) this.swim(k, this.enemyX, this.enemyDx, this.enemyTrail);
        if (isSub && this.enemyX[k] >= 0 && --this.enemyFireTimer[k] === 0) {
          this.enemyFireTimer[k] = this.firePeriod(i);
          const sx = this.enemyX[k] + this.enemyDx[k];
          if (this.enemyShotX[k] < 0 && sx >= 0 && sx < GRID) {
            this.enemyShotX[k] = sx;
            this.enemyShotDx[k] = this.enemyDx[k];
          }
        }
      }
      if (diverMove && this.diverX[k] >= 0) this.swim(k, this.diverX, this.diverDx, this.diverTrail);
    }
  }

  /** Moves what is in lane slot k of (xs, dxs, trails) one cell on; leaving the grid empties the slot. */
  private swim(k: number, xs: Int8Array, dxs: Int8Array, trails: Int8Array): void {
    const x = xs[k];
    trails[k] = x;
    const nx = x + dxs[k];
    if (nx >= 0 && nx < GRID) xs[k] = nx;
    else {
      xs[k] = -1;
      trails[k] = -1;
    }
  }

  /** The torpedo on an enemy's cell sinks it (+1). */
  private torpedoHits(i: number): number {
    const x = this.torpedoX[i];
    if (x < 0) return 0;
    const k = i * LANES + this.torpedoY[i] - 1;
    if (this.enemyX[k] !== x) return 0;
    this.enemyX[k] = -1;
    this.enemyTrail[k] = -1;
    this.torpedoX[i] = -1;
    return 1;
  }

  /** Whatever shares the submarine's cell: an enemy or its torpedo ends the game, a diver is picked up. */
  private touch(i: number): void {
    const y = this.subY[i];
    if (y === 0) return;
    const x = this.subX[i];
    const k = i * LANES + y - 1;
    if (this.enemyX[k] === x || this.enemyShotX[k] === x) {
      this.terminated[i] = 1;
      return;
    }
    if (this.diverX[k] === x && this.divers[i] < MAX_DIVERS) {
      this.divers[i]++;
      this.diverX[k] = -1;
      this.diverTrail[k] = -1;
    }
  }

  private spawnEnemy(i: number): void {
    const k = this.enter(i, this.enemyX, this.enemyDx, this.enemyTrail);
    if (k < 0) return;
    this.enemyIsSub[k] = randomFloat(this.rng, i) < SUB_CHANCE ? 1 : 0;
    this.enemyFireTimer[k] = this.firePeriod(i);
  }

  /** Puts a newcomer (enemy or diver) at either edge of a random empty lane of (xs, dxs, trails), heading
   *  across; returns its slot, or -1 when every lane is taken. */
  private enter(i: number, xs: Int8Array, dxs: Int8Array, trails: Int8Array): number {
    const k = this.emptyLane(i, xs);
    if (k < 0) return -1;
    const fromLeft = randomInt(this.rng, i, 2) === 0;
    xs[k] = fromLeft ? 0 : GRID - 1;
    dxs[k] = fromLeft ? 1 : -1;
    trails[k] = -1;
    return k;
  }

  /** A random lane of copy i whose slot in `column` is empty, as an index into the lane arrays; -1 if none. */
  private emptyLane(i: number, column: Int8Array): number {
    const base = i * LANES;
    let empty = 0;
    for (let k = base; k < base + LANES; k++) if (column[k] < 0) empty++;
    if (empty === 0) return -1;
    let pick = randomInt(this.rng, i, empty);
    for (let k = base; k < base + LANES; k++) if (column[k] < 0 && pick-- === 0) return k;
    return -1;
  }

  protected draw(i: number, obs: Uint8Array, o: number): void {
    const x = this.subX[i];
    const y = this.subY[i];
    obs[o + cellIndex(x, y, PLAYER)] = 1;
    const stern = x - this.facing[i];
    if (stern >= 0 && stern < GRID) obs[o + cellIndex(stern, y, TRAIL)] = 1;
    if (this.torpedoX[i] >= 0) obs[o + cellIndex(this.torpedoX[i], this.torpedoY[i], PLAYER_SHOT)] = 1;
    const base = i * LANES;
    for (let lane = 0; lane < LANES; lane++) {
      const k = base + lane;
      const row = lane + 1;
      if (this.enemyX[k] >= 0) obs[o + cellIndex(this.enemyX[k], row, ENEMY)] = 1;
      if (this.enemyTrail[k] >= 0) obs[o + cellIndex(this.enemyTrail[k], row, TRAIL)] = 1;
      if (this.enemyShotX[k] >= 0) obs[o + cellIndex(this.enemyShotX[k], row, ENEMY_SHOT)] = 1;
      if (this.diverX[k] >= 0) obs[o + cellIndex(this.diverX[k], row, BONUS)] = 1;
      if (this.diverTrail[k] >= 0) obs[o + cellIndex(this.diverTrail[k], row, TRAIL)] = 1;
    }
    const gauge = Math.ceil((this.oxygen[i] * GRID) / this.maxOxygen);
    for (let g = 0; g < gauge; g++) obs[o + cellIndex(g, GAUGE_ROW, METER)] = 1;
    for (let d = 0; d < this.divers[i]; d++) obs[o + cellIndex(d, GAUGE_ROW, BONUS)] = 1;
  }
}

/** The frames Seaquest could show: a submarine (one or two cells) above the gauge row, an oxygen gauge on the
 *  gauge row only (held to these invariants only). */
export const SEAQUEST_FRAMES: FrameRules = {
  invariants: (f) =>
    f.count('player') >= 1 && f.count('player') <= 2 && f.rows('player').every((y) => y < GAUGE_ROW) && f.count('meter') >= 1 && f.rows('meter').every((y) => y === GAUGE_ROW),
  objectsInPlace: () => true,
};
