/**
 * Sticky actions (Machado et al. 2018, as in MinAtar): with probability p the env repeats the action it
 * executed on the previous step instead of the one chosen, so a policy cannot rely on exact timing. Each
 * copy has its own generator (stream STREAM_STICKY of the copy's seed); a new episode starts from no-op.
 */
import { checkSeed, randomFloat, RNG_WORDS, seedRng, STREAM_STICKY } from './rng.ts';
import type { VectorEnv } from './types.ts';
import { checkActions, VectorWrapper } from './vector.ts';

export class StickyActions extends VectorWrapper {
  /** The action each copy executed last. */
  readonly executed: Uint8Array;
  private readonly rng: Uint32Array;

  constructor(
    inner: VectorEnv,
    readonly probability: number,
  ) {
    super(inner);
    if (!(probability >= 0 && probability < 1)) {
      throw new Error(`sticky action probability must be in [0, 1), got ${probability}`);
    }
    this.executed = new Uint8Array(this.numEnvs);
    this.rng = new Uint32Array(this.numEnvs * RNG_WORDS);
    for (let i = 0; i < this.numEnvs; i++) seedRng(this.rng, i, i, STREAM_STICKY);
  }

  override reset(seed?: number): void {
    this.inner.reset(seed);
    if (seed !== undefined) {
      checkSeed(seed);
      for (let i = 0; i < this.numEnvs; i++) seedRng(this.rng, i, (seed + i) >>> 0, STREAM_STICKY);
    }
    this.executed.fill(0);
  }

  override resetCopy(index: number, seed?: number): void {
    this.inner.resetCopy(index, seed);
    if (seed !== undefined) seedRng(this.rng, index, seed, STREAM_STICKY);
    this.executed[index] = 0;
  }

  override step(actions: ArrayLike<number>): void {
    checkActions(actions, this.numEnvs);
    const executed = this.executed;
    for (let i = 0; i < this.numEnvs; i++) {
      if (randomFloat(this.rng, i) >= this.probability) executed[i] = actions[i];
    }
    this.inner.step(executed);
    for (let i = 0; i < this.numEnvs; i++) {
      if (this.terminated[i] !== 0 || this.truncated[i] !== 0) executed[i] = 0;
    }
  }
}
