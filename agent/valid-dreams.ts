/**
 * Dreams kept only when some game seen so far could show them: rejection sampling of G's observations by the
 * games' invariants (./audit.ts). A Bernoulli VAE draws each of the 700 cells independently given its latent
 * code, so an object whose place the code leaves uncertain comes out twice or not at all: measured on this code,
 * about two thirds of the observation VAE's samples break every game's rules (a Breakout frame with no paddle, a
 * Freeway frame with two chickens), and the old network's values on them teach the new one nothing any game will
 * ask. Rejecting them keeps both the scholar's replay and the next generator's training on frames a game could
 * show; the audit still measures the raw generator, so how much is rejected stays visible.
 *
 * A Generator itself, delegating everything but sampling, so core's generator training replays through it.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../core/engine/random.ts';
import type { Generator } from '../core/generators/generator.ts';
import type { AdamState } from '../core/nn/adam.ts';
import type { WeightSet } from '../core/nn/weights.ts';
import { OBSERVATION_SIZE } from '../env/layout.ts';
import type { GameName } from '../env/types.ts';
import { satisfiesInvariants } from './audit.ts';

/** Rounds of n samples drawn before giving up on a full batch of valid ones (an untrained generator's samples
 *  are almost never valid: the batch is then topped up with rejected samples rather than never finishing). */
const MAX_ROUNDS = 16;

export class ValidDreams implements Generator {
  readonly kind: Generator['kind'];

  constructor(
    private readonly inner: Generator,
    private readonly games: readonly GameName[],
  ) {
    this.kind = inner.kind;
  }

  /**
   * n valid samples (cells of 0/1, as the inner generator draws them), an equal share for each game seen: the
   * VAE dreams some games' valid frames far more readily than others (offline, a generator trained on Breakout
   * then Freeway had 99 % of its valid dreams be Breakout frames), and a replay of one game keeps only that one —
   * ER's buffer keeps an equal share per game for the same reason. Where MAX_ROUNDS rounds leave a game short,
   * the batch is topped up with other games' valid dreams, then with rejected ones.
   */
  sample(n: number): tf.Tensor2D {
    const games = this.games.length;
    const quota = this.games.map((_, g) => Math.floor(n / games) + (g < n % games ? 1 : 0));
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
      const drawn = this.inner.sample(n);
      const values = drawn.dataSync() as Float32Array;
      drawn.dispose();
      rejected = [];
      for (let k = 0; k < n && filled < n; k++) {
        const row = values.subarray(k * OBSERVATION_SIZE, (k + 1) * OBSERVATION_SIZE);
        for (let c = 0; c < OBSERVATION_SIZE; c++) cells[c] = row[c] >= 0.5 ? 1 : 0;
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

  trainStep(real: tf.Tensor2D, replayed: tf.Tensor2D | null, r: number): tf.Scalar {
    return this.inner.trainStep(real, replayed, r);
  }

  reseed(rng: Rng): void {
    this.inner.reseed(rng);
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
