/**
 * The replay audit of a consolidation: what the generator would replay, measured on 1000 of its observations.
 * - validity: the share that satisfy each game's invariants (rules every real frame of the game obeys on the
 *   shared layout, env/layout.ts): a frame that breaks them is a dream no game could show; and the share that are
 *   exact frames of the game (isGameFrame: its invariants and how its objects sit together, e.g. Freeway's eight
 *   cars, one a lane, each trail behind its car);
 * - resemblance: which game each sample is closest to (among the games whose invariants it satisfies, the one
 *   whose mean number of set cells per channel is nearest), -1 when it satisfies none;
 * - agreement: per game, 1 − the total-variation distance between Q_(k−1)'s greedy-action histogram on the
 *   generated frames resembling the game and on real frames of that game (1: the old network acts on dreams as it
 *   acts on the real game). The real frames are a small audit set kept only for this measurement, never trained on.
 */
import { CHANNEL_COUNT, CHANNELS, GRID, OBSERVATION_SIZE, type ChannelName } from '../env/layout.ts';
import { CHICKEN_X, Freeway, LANES } from '../env/games/freeway.ts';
import type { GameName } from '../env/types.ts';
import { ACTION_COUNT } from './network.ts';

export interface ReplayAuditRL {
  readonly samples: number;
  /** Per game of the schedule so far (by index): share of samples satisfying its invariants. */
  readonly valid: readonly number[];
  /** Per game: share of samples that are exact frames of it (isGameFrame; absent in results saved before it). */
  readonly exact?: readonly number[];
  /** Per game: share of samples resembling it most; `none` the share resembling no game. */
  readonly resembles: readonly number[];
  readonly none: number;
  /** Per game: agreement of the old network's actions on dreams and on real frames (null: no dream resembles it). */
  readonly agreement: readonly (number | null)[];
  /** With generator.keep 'exact': the samples drawn for the replayed pool and the exact dreams it kept per game. */
  readonly pool?: DreamPoolStats;
}

export interface DreamPoolStats {
  readonly draws: number;
  readonly kept: readonly number[];
}

/** Set cells per channel of one observation. */
export function channelCounts(observation: Uint8Array, at = 0): number[] {
  const counts = new Array<number>(CHANNEL_COUNT).fill(0);
  for (let cell = 0; cell < GRID * GRID; cell++) {
    for (let c = 0; c < CHANNEL_COUNT; c++) counts[c] += observation[at + cell * CHANNEL_COUNT + c];
  }
  return counts;
}

/** Mean set cells per channel over n observations: a game's profile. */
export function channelProfile(observations: Uint8Array): number[] {
  const n = observations.length / OBSERVATION_SIZE;
  const total = new Array<number>(CHANNEL_COUNT).fill(0);
  for (let k = 0; k < n; k++) channelCounts(observations, k * OBSERVATION_SIZE).forEach((v, c) => (total[c] += v));
  return total.map((v) => v / Math.max(1, n));
}

const channel = (name: ChannelName): number => CHANNELS.indexOf(name);

/** Rows of the set cells of `name` in one observation. */
function rowsOf(observation: Uint8Array, at: number, name: ChannelName): number[] {
  const c = channel(name);
  const rows: number[] = [];
  for (let cell = 0; cell < GRID * GRID; cell++) if (observation[at + cell * CHANNEL_COUNT + c]) rows.push(Math.floor(cell / GRID));
  return rows;
}

/** Columns of the set cells of `name` in one observation. */
function columnsOf(observation: Uint8Array, at: number, name: ChannelName): number[] {
  const c = channel(name);
  const columns: number[] = [];
  for (let cell = 0; cell < GRID * GRID; cell++) if (observation[at + cell * CHANNEL_COUNT + c]) columns.push(cell % GRID);
  return columns;
}

/** Whether `rows` holds no row twice and none outside first..last. */
function atMostOnePerRow(rows: readonly number[], first: number, last: number): boolean {
  return new Set(rows).size === rows.length && rows.every((y) => y >= first && y <= last);
}

/**
 * Each game's invariants on the shared layout: rules every frame the game draws obeys (env/games/*.ts draw
 * them). They are exact where the game is: Breakout always draws its ball, Freeway's chicken never leaves its
 * column and no lane ever holds two cars — a dream without a ball, or with two cars in a lane, is a frame no
 * game shows, and a network taught on it learns nothing the game will ask.
 */
export function satisfiesInvariants(game: GameName, observation: Uint8Array, at = 0): boolean {
  const count = channelCounts(observation, at);
  const n = (name: ChannelName): number => count[channel(name)];
  const bottom = GRID - 1;
  switch (game) {
    case 'breakout': // one paddle cell on the bottom row, one ball and at most one trail cell; nothing of other games
      return n('player') === 1 && rowsOf(observation, at, 'player')[0] === bottom && n('player_shot') === 1 && n('trail') <= 1 && n('enemy') + n('enemy_shot') + n('meter') === 0;
    case 'asterix': // one runner; no shots, no gauge
      return n('player') === 1 && n('player_shot') + n('enemy_shot') + n('meter') === 0;
    case 'freeway': // the chicken in its column; cars only in the lanes (rows 1-8), one a lane; no shots, bonus or gauge
      return (
        n('player') === 1 &&
        columnsOf(observation, at, 'player')[0] === CHICKEN_X &&
        atMostOnePerRow(rowsOf(observation, at, 'enemy'), 1, LANES) &&
        n('player_shot') + n('enemy_shot') + n('bonus') + n('meter') === 0
      );
    case 'space-invaders': // one cannon on the bottom row, at most one own shot; no bonus, no gauge
      return n('player') === 1 && rowsOf(observation, at, 'player')[0] === bottom && n('player_shot') <= 1 && n('bonus') + n('meter') === 0;
    case 'seaquest': // a submarine above the gauge row, an oxygen gauge on the bottom row only
      return n('player') >= 1 && n('player') <= 2 && rowsOf(observation, at, 'player').every((y) => y < bottom) && n('meter') >= 1 && rowsOf(observation, at, 'meter').every((y) => y === bottom);
  }
}

/** Columns of the set cells of `name` in row y of one observation. */
function columnsInRow(observation: Uint8Array, at: number, name: ChannelName, y: number): number[] {
  const c = channel(name);
  const columns: number[] = [];
  for (let x = 0; x < GRID; x++) if (observation[at + (y * GRID + x) * CHANNEL_COUNT + c]) columns.push(x);
  return columns;
}

/**
 * Whether one observation is a frame the game could draw: its invariants, and where the game's drawing fixes how
 * its objects sit together, that too. Freeway (env/games/freeway.ts) always draws eight cars, one in each lane,
 * each car's trail (once it has moved) the cell behind it in its lane's direction, and never the chicken on a car;
 * Breakout's ball trail (env/games/breakout.ts) is the ball's cell or a horizontal or diagonal neighbour, never
 * straight above or below (the ball never moves only vertically), and the ball is never inside a brick. The
 * other games are held to their invariants only. A dream that passes the invariants can still show a Freeway with
 * empty lanes, where the old network's values teach the road free; every real frame passes this (test/agent).
 */
export function isGameFrame(game: GameName, observation: Uint8Array, at = 0): boolean {
  return satisfiesInvariants(game, observation, at) && objectsInPlace(game, observation, at);
}

/** isGameFrame's rules beyond the invariants, for an observation known to satisfy them. */
function objectsInPlace(game: GameName, observation: Uint8Array, at: number): boolean {
  const cell = (x: number, y: number, name: ChannelName): boolean => observation[at + (y * GRID + x) * CHANNEL_COUNT + channel(name)] === 1;
  switch (game) {
    case 'freeway': {
      for (let lane = 0; lane < LANES; lane++) {
        const cars = columnsInRow(observation, at, 'enemy', lane + 1);
        const trails = columnsInRow(observation, at, 'trail', lane + 1);
        if (cars.length !== 1 || trails.length > 1) return false;
        if (trails.length === 1 && trails[0] !== (cars[0] - Freeway.direction(lane) + GRID) % GRID) return false;
      }
      const row = rowsOf(observation, at, 'player')[0];
      const trailRows = rowsOf(observation, at, 'trail');
      return row > 0 && !cell(CHICKEN_X, row, 'enemy') && trailRows.every((y) => y >= 1 && y <= LANES);
    }
    case 'breakout': {
      const ball = rowsOf(observation, at, 'player_shot')[0];
      const ballX = columnsOf(observation, at, 'player_shot')[0];
      if (cell(ballX, ball, 'bonus')) return false;
      const trailRow = rowsOf(observation, at, 'trail');
      if (trailRow.length === 0) return true;
      const dx = Math.abs(columnsOf(observation, at, 'trail')[0] - ballX);
      const dy = Math.abs(trailRow[0] - ball);
      return dx <= 1 && dy <= 1 && !(dx === 0 && dy === 1);
    }
    default:
      return true;
  }
}

/**
 * Audits `samples` (n × 700, 0/1) against the games seen so far: `games` their names, `profiles` their channel
 * profiles, `actionsOnDreams` the old network's greedy actions on the samples and `actionsOnReal[g]` its actions
 * on game g's audit frames.
 */
export function auditDreams(
  samples: Uint8Array,
  games: readonly GameName[],
  profiles: readonly (readonly number[])[],
  actionsOnDreams: ArrayLike<number>,
  actionsOnReal: readonly ArrayLike<number>[],
): { audit: ReplayAuditRL; resembles: Int32Array } {
  const n = samples.length / OBSERVATION_SIZE;
  const valid = new Array<number>(games.length).fill(0);
  const exact = new Array<number>(games.length).fill(0);
  const resembles = new Int32Array(n).fill(-1);
  for (let k = 0; k < n; k++) {
    const at = k * OBSERVATION_SIZE;
    const counts = channelCounts(samples, at);
    let best = Infinity;
    games.forEach((game, g) => {
      if (!satisfiesInvariants(game, samples, at)) return;
      valid[g] += 1;
      if (objectsInPlace(game, samples, at)) exact[g] += 1;
      const distance = counts.reduce((s, v, c) => s + Math.abs(v - profiles[g][c]), 0);
      if (distance < best) {
        best = distance;
        resembles[k] = g;
      }
    });
  }
  const share = (count: number): number => count / Math.max(1, n);
  const histogram = (actions: ArrayLike<number>, keep: (k: number) => boolean): number[] | null => {
    const h = new Array<number>(ACTION_COUNT).fill(0);
    let total = 0;
    for (let k = 0; k < actions.length; k++) {
      if (!keep(k)) continue;
      h[actions[k]] += 1;
      total += 1;
    }
    return total === 0 ? null : h.map((v) => v / total);
  };
  const agreement = games.map((_, g) => {
    const dreams = histogram(actionsOnDreams, (k) => resembles[k] === g);
    const real = histogram(actionsOnReal[g], () => true);
    if (dreams === null || real === null) return null;
    return 1 - 0.5 * dreams.reduce((s, p, a) => s + Math.abs(p - real[a]), 0);
  });
  return {
    audit: {
      samples: n,
      valid: valid.map(share),
      exact: exact.map(share),
      resembles: games.map((_, g) => share(resembles.filter((r) => r === g).length)),
      none: share(resembles.filter((r) => r === -1).length),
      agreement,
    },
    resembles,
  };
}
