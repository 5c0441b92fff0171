/**
 * Asterix. The runner moves one cell per step in four directions over rows 1–8. Enemies and gold enter
 * from the left or right edge into one of the eight rows ("lanes", one object per lane) and cross it.
 * +1 per gold picked up; touching an enemy ends the episode.
 *
 * Objects spawn every `spawnPeriod` steps and all move one cell every `movePeriod` steps. Ramping: every
 * RAMP_EVERY steps both periods shrink by one, down to MIN_SPAWN_PERIOD and 1, so objects come more often
 * and faster.
 */
import { BONUS, cellIndex, ENEMY, GRID, PLAYER, TRAIL } from '../layout.ts';
import type { FrameRules } from '../frame-rules.ts';
import { randomFloat, randomInt } from '../rng.ts';
import { DOWN, LEFT, RIGHT, UP } from '../types.ts';
import type { VectorBuffers } from '../vector.ts';
import { VectorGame, type GameOptions } from './game.ts';

export interface AsterixSettings {
  /** Steps between arrivals at the start of an episode. */
  readonly spawnPeriod: number;
  /** Steps between moves of the enemies and gold at the start of an episode. */
  readonly movePeriod: number;
  /** Chance that an arrival is gold rather than an enemy. */
  readonly goldChance: number;
}

export const ASTERIX_DEFAULTS: AsterixSettings = { spawnPeriod: 8, movePeriod: 4, goldChance: 1 / 3 };

export const LANES = 8;
const RAMP_EVERY = 200;
const MIN_SPAWN_PERIOD = 2;

export class Asterix extends VectorGame {
  readonly playerX: Int8Array;
  readonly playerY: Int8Array;
  /** Per lane (copy i, lane l at i * LANES + l; lane l is row l + 1): the object's column, -1 when empty. */
  readonly objectX: Int8Array;
  readonly objectDx: Int8Array;
  readonly objectGold: Uint8Array;
  /** The object's previous column (-1: none yet). */
  readonly objectTrail: Int8Array;
  readonly spawnPeriod: Uint8Array;
  readonly movePeriod: Uint8Array;
  readonly spawnTimer: Uint8Array;
  readonly moveTimer: Uint8Array;
  readonly rampTimer: Uint16Array;
  private readonly settings: AsterixSettings;

  constructor(numEnvs: number, options: GameOptions, settings: AsterixSettings, buffers?: VectorBuffers) {
    super('asterix', numEnvs, options, buffers);
    this.settings = settings;
    this.playerX = new Int8Array(numEnvs);
    this.playerY = new Int8Array(numEnvs);
    this.objectX = new Int8Array(numEnvs * LANES);
    this.objectDx = new Int8Array(numEnvs * LANES);
    this.objectGold = new Uint8Array(numEnvs * LANES);
    this.objectTrail = new Int8Array(numEnvs * LANES);
    this.spawnPeriod = new Uint8Array(numEnvs);
    this.movePeriod = new Uint8Array(numEnvs);
    this.spawnTimer = new Uint8Array(numEnvs);
    this.moveTimer = new Uint8Array(numEnvs);
    this.rampTimer = new Uint16Array(numEnvs);
  }

  protected begin(i: number): void {
    this.playerX[i] = GRID >> 1;
    this.playerY[i] = GRID >> 1;
    this.objectX.fill(-1, i * LANES, (i + 1) * LANES);
    this.objectTrail.fill(-1, i * LANES, (i + 1) * LANES);
    this.spawnPeriod[i] = this.settings.spawnPeriod;
    this.movePeriod[i] = this.settings.movePeriod;
    this.spawnTimer[i] = this.settings.spawnPeriod;
    this.moveTimer[i] = this.settings.movePeriod;
    this.rampTimer[i] = RAMP_EVERY;
  }

  protected advance(i: number, action: number): number {
    let x = this.playerX[i];
    let y = this.playerY[i];
    if (action === LEFT && x > 0) x--;
    else if (action === RIGHT && x < GRID - 1) x++;
    else if (action === UP && y > 1) y--;
    else if (action === DOWN && y < LANES) y++;
    this.playerX[i] = x;
    this.playerY[i] = y;
    let reward = this.touch(i);
    if (this.terminated[i] !== 0) return reward;

    if (--this.moveTimer[i] === 0) {
      this.moveTimer[i] = this.movePeriod[i];
      const base = i * LANES;
      for (let k = base; k < base + LANES; k++) {
        const ox = this.objectX[k];
        if (ox < 0) continue;
        const nx = ox + this.objectDx[k];
        this.objectTrail[k] = ox;
        // Leaving the grid removes the object (its trail goes with it).
        if (nx < 0 || nx >= GRID) {
          this.objectX[k] = -1;
          this.objectTrail[k] = -1;
        } else this.objectX[k] = nx;
      }
      reward += this.touch(i);
      if (this.terminated[i] !== 0) return reward;
    }

    if (--this.spawnTimer[i] === 0) {
      this.spawnTimer[i] = this.spawnPeriod[i];
      this.spawn(i);
      reward += this.touch(i);
    }

    if (this.ramping && --this.rampTimer[i] === 0) {
      this.rampTimer[i] = RAMP_EVERY;
      if (this.spawnPeriod[i] > MIN_SPAWN_PERIOD) this.spawnPeriod[i]--;
      if (this.movePeriod[i] > 1) this.movePeriod[i]--;
    }
    return reward;
  }

  /** An object arrives in a random empty lane (none when all eight are taken). */
  private spawn(i: number): void {
    const base = i * LANES;
    let empty = 0;
    for (let k = base; k < base + LANES; k++) if (this.objectX[k] < 0) empty++;
    if (empty === 0) return;
    let pick = randomInt(this.rng, i, empty);
    for (let k = base; k < base + LANES; k++) {
      if (this.objectX[k] >= 0 || pick-- > 0) continue;
      const fromLeft = randomInt(this.rng, i, 2) === 0;
      this.objectX[k] = fromLeft ? 0 : GRID - 1;
      this.objectDx[k] = fromLeft ? 1 : -1;
      this.objectTrail[k] = -1;
      this.objectGold[k] = randomFloat(this.rng, i) < this.settings.goldChance ? 1 : 0;
      return;
    }
  }

  /** Resolves the runner sharing a cell with its lane's object: gold is taken (+1), an enemy ends the game. */
  private touch(i: number): number {
    const k = i * LANES + this.playerY[i] - 1;
    if (this.objectX[k] !== this.playerX[i]) return 0;
    if (this.objectGold[k] === 0) {
      this.terminated[i] = 1;
      return 0;
    }
    this.objectX[k] = -1;
    this.objectTrail[k] = -1;
    return 1;
  }

  protected draw(i: number, obs: Uint8Array, o: number): void {
    obs[o + cellIndex(this.playerX[i], this.playerY[i], PLAYER)] = 1;
    const base = i * LANES;
    for (let lane = 0; lane < LANES; lane++) {
      const x = this.objectX[base + lane];
      if (x < 0) continue;
      obs[o + cellIndex(x, lane + 1, this.objectGold[base + lane] === 1 ? BONUS : ENEMY)] = 1;
      const trail = this.objectTrail[base + lane];
      if (trail >= 0) obs[o + cellIndex(trail, lane + 1, TRAIL)] = 1;
    }
  }
}

/** The frames Asterix could show: one runner; no shots, no gauge (held to these invariants only). */
export const ASTERIX_FRAMES: FrameRules = {
  invariants: (f) => f.count('player') === 1 && f.count('player_shot') + f.count('enemy_shot') + f.count('meter') === 0,
  objectsInPlace: () => true,
};
