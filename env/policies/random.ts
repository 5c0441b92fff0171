/** Uniformly random actions: the floor that normalised scores start from. */
import { randomInt, seedRng, STREAM_POLICY } from '../rng.ts';
import { ACTIONS } from '../types.ts';
import type { Policy } from './policy.ts';

export class RandomPolicy implements Policy {
  readonly name = 'random';
  private readonly rng = new Uint32Array(4);

  constructor(seed = 0) {
    seedRng(this.rng, 0, seed, STREAM_POLICY);
  }

  reset(seed: number): void {
    seedRng(this.rng, 0, seed, STREAM_POLICY);
  }

  act(): number {
    return randomInt(this.rng, 0, ACTIONS.length);
  }
}
