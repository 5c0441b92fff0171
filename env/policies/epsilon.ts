/** A policy that acts at random with probability ε and otherwise as another policy: played frames that cover more
 *  of a game than its script alone reaches (a learner in training acts so too, ε-greedy). */
import { randomFloat, randomInt, seedRng, STREAM_EPSILON } from '../rng.ts';
import { ACTIONS } from '../types.ts';
import type { Policy } from './policy.ts';

export class EpsilonPolicy implements Policy {
  readonly name: string;
  /** Its own stream (the coin and the random action), so exploring does not shift the inner policy's draws. */
  private readonly rng = new Uint32Array(4);

  constructor(
    private readonly inner: Policy,
    private readonly epsilon: number,
  ) {
    if (!(epsilon >= 0 && epsilon <= 1)) throw new Error(`epsilon must be in [0, 1], got ${epsilon}`);
    this.name = `${inner.name} ε=${epsilon}`;
  }

  reset(seed: number): void {
    this.inner.reset(seed);
    seedRng(this.rng, 0, seed, STREAM_EPSILON);
  }

  act(observation: Uint8Array): number {
    // The inner policy sees every frame, so one with memory (Freeway's script times the cars) keeps track.
    const chosen = this.inner.act(observation);
    return randomFloat(this.rng, 0) < this.epsilon ? randomInt(this.rng, 0, ACTIONS.length) : chosen;
  }
}
