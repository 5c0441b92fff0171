/**
 * One copy of a task behind Gymnasium's single-env API, built on the same vectorised code (one copy) so the
 * viewer, a human player, recordings and training all run the same step function.
 */
import { CHANNELS, OBSERVATION_SIZE } from './layout.ts';
import { createVectorEnv, resolveTask, type Task } from './task.ts';
import type { BoxSpace, DiscreteSpace, Env, EnvInfo, StepResult, VectorEnv } from './types.ts';
import { actionError } from './vector.ts';

export class SingleEnv implements Env {
  readonly observationSpace: BoxSpace;
  readonly actionSpace: DiscreteSpace;
  readonly channels = CHANNELS;
  private readonly vector: VectorEnv;
  private readonly action = new Uint8Array(1);
  /** No step allowed until reset(): before the first one, or after an episode ended. */
  private episodeOver = true;
  /** The last step ended an episode, so the frame to show is its final one. */
  private ended = false;

  constructor(readonly task: Task) {
    this.vector = createVectorEnv(task, 1);
    this.observationSpace = this.vector.singleObservationSpace;
    this.actionSpace = this.vector.singleActionSpace;
  }

  /**
   * Without a seed after an episode ended, the next episode is the one the vectorised env already started
   * (same-step autoreset), so a single env and copy i of a vectorised env play identical episode sequences.
   */
  reset(seed?: number): { observation: Uint8Array; info: EnvInfo } {
    if (seed !== undefined || !this.ended) this.vector.resetCopy(0, seed);
    this.episodeOver = false;
    this.ended = false;
    return { observation: this.render(), info: this.info(0, 0) };
  }

  step(action: number): StepResult {
    if (this.episodeOver) throw new Error('the episode is over (or never started): call reset() before step()');
    if (!(action >= 0 && action < this.actionSpace.n && Math.floor(action) === action)) throw actionError(action);
    this.action[0] = action;
    const v = this.vector;
    v.step(this.action);
    const terminated = v.terminated[0] === 1;
    const truncated = v.truncated[0] === 1;
    const reward = v.rewards[0];
    if (!terminated && !truncated) {
      return { observation: this.render(), reward, terminated, truncated, info: this.info(v.scores[0], v.frames[0]) };
    }
    // The vector env has already started the next episode; report the one that ended.
    this.episodeOver = true;
    this.ended = true;
    return {
      observation: this.render(),
      reward,
      terminated,
      truncated,
      info: this.info(v.episodeReturns[0], v.episodeLengths[0]),
    };
  }

  render(): Uint8Array {
    const source = this.ended ? this.vector.finalObservations : this.vector.observations;
    return source.slice(0, OBSERVATION_SIZE);
  }

  private info(score: number, frame: number): EnvInfo {
    return { task: this.task.name, game: this.task.game, score, frame };
  }
}

/** One copy of a task given by name (game or variant) or as task data. */
export function makeEnv(task: unknown): SingleEnv {
  return new SingleEnv(resolveTask(task));
}
