/**
 * The replay audit of a consolidation: what the generator would replay, measured on 1000 of its observations.
 * - validity: the share that satisfy each game's invariants (rules every real frame of the game obeys on the
 *   shared layout; each game states its rules in its own file, env/games/*.ts): a frame that breaks them is a dream
 *   no game could show; and the share that are exact frames of the game (its invariants and how its objects sit
 *   together, e.g. Freeway's eight cars, one a lane, each trail behind its car);
 * - resemblance: which game each sample is closest to (among the games whose invariants it satisfies, the one
 *   whose mean number of set cells per channel is nearest), -1 when it satisfies none;
 * - agreement: per game, 1 − the total-variation distance between Q_(k−1)'s greedy-action histogram on the
 *   generated frames resembling the game and on real frames of that game (1: the old network acts on dreams as it
 *   acts on the real game). The real frames are a small audit set drawn from the game's
 *   kept observations (its own consolidation learnt from them; an arm replaying real frames, as er, may hold some).
 */
import { channelCounts, FrameView } from '../env/frame-rules.ts';
import { FRAME_RULES } from '../env/games/index.ts';
import { CHANNEL_COUNT, OBSERVATION_SIZE } from '../env/layout.ts';
import type { GameName } from '../env/types.ts';
import { ACTION_COUNT } from './network.ts';

export interface ReplayAuditRL {
  readonly samples: number;
  /** Per game of the schedule so far (by index): share of samples satisfying its invariants. */
  readonly valid: readonly number[];
  /** Per game: share of samples that are exact frames of it (env/games: its invariants and objects in place; absent in results saved before it). */
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

/** Mean set cells per channel over n observations: a game's profile. */
export function channelProfile(observations: Uint8Array): number[] {
  const n = observations.length / OBSERVATION_SIZE;
  const total = new Array<number>(CHANNEL_COUNT).fill(0);
  for (let k = 0; k < n; k++) channelCounts(observations, k * OBSERVATION_SIZE).forEach((v, c) => (total[c] += v));
  return total.map((v) => v / Math.max(1, n));
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
    const frame = new FrameView(samples, at);
    const counts = frame.channelCounts();
    let best = Infinity;
    games.forEach((game, g) => {
      const rules = FRAME_RULES[game];
      if (!rules.invariants(frame)) return;
      valid[g] += 1;
      if (rules.objectsInPlace(frame)) exact[g] += 1;
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
