/**
 * Per game, a simple hand-written player that reads only the observation, as a person watching the grid
 * would, and plays competently: the reference "good" score for normalising (random is the floor).
 */
import {
  BONUS,
  cellIndex,
  ENEMY,
  ENEMY_SHOT,
  GRID,
  METER,
  PLAYER,
  PLAYER_SHOT,
  TRAIL,
} from '../layout.ts';
import { bounceX, bounceY } from '../games/breakout.ts';
import { randomInt, RNG_WORDS, seedRng, STREAM_POLICY } from '../rng.ts';
import { DOWN, FIRE, LEFT, NOOP, RIGHT, UP, type GameName } from '../types.ts';
import type { Policy } from './policy.ts';

const BOTTOM = GRID - 1;

function on(obs: Uint8Array, x: number, y: number, channel: number): boolean {
  return x >= 0 && x < GRID && y >= 0 && y < GRID && obs[cellIndex(x, y, channel)] === 1;
}

interface Cell {
  readonly x: number;
  readonly y: number;
}

/** Every set cell of a channel, optionally only in rows [fromRow, toRow]. */
function cells(obs: Uint8Array, channel: number, fromRow = 0, toRow = BOTTOM): Cell[] {
  const out: Cell[] = [];
  for (let y = fromRow; y <= toRow; y++) for (let x = 0; x < GRID; x++) if (on(obs, x, y, channel)) out.push({ x, y });
  return out;
}

function first(obs: Uint8Array, channel: number): Cell | undefined {
  return cells(obs, channel)[0];
}

/** Horizontal direction of an object crossing a lane, read from its trail (or from the edge it entered at). */
function laneDirection(obs: Uint8Array, x: number, y: number): number {
  if (on(obs, x - 1, y, TRAIL)) return 1;
  if (on(obs, x + 1, y, TRAIL)) return -1;
  if (x === 0) return 1;
  if (x === GRID - 1) return -1;
  return 0;
}

/** Whether (x, y) is, or within `reach` steps could be, reached by a hazard crossing row y. */
function threatened(obs: Uint8Array, x: number, y: number, reach: number, channels: readonly number[]): boolean {
  for (const channel of channels) {
    for (let hx = 0; hx < GRID; hx++) {
      if (!on(obs, hx, y, channel)) continue;
      if (hx === x) return true;
      const dir = laneDirection(obs, hx, y);
      const gap = (x - hx) * (dir === 0 ? Math.sign(x - hx) : dir);
      if (gap > 0 && gap <= reach) return true;
    }
  }
  return false;
}

function toward(from: number, to: number, less: number, more: number): number {
  return to < from ? less : to > from ? more : NOOP;
}

/** Next cell after `action`, for games where the player moves in four directions within rows [top, bottom]. */
function moved(x: number, y: number, action: number, top: number, bottom: number): Cell {
  if (action === LEFT) return { x: Math.max(0, x - 1), y };
  if (action === RIGHT) return { x: Math.min(GRID - 1, x + 1), y };
  if (action === UP) return { x, y: Math.max(top, y - 1) };
  if (action === DOWN) return { x, y: Math.min(bottom, y + 1) };
  return { x, y };
}

/** What a scripted player remembers between steps. */
interface Memory {
  /** Seaquest: the way the submarine faces, when the frame leaves it ambiguous. */
  facing: number;
  /** Breakout: which bounce to take when both break as many bricks. */
  preferBack: boolean;
  /** Freeway, per row: the car's column, steps since it last moved, and its period as last measured. */
  readonly carX: Int8Array;
  readonly sinceMove: Uint16Array;
  readonly period: Uint16Array;
  /** Freeway: the chicken's row on the previous step, and steps since its row last changed. */
  lastRow: number;
  sinceHop: number;
  /** Coin tosses (seeded per episode). */
  readonly rng: Uint32Array;
}

interface Flight {
  /** Column of the ball when it is next on row 8 falling, its direction then, and steps until then. */
  x: number;
  dx: number;
  steps: number;
  /** Bricks broken on the way. */
  hits: number;
}

/** Follows the ball by the game's rules (walls, bricks, nothing below row 8) until it is on row 8 falling. */
function fly(x: number, y: number, dx: number, dy: number, bricks: Set<number>): Flight {
  let steps = 0;
  let hits = 0;
  for (; steps < 4 * GRID && !(y === BOTTOM - 1 && dy > 0); steps++) {
    dx = bounceX(x, dx);
    dy = bounceY(y, dy);
    const nx = x + dx;
    const ny = y + dy;
    if (bricks.delete(ny * GRID + nx)) {
      hits++;
      dy = -dy;
      if (!bricks.has(y * GRID + nx)) x = nx;
    } else {
      x = nx;
      y = ny;
    }
  }
  return { x, dx, steps, hits };
}

/**
 * Breakout: work out (from the ball and its trail, walls and bricks) where the ball will be when it is next on
 * row 8 falling, and be there in time: under it (it bounces back the way it came) or under the cell it is
 * about to enter (it bounces onwards). When both can be reached, look one flight further and take the bounce
 * that breaks more bricks.
 */
function breakout(obs: Uint8Array, memory: Memory): number {
  const paddle = first(obs, PLAYER);
  const ball = first(obs, PLAYER_SHOT);
  if (paddle === undefined || ball === undefined) return NOOP;
  const trail = first(obs, TRAIL);
  if (trail === undefined || ball.y === trail.y || ball.x === trail.x) return toward(paddle.x, ball.x, LEFT, RIGHT);
  const bricks = new Set(cells(obs, BONUS).map((c) => c.y * GRID + c.x));
  // On a tie a coin tossed while the ball rises picks the bounce, so the ball cannot settle into a loop.
  if (ball.y < trail.y) memory.preferBack = randomInt(memory.rng, 0, 2) === 0;
  const fall = fly(ball.x, ball.y, ball.x - trail.x, ball.y - trail.y, bricks);
  const { x, dx } = fall;
  const landing = x + dx < 0 || x + dx >= GRID ? x - dx : x + dx;
  const reach = fall.steps + 1;
  let target: number;
  if (Math.abs(landing - paddle.x) <= reach && Math.abs(x - paddle.x) <= reach) {
    const back = fly(x, BOTTOM - 1, -dx, -1, new Set(bricks)).hits;
    const onwards = fly(landing, BOTTOM - 1, landing - x, -1, new Set(bricks)).hits;
    target = back > onwards || (back === onwards && memory.preferBack) ? x : landing;
  } else target = Math.abs(landing - paddle.x) < Math.abs(x - paddle.x) ? landing : x;
  return toward(paddle.x, target, LEFT, RIGHT);
}

/** Asterix: take the safe move that gets closest to the nearest gold (or the middle when there is none). */
function asterix(obs: Uint8Array): number {
  const me = first(obs, PLAYER);
  if (me === undefined) return NOOP;
  const gold = cells(obs, BONUS);
  let best = NOOP;
  let bestCost = Infinity;
  for (const action of [NOOP, LEFT, UP, RIGHT, DOWN]) {
    const next = moved(me.x, me.y, action, 1, GRID - 2);
    let cost = 0;
    if (threatened(obs, next.x, next.y, 2, [ENEMY])) cost += 1000;
    let nearest = Math.abs(next.x - 4.5) + Math.abs(next.y - 4.5);
    for (const g of gold) nearest = Math.min(nearest, Math.abs(g.x - next.x) + Math.abs(g.y - next.y));
    cost += nearest;
    if (cost < bestCost) {
      bestCost = cost;
      best = action;
    }
  }
  return best;
}

const FREEWAY_HORIZON = 12;
const CHICKEN_PERIOD = 3;
const DOOMED = 99;

/**
 * Freeway: watch each lane's car to learn its direction and speed, predict where every car will be over the
 * next FREEWAY_HORIZON steps, and take the first step of the plan that gets the chicken highest without being
 * hit — timing the gaps in the traffic as a person would.
 */
function freeway(obs: Uint8Array, memory: Memory): number {
  const chicken = first(obs, PLAYER);
  if (chicken === undefined) return NOOP;
  const { carX, sinceMove, period } = memory;
  // Speeds are drawn anew after each crossing: forget them when the chicken is back at the start from the top.
  const crossed = chicken.y === GRID - 1 && memory.lastRow === 1;
  memory.sinceHop = chicken.y !== memory.lastRow ? 1 : memory.sinceHop + 1;
  memory.lastRow = chicken.y;
  const dirs = new Int8Array(GRID);
  const firstMove = new Int16Array(GRID);
  for (let y = 1; y < GRID - 1; y++) {
    let cx = 0;
    while (cx < GRID && !on(obs, cx, y, ENEMY)) cx++;
    if (crossed) {
      period[y] = 1;
      carX[y] = -1;
    }
    if (cx !== carX[y]) {
      if (carX[y] >= 0) period[y] = sinceMove[y];
      carX[y] = cx;
      sinceMove[y] = 0;
    }
    sinceMove[y]++;
    // Cars wrap around, so the trail may be on the far edge; with no trail yet, assume the car is coming.
    dirs[y] = on(obs, (cx + GRID - 1) % GRID, y, TRAIL) ? 1 : on(obs, (cx + 1) % GRID, y, TRAIL) ? -1 : cx <= chicken.x ? 1 : -1;
    firstMove[y] = Math.max(1, period[y] - sinceMove[y] + 1);
  }
  /** Whether row y's car stands on the chicken's column k steps from now. */
  const carThere = (y: number, k: number): boolean => {
    if (y < 1 || y > GRID - 2) return false;
    const moves = k >= firstMove[y] ? Math.floor((k - firstMove[y]) / period[y]) + 1 : 0;
    return (((carX[y] + dirs[y] * moves - chicken.x) % GRID) + GRID) % GRID === 0;
  };
  // best[(k * GRID + row) * CHICKEN_PERIOD + cooldown]: the highest row (lowest number) reachable unhit.
  const memo = new Int8Array((FREEWAY_HORIZON + 1) * GRID * CHICKEN_PERIOD).fill(-1);
  const value = (k: number, row: number, cooldown: number): number => {
    if (row === 0 || k === FREEWAY_HORIZON) return row;
    const key = (k * GRID + row) * CHICKEN_PERIOD + cooldown;
    if (memo[key] >= 0) return memo[key];
    let best = DOOMED;
    const options = cooldown > 0 ? [row] : [row - 1, row, row + 1];
    for (const next of options) {
      if (next > GRID - 1) continue;
      // The chicken moves, is checked against the cars, then the cars move and it is checked again.
      if (carThere(next, k) || carThere(next, k + 1)) continue;
      const nextCooldown = next === row ? Math.max(0, cooldown - 1) : CHICKEN_PERIOD - 1;
      best = Math.min(best, value(k + 1, next, nextCooldown));
    }
    memo[key] = best;
    return best;
  };
  const cooldown = Math.max(0, CHICKEN_PERIOD - memory.sinceHop);
  if (cooldown > 0) return NOOP;
  let action = NOOP;
  let best = DOOMED + 1;
  for (const [candidate, next] of [[UP, chicken.y - 1], [NOOP, chicken.y], [DOWN, chicken.y + 1]] as const) {
    if (next > GRID - 1 || carThere(next, 0) || carThere(next, 1)) continue;
    const v = value(1, next, next === chicken.y ? 0 : CHICKEN_PERIOD - 1);
    if (v < best) {
      best = v;
      action = candidate;
    }
  }
  return action;
}

/**
 * Space Invaders: dodge a bomb about to land; otherwise fire when under an alien, or move under the nearest
 * alien of the lowest row (the block lands when its lowest row does, so that row goes first).
 */
function spaceInvaders(obs: Uint8Array): number {
  const cannon = first(obs, PLAYER);
  if (cannon === undefined) return NOOP;
  const bombAbove = (x: number): boolean =>
    on(obs, x, BOTTOM, ENEMY_SHOT) || on(obs, x, BOTTOM - 1, ENEMY_SHOT) || on(obs, x, BOTTOM - 2, ENEMY_SHOT);
  if (bombAbove(cannon.x)) {
    if (cannon.x > 0 && !bombAbove(cannon.x - 1)) return LEFT;
    if (cannon.x < GRID - 1 && !bombAbove(cannon.x + 1)) return RIGHT;
  }
  const aliens = cells(obs, ENEMY);
  if (aliens.length === 0) return NOOP;
  const shotFlying = first(obs, PLAYER_SHOT) !== undefined;
  if (!shotFlying && aliens.some((a) => a.x === cannon.x)) return FIRE;
  const lowest = aliens.reduce((row, a) => Math.max(row, a.y), 0);
  let target = -GRID;
  for (const a of aliens) if (a.y === lowest && Math.abs(a.x - cannon.x) < Math.abs(target - cannon.x)) target = a.x;
  const step = toward(cannon.x, target, LEFT, RIGHT);
  const nextX = step === LEFT ? cannon.x - 1 : step === RIGHT ? cannon.x + 1 : cannon.x;
  return bombAbove(nextX) ? NOOP : step;
}

/**
 * Seaquest: surface with a diver before the oxygen runs low (or with a full crew for the bonus); otherwise
 * collect divers and torpedo enemies, never moving into a cell an enemy or its torpedo is about to reach.
 */
function seaquest(obs: Uint8Array, memory: Memory): number {
  const sub = first(obs, PLAYER);
  if (sub === undefined) return NOOP;
  if (on(obs, sub.x - 1, sub.y, TRAIL) && !on(obs, sub.x + 1, sub.y, TRAIL)) memory.facing = 1;
  else if (on(obs, sub.x + 1, sub.y, TRAIL) && !on(obs, sub.x - 1, sub.y, TRAIL)) memory.facing = -1;
  const oxygen = cells(obs, METER, BOTTOM, BOTTOM).length;
  const carried = cells(obs, BONUS, BOTTOM, BOTTOM).length;
  const hazards = [ENEMY, ENEMY_SHOT];
  const unsafe = (c: Cell): boolean => c.y > 0 && threatened(obs, c.x, c.y, 2, hazards);

  let target: Cell;
  const lowAir = oxygen <= 3;
  if (carried === 6 || (carried > 0 && lowAir)) target = { x: sub.x, y: 0 };
  else {
    const divers = carried < 6 ? cells(obs, BONUS, 1, BOTTOM - 1) : [];
    const enemies = cells(obs, ENEMY, 1, BOTTOM - 1);
    const distance = (c: Cell): number => Math.abs(c.x - sub.x) + 2 * Math.abs(c.y - sub.y);
    const nearest = (list: Cell[]): Cell | undefined =>
      list.reduce<Cell | undefined>((best, c) => (best === undefined || distance(c) < distance(best) ? c : best), undefined);
    const diver = nearest(divers);
    const enemy = nearest(enemies);
    if (enemy !== undefined && sub.y === enemy.y && sub.y > 0) {
      const ahead = (enemy.x - sub.x) * memory.facing > 0;
      if (ahead && first(obs, PLAYER_SHOT) === undefined) return FIRE;
    }
    if (diver !== undefined && (carried === 0 || enemy === undefined || distance(diver) <= distance(enemy))) target = diver;
    else if (enemy !== undefined) target = { x: enemy.x < sub.x ? Math.min(sub.x, enemy.x + 3) : Math.max(sub.x, enemy.x - 3), y: enemy.y };
    else target = { x: sub.x, y: Math.max(1, sub.y) };
  }
  // Never surface empty-handed: that ends the game.
  const mayRise = carried > 0 || sub.y > 1;
  let best = NOOP;
  let bestCost = Infinity;
  for (const action of [NOOP, LEFT, UP, RIGHT, DOWN]) {
    if (action === UP && !mayRise) continue;
    const next = moved(sub.x, sub.y, action, 0, BOTTOM - 1);
    const cost = (unsafe(next) ? 1000 : 0) + Math.abs(next.x - target.x) + Math.abs(next.y - target.y);
    if (cost < bestCost) {
      bestCost = cost;
      best = action;
    }
  }
  if (best === LEFT || best === RIGHT) memory.facing = best === LEFT ? -1 : 1;
  return best;
}

export class ScriptedPolicy implements Policy {
  readonly name = 'scripted';
  private readonly memory: Memory = {
    facing: 1,
    preferBack: false,
    carX: new Int8Array(GRID),
    sinceMove: new Uint16Array(GRID),
    period: new Uint16Array(GRID),
    lastRow: -1,
    sinceHop: 3,
    rng: new Uint32Array(RNG_WORDS),
  };

  constructor(readonly game: GameName) {
    this.reset(0);
  }

  reset(seed: number): void {
    this.memory.facing = 1;
    this.memory.preferBack = false;
    this.memory.carX.fill(-1);
    this.memory.sinceMove.fill(0);
    // Until a car has been seen moving, assume the fastest speed.
    this.memory.period.fill(1);
    this.memory.lastRow = -1;
    this.memory.sinceHop = 3;
    seedRng(this.memory.rng, 0, seed, STREAM_POLICY);
  }

  act(observation: Uint8Array): number {
    switch (this.game) {
      case 'breakout':
        return breakout(observation, this.memory);
      case 'asterix':
        return asterix(observation);
      case 'freeway':
        return freeway(observation, this.memory);
      case 'space-invaders':
        return spaceInvaders(observation);
      case 'seaquest':
        return seaquest(observation, this.memory);
    }
  }
}
