/**
 * Learning without forgetting (LwF, Li & Hoiem 2017) in RL: s' is the new game's own batch s, y' = Q_(k−1)(s).
 * Q_(k−1) teaches on frames of the game being learnt — distillation without replay: nothing of the old games is
 * kept or dreamt, only the old network's values on what the new game shows.
 */
import type { Rng } from '../../core/engine/random.ts';
import { taughtByPrevious, type ReplayedBatch, type ReplaySource, type ReplayStep } from './source.ts';

export class CurrentFrames implements ReplaySource {
  sample(_n: number, step: ReplayStep, _rng: Rng): ReplayedBatch | null {
    return step.previous === null ? null : taughtByPrevious(step.current, step.previous);
  }

  afterTask(): void {}

  arrays(): Record<string, never> {
    return {};
  }

  restore(): void {}
}
