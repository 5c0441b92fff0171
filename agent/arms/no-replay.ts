/**
 * None, and the arms that protect the old games by a penalty on the weights instead (EWC, online EWC, SI): Q_k
 * learns each game from its short-term learner alone, s' is nothing.
 */
import type { ReplaySource } from './source.ts';

export class NoReplay implements ReplaySource {
  sample(): null {
    return null;
  }

  afterTask(): void {}

  arrays(): Record<string, never> {
    return {};
  }

  restore(): void {}
}
