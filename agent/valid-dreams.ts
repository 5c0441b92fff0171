/**
 * Dreams kept only when some game seen so far could show them: rejection sampling of G's observations by the
 * games' invariants (each game's FrameRules, env/games/*.ts). A Bernoulli VAE draws each of the 700 cells independently given its latent
 * code, so an object whose place the code leaves uncertain comes out twice or not at all: measured on this code,
 * about two thirds of the observation VAE's samples break every game's rules (a Breakout frame with no paddle, a
 * Freeway frame with two chickens), and the old network's values on them teach the new one nothing any game will
 * ask. Rejecting them keeps both the scholar's replay and the next generator's training on frames a game could
 * show; the audit still measures the raw generator, so how much is rejected stays visible.
 *
 * Two rules (config generator.keep): 'valid' draws each batch afresh and keeps what satisfies a game's
 * invariants; 'exact' keeps only frames the game could draw (isGameFrame), which a generator dreams too seldom
 * to fill a batch by rejection (on MinAtar-style Freeway about 1 % of a β-VAE's samples have all eight cars in
 * place, where 23 % pass the invariants; measured on this code), so it draws a pool once — up to POOL_DRAWS
 * samples, until every game has `perGame` exact dreams — and replays from it. A pool is a finite sample of the
 * same filtered G, as ER's buffer is a finite sample of the real games.
 *
 * A Generator itself, delegating everything but sampling, so core's generator training replays through it.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng, RngSnapshot } from '../core/engine/random.ts';
import type { Generator } from '../core/generators/generator.ts';
import { equalShares } from '../core/replay/shares.ts';
import type { AdamState } from '../core/nn/adam.ts';
import type { WeightSet } from '../core/nn/weights.ts';
import { OBSERVATION_SIZE } from '../env/layout.ts';
import type { GameName } from '../env/types.ts';
import { isGameFrame, satisfiesInvariants } from '../env/games/index.ts';
import type { DreamPoolStats } from './audit.ts';

/** Rounds of n samples drawn before giving up on a full batch of valid ones (an untrained generator's samples
 *  are almost never valid: the batch is then topped up with rejected samples rather than never finishing). */
const MAX_ROUNDS = 16;

/** Most samples drawn to fill a pool of exact dreams, and the samples drawn per round. */
const POOL_DRAWS = 1_000_000;
const POOL_ROUND = 4096;

/** The pool an 'exact' keep replays from: up to `perGame` dreams per game, picked from with `rng`. */
export interface DreamPoolSettings {
  readonly perGame: number;
  readonly rng: Rng;
}

/** What a filter cost: the generator's samples it drew, the dreams it handed on, and its seconds. */
export interface DrawStats {
  readonly drawn: number;
  readonly replayed: number;
  readonly seconds: number;
}

export class ValidDreams implements Generator {
  readonly kind: Generator['kind'];

  private pool: { readonly dreams: Uint8Array[]; readonly kept: number[]; readonly draws: number } | null = null;
  private draws = { drawn: 0, replayed: 0, seconds: 0 };

  constructor(
    private readonly inner: Generator,
    private readonly games: readonly GameName[],
    private readonly exact: DreamPoolSettings | null = null,
  ) {
    this.kind = inner.kind;
  }

  /** The pool's draws and kept dreams per game (null before the first sample, or without an exact keep). */
  poolStats(): DreamPoolStats | null {
    return this.pool && { draws: this.pool.draws, kept: [...this.pool.kept] };
  }

  /** Samples drawn and dreams handed on so far, and the time it took: where a rare game's dreams cost. */
  drawStats(): DrawStats {
    return { ...this.draws };
  }

  /** n dreams of the seen games, by the keep's rule: exact ones from the pool, or valid ones batch by batch. */
  sample(n: number): tf.Tensor2D {
    const started = performance.now();
    const dreams = this.exact ? this.sampleFromPool(n, this.exact) : this.sampleValid(n);
    this.draws.replayed += n;
    this.draws.seconds += (performance.now() - started) / 1000;
    return dreams;
  }

  /** n of the inner generator's samples, counted. */
  private drawInner(n: number): Float32Array {
    const drawn = this.inner.sample(n);
    const values = drawn.dataSync() as Float32Array;
    drawn.dispose();
    this.draws.drawn += n;
    return values;
  }

  /**
   * n valid samples (cells of 0/1, as the inner generator draws them), an equal share for each game seen: the
   * VAE dreams some games' valid frames far more readily than others (offline, a generator trained on Breakout
   * then Freeway had 99 % of its valid dreams be Breakout frames), and a replay of one game keeps only that one —
   * ER's buffer keeps an equal share per game for the same reason. Where MAX_ROUNDS rounds leave a game short,
   * the batch is topped up with other games' valid dreams, then with rejected ones.
   */
  private sampleValid(n: number): tf.Tensor2D {
    const quota = equalShares(n, this.games.length);
    const games = this.games.length;
    const taken = new Array<number>(games).fill(0);
    const out = new Float32Array(n * OBSERVATION_SIZE);
    const cells = new Uint8Array(OBSERVATION_SIZE);
    const spare: Float32Array[] = [];
    let rejected: Float32Array[] = [];
    let filled = 0;
    const put = (row: Float32Array): void => {
      out.set(row, filled * OBSERVATION_SIZE);
      filled += 1;
    };
    for (let round = 0; round < MAX_ROUNDS && filled < n; round++) {
      const values = this.drawInner(n);
      rejected = [];
      for (let k = 0; k < n && filled < n; k++) {
        const row = values.subarray(k * OBSERVATION_SIZE, (k + 1) * OBSERVATION_SIZE);
        drawnCells(row, cells);
        const shows = this.games.map((game) => satisfiesInvariants(game, cells));
        const g = shows.findIndex((valid, i) => valid && taken[i] < quota[i]);
        if (g >= 0) {
          taken[g] += 1;
          put(row);
        } else if (shows.some(Boolean)) {
          // A batch never needs more than n top-ups: holding more would only keep drawn arrays alive.
          if (spare.length < n) spare.push(row);
        } else rejected.push(row);
      }
    }
    for (const row of [...spare, ...rejected]) if (filled < n) put(row);
    return tf.tensor2d(out, [n, OBSERVATION_SIZE]);
  }

  /** n exact dreams from the pool (drawn on first use), an equal share per game that has any; a pool with none
   *  at all (a generator that has barely trained) falls back to valid dreams, batch by batch. */
  private sampleFromPool(n: number, settings: DreamPoolSettings): tf.Tensor2D {
    const pool = (this.pool ??= this.drawPool(settings.perGame));
    const games = this.games.map((_, g) => g).filter((g) => pool.kept[g] > 0);
    if (games.length === 0) return this.sampleValid(n);
    const quota = equalShares(n, games.length);
    const out = new Float32Array(n * OBSERVATION_SIZE);
    let filled = 0;
    games.forEach((g, i) => {
      for (let k = 0; k < quota[i]; k++, filled++) {
        const row = settings.rng.int(pool.kept[g]);
        out.set(pool.dreams[g].subarray(row * OBSERVATION_SIZE, (row + 1) * OBSERVATION_SIZE), filled * OBSERVATION_SIZE);
      }
    });
    return tf.tensor2d(out, [n, OBSERVATION_SIZE]);
  }

  private drawPool(perGame: number): { dreams: Uint8Array[]; kept: number[]; draws: number } {
    const dreams = this.games.map(() => new Uint8Array(perGame * OBSERVATION_SIZE));
    const kept = this.games.map(() => 0);
    const cells = new Uint8Array(OBSERVATION_SIZE);
    let draws = 0;
    while (draws < POOL_DRAWS && kept.some((k) => k < perGame)) {
      const values = this.drawInner(POOL_ROUND);
      draws += POOL_ROUND;
      for (let k = 0; k < POOL_ROUND; k++) {
        drawnCells(values.subarray(k * OBSERVATION_SIZE, (k + 1) * OBSERVATION_SIZE), cells);
        const g = this.games.findIndex((game, i) => kept[i] < perGame && isGameFrame(game, cells));
        if (g < 0) continue;
        dreams[g].set(cells, kept[g] * OBSERVATION_SIZE);
        kept[g] += 1;
      }
    }
    return { dreams, kept, draws };
  }

  trainStep(real: tf.Tensor2D, replayed: tf.Tensor2D | null, r: number): tf.Scalar {
    return this.inner.trainStep(real, replayed, r);
  }

  reseed(rng: Rng): void {
    this.inner.reseed(rng);
  }

  noiseStreams(): RngSnapshot[] {
    return this.inner.noiseStreams();
  }

  resumeNoise(streams: readonly RngSnapshot[]): void {
    this.inner.resumeNoise(streams);
  }

  /** Goes on counting from a lesson's draws before it was checkpointed in its middle (agent/run.ts). */
  resumeDraws(stats: DrawStats): void {
    this.draws = { ...stats };
  }

  weights(): WeightSet {
    return this.inner.weights();
  }

  setWeights(weights: WeightSet): void {
    this.inner.setWeights(weights);
  }

  optimizerState(): AdamState[] {
    return this.inner.optimizerState();
  }

  restoreOptimizer(state: AdamState[]): void {
    this.inner.restoreOptimizer(state);
  }

  /** The inner generator belongs to the scholar: disposing the filter leaves it alone. */
  dispose(): void {}
}

/** One drawn sample's cells as 0/1 bytes, the form the games' rules read. */
function drawnCells(sample: Float32Array, cells: Uint8Array): void {
  for (let c = 0; c < OBSERVATION_SIZE; c++) cells[c] = sample[c] >= 0.5 ? 1 : 0;
}
