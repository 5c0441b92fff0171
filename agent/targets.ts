/**
 * Pinned results of the RL quick preset (`dgr check`): a change that silently breaks the learner, the
 * consolidation or the generative replay fails CI. Values were measured on this code (wasm, seed 1, the quick
 * preset: slow-traffic Freeway then Breakout, 40k frames each); the bands are wide enough for library
 * differences and narrow enough to catch a learner that stops learning or a scholar that keeps nothing.
 */
import type { AgentArm } from './config.ts';
import type { AgentResult } from './result.ts';

export interface RlTarget {
  readonly name: string;
  readonly description: string;
  readonly measured: number;
  readonly min: number;
  readonly max: number;
  /** The number the target pins, read from the quick run's result. */
  readonly read: (result: AgentResult) => number;
}

/** The arms the quick run needs for the targets (they share its learners). */
export const RL_TARGET_ARMS: readonly AgentArm[] = ['gr', 'none'];

const armOf = (result: AgentResult, arm: AgentArm) => {
  const found = result.arms.find((a) => a.arm === arm);
  if (!found) throw new Error(`the quick RL run has no arm ${arm}`);
  return found;
};

const band = (name: string, description: string, measured: number, width: number, read: RlTarget['read']): RlTarget => ({
  name,
  description,
  measured,
  min: measured - width,
  max: measured + width,
  read,
});

export const RL_QUICK_TARGETS: readonly RlTarget[] = [
  // `npx dgr rl --preset quick --arm gr none er noise offline` (the arms share learners; gr's and none's numbers do not
  // depend on which other arms run): the learner scored 20.75 on slow Freeway (random 0.6, scripted 57.7).
  band('rl/learner/freeway-slow', "the learner's normalised score on its game", 0.3529, 0.15, (r) => r.learners[0].normalised),
  band('rl/gr', "GR's scholar: normalised score on slow Freeway after Breakout", 0.0727, 0.05, (r) => armOf(r, 'gr').R[2][0]),
  band('rl/none', "None's scholar: normalised score on slow Freeway after Breakout", 0.0442, 0.05, (r) => armOf(r, 'none').R[2][0]),
];
