/**
 * The replay audit of a consolidation: what the generator would replay, measured on 1000 of its observations.
 * - validity: the share that satisfy each game's invariants (rules every real frame of the game obeys on the
 *   shared layout, env/layout.ts): a frame that breaks them is a dream no game could show;
 * - resemblance: which game each sample is closest to (among the games whose invariants it satisfies, the one
 *   whose mean number of set cells per channel is nearest), -1 when it satisfies none;
 * - agreement: per game, 1 − the total-variation distance between Q_(k−1)'s greedy-action histogram on the
 *   generated frames resembling the game and on real frames of that game (1: the old network acts on dreams as it
 *   acts on the real game). The real frames are a small audit set kept only for this measurement, never trained on.
 */
import { CHANNEL_COUNT, CHANNELS, GRID, OBSERVATION_SIZE, type ChannelName } from '../env/layout.ts';
import { CHICKEN_X, LANES } from '../env/games/freeway.ts';
import type { GameName } from '../env/types.ts';
import { ACTION_COUNT } from './network.ts';

export interface ReplayAuditRL {
  readonly samples: number;
  /** Per game of the schedule so far (by index): share of samples satisfying its invariants. */
  readonly valid: readonly number[];
  /** Per game: share of samples resembling it most; `none` the share resembling no game. */
  readonly resembles: readonly number[];
  readonly none: number;
  /** Per game: agreement of the old network's actions on dreams and on real frames (null: no dream resembles it). */
  readonly agreement: readonly (number | null)[];
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
  const resembles = new Int32Array(n).fill(-1);
  for (let k = 0; k < n; k++) {
    const at = k * OBSERVATION_SIZE;
    const counts = channelCounts(samples, at);
    let best = Infinity;
    games.forEach((game, g) => {
      if (!satisfiesInvariants(game, samples, at)) return;
      valid[g] += 1;
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
      resembles: games.map((_, g) => share(resembles.filter((r) => r === g).length)),
      none: share(resembles.filter((r) => r === -1).length),
      agreement,
    },
    resembles,
  };
}
