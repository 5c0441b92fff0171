/**
 * What every game shares: N copies whose state lives in typed arrays (one slot per copy), the step loop
 * with "same step" autoreset, the episode clock, and drawing into the shared observation buffer. A game
 * subclass only says how an episode begins, how one copy advances by one step, and how it is drawn.
 */
import { OBSERVATION_SIZE } from '../layout.ts';
import { checkSeed, RNG_WORDS, seedRng, STREAM_GAME } from '../rng.ts';
import { type BoxSpace, type DiscreteSpace, type GameName, type MultiDiscreteSpace, VectorArrays, type VectorEnv } from '../types.ts';
import {
  batchActionSpace,
  batchObservationSpace,
  checkActions,
  createBuffers,
  SINGLE_ACTION_SPACE,
  saveFinalObservation,
  SINGLE_OBSERVATION_SPACE,
  type VectorBuffers,
} from '../vector.ts';

export interface GameOptions {
  /** Name reported in info (the task's name). */
  readonly taskName: string;
  /** Whether the game gets harder during an episode (each game says how). */
  readonly ramping: boolean;
  /** Episodes are truncated after this many steps. */
  readonly maxEpisodeSteps: number;
}

export abstract class VectorGame extends VectorArrays implements VectorEnv {
  readonly taskName: string;
  readonly singleObservationSpace: BoxSpace = SINGLE_OBSERVATION_SPACE;
  readonly observationSpace: BoxSpace;
  readonly singleActionSpace: DiscreteSpace = SINGLE_ACTION_SPACE;
  readonly actionSpace: MultiDiscreteSpace;
  /** Each copy's generator (sfc32, RNG_WORDS words per copy). */
  readonly rng: Uint32Array;
  protected readonly ramping: boolean;
  private readonly maxEpisodeSteps: number;
  private started = false;
  private readonly buffers: VectorBuffers;

  constructor(
    readonly game: GameName,
    numEnvs: number,
    options: GameOptions,
    buffers: VectorBuffers = createBuffers(numEnvs),
  ) {
    if (buffers.numEnvs !== numEnvs) throw new Error(`buffers hold ${buffers.numEnvs} copies, expected ${numEnvs}`);
    super(buffers);
    this.buffers = buffers;
    this.taskName = options.taskName;
    this.ramping = options.ramping;
    this.maxEpisodeSteps = options.maxEpisodeSteps;
    this.observationSpace = batchObservationSpace(numEnvs);
    this.actionSpace = batchActionSpace(numEnvs);
    this.rng = new Uint32Array(numEnvs * RNG_WORDS);
    // Never unseeded: without an explicit seed a fresh env behaves as if reset(0) had seeded it.
    for (let i = 0; i < numEnvs; i++) seedRng(this.rng, i, i, STREAM_GAME);
  }

  /** Sets copy i to the first state of a new episode (its generator is ready to draw from). */
  protected abstract begin(i: number): void;
  /** Advances copy i by one step; returns the reward and sets terminated[i] / truncated[i] when it ends. */
  protected abstract advance(i: number, action: number): number;
  /** Sets copy i's cells in `obs` (already zeroed) from `offset` on. */
  protected abstract draw(i: number, obs: Uint8Array, offset: number): void;

  reset(seed?: number): void {
    if (seed !== undefined) checkSeed(seed);
    for (let i = 0; i < this.numEnvs; i++) this.resetCopy(i, seed === undefined ? undefined : (seed + i) >>> 0);
  }

  resetCopy(index: number, seed?: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.numEnvs) {
      throw new Error(`copy index must be an integer in [0, ${this.numEnvs - 1}], got ${index}`);
    }
    if (seed !== undefined) seedRng(this.rng, index, checkSeed(seed), STREAM_GAME);
    this.startEpisode(index);
    this.started = true;
  }

  step(actions: ArrayLike<number>): void {
    if (!this.started) throw new Error('call reset() before step()');
    checkActions(actions, this.numEnvs);
    const obs = this.observations;
    for (let i = 0; i < this.numEnvs; i++) {
      this.terminated[i] = 0;
      this.truncated[i] = 0;
      const reward = this.advance(i, actions[i]);
      this.rewards[i] = reward;
      this.scores[i] += reward;
      const frame = ++this.frames[i];
      if (frame >= this.maxEpisodeSteps && this.terminated[i] === 0) this.truncated[i] = 1;
      const offset = i * OBSERVATION_SIZE;
      obs.fill(0, offset, offset + OBSERVATION_SIZE);
      this.draw(i, obs, offset);
      if (this.terminated[i] !== 0 || this.truncated[i] !== 0) {
        saveFinalObservation(this.buffers, i);
        this.episodeReturns[i] = this.scores[i];
        this.episodeLengths[i] = frame;
        this.startEpisode(i);
      }
    }
  }

  private startEpisode(i: number): void {
    this.scores[i] = 0;
    this.frames[i] = 0;
    this.begin(i);
    const offset = i * OBSERVATION_SIZE;
    this.observations.fill(0, offset, offset + OBSERVATION_SIZE);
    this.draw(i, this.observations, offset);
  }
}
