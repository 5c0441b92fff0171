/**
 * How much of the previous scholar's policy a consolidation kept, state by state: after game k, per earlier game i,
 * the share of states on which Q_k takes the greedy action Q_(k−1) took on them before game k was consolidated,
 * - on game i's real audit frames (the run's small audit set, drawn from the observations game i's own
 *   consolidation learnt from; an arm replaying real frames, as er, may hold some), and
 * - on the audit's dreams of G_(k−1) that resemble game i (what a generative arm replays; ./audit.ts).
 * The replay audit's agreement compares action histograms; this compares actions frame by frame, so an arm whose
 * Q_k copies its teacher on the states it replays but not on the game's own states shows it as dreams ≫ real.
 */
import type { Solver } from '../core/solvers/solver.ts';
import { OBSERVATION_SIZE } from '../env/layout.ts';
import { greedy } from './network.ts';

export interface ActionsKept {
  /** Per earlier game: the share of its real audit frames on which Q_k keeps Q_(k−1)'s greedy action. */
  readonly real: readonly number[];
  /** Per earlier game: the same share on the audit's dreams resembling it (null where none does); null without a
   *  generator. */
  readonly dreams: readonly (number | null)[] | null;
}

/** States with the actions Q_(k−1) took on them, taken before game k's consolidation changes the scholar. */
export interface TeacherActions {
  /** Per earlier game: its real audit frames and Q_(k−1)'s greedy actions on them. */
  readonly real: readonly { readonly frames: Uint8Array; readonly actions: Int32Array }[];
  /** The audit's dreams, Q_(k−1)'s actions on them and the game each resembles (-1: none); null without a generator. */
  readonly dreams: { readonly frames: Uint8Array; readonly actions: ArrayLike<number>; readonly resembles: Int32Array } | null;
}

/** Q_(k−1)'s greedy actions on each earlier game's real audit frames (the replay audit reads them too). */
export function teacherOnReal(previous: Solver, realFrames: readonly Uint8Array[]): TeacherActions['real'] {
  return realFrames.map((frames) => ({ frames, actions: greedyActions(previous, frames) }));
}

/** The share of each earlier game's states on which `scholar` (Q_k) takes the teacher's action. */
export function actionsKept(scholar: Solver, teacher: TeacherActions): ActionsKept {
  const real = teacher.real.map(({ frames, actions }) => agreement(greedyActions(scholar, frames), actions, () => true) ?? 0);
  const { dreams } = teacher;
  if (dreams === null) return { real, dreams: null };
  const now = greedyActions(scholar, dreams.frames);
  return { real, dreams: teacher.real.map((_, g) => agreement(now, dreams.actions, (k) => dreams.resembles[k] === g)) };
}

/** The share of the states picked by `keep` on which both action lists agree (null: none picked). */
export function agreement(a: ArrayLike<number>, b: ArrayLike<number>, keep: (k: number) => boolean): number | null {
  let same = 0;
  let total = 0;
  for (let k = 0; k < a.length; k++) {
    if (!keep(k)) continue;
    total += 1;
    if (a[k] === b[k]) same += 1;
  }
  return total === 0 ? null : same / total;
}

function greedyActions(q: Solver, frames: Uint8Array): Int32Array {
  return greedy(q, frames, frames.length / OBSERVATION_SIZE).actions;
}
