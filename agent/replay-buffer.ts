/**
 * The short-term learner's experience replay (Mnih et al. 2015): a ring of the newest `capacity` transitions
 * (s, a, r, s', done), observations stored as uint8 cells (700 bytes each), sampled uniformly with the run's Rng.
 */
import type { Rng } from '../core/engine/random.ts';
import { OBSERVATION_SIZE } from '../env/layout.ts';

export interface TransitionBatch {
  readonly observations: Float32Array;
  readonly nextObservations: Float32Array;
  readonly actions: Int32Array;
  readonly rewards: Float32Array;
  /** 1 where the episode ended by the game's rules (no bootstrap), else 0; a truncation bootstraps. */
  readonly terminals: Float32Array;
  readonly size: number;
}

/** A buffer's whole contents and ring position (a learner stopped mid-game saves it in its checkpoint). */
export interface ReplayBufferState {
  readonly observations: Uint8Array;
  readonly nextObservations: Uint8Array;
  readonly actions: Uint8Array;
  readonly rewards: Float32Array;
  readonly terminals: Uint8Array;
  readonly next: number;
  readonly size: number;
}

export class ReplayBuffer {
  private readonly observations: Uint8Array;
  private readonly nextObservations: Uint8Array;
  private readonly actions: Uint8Array;
  private readonly rewards: Float32Array;
  private readonly terminals: Uint8Array;
  private next = 0;
  /** Transitions held (at most capacity). */
  size = 0;

  constructor(readonly capacity: number) {
    this.observations = new Uint8Array(capacity * OBSERVATION_SIZE);
    this.nextObservations = new Uint8Array(capacity * OBSERVATION_SIZE);
    this.actions = new Uint8Array(capacity);
    this.rewards = new Float32Array(capacity);
    this.terminals = new Uint8Array(capacity);
  }

  /** Adds one transition; `observation` and `nextObservation` are 700-byte views (copied in). */
  add(observation: Uint8Array, action: number, reward: number, nextObservation: Uint8Array, terminal: boolean): void {
    const at = this.next * OBSERVATION_SIZE;
    this.observations.set(observation, at);
    this.nextObservations.set(nextObservation, at);
    this.actions[this.next] = action;
    this.rewards[this.next] = reward;
    this.terminals[this.next] = terminal ? 1 : 0;
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  sample(batchSize: number, rng: Rng): TransitionBatch {
    if (this.size === 0) throw new Error('sampling an empty replay buffer');
    const batch = {
      observations: new Float32Array(batchSize * OBSERVATION_SIZE),
      nextObservations: new Float32Array(batchSize * OBSERVATION_SIZE),
      actions: new Int32Array(batchSize),
      rewards: new Float32Array(batchSize),
      terminals: new Float32Array(batchSize),
      size: batchSize,
    };
    for (let k = 0; k < batchSize; k++) {
      const i = rng.int(this.size);
      const from = i * OBSERVATION_SIZE;
      const to = k * OBSERVATION_SIZE;
      for (let c = 0; c < OBSERVATION_SIZE; c++) {
        batch.observations[to + c] = this.observations[from + c];
        batch.nextObservations[to + c] = this.nextObservations[from + c];
      }
      batch.actions[k] = this.actions[i];
      batch.rewards[k] = this.rewards[i];
      batch.terminals[k] = this.terminals[i];
    }
    return batch;
  }

  state(): ReplayBufferState {
    const { observations, nextObservations, actions, rewards, terminals, next, size } = this;
    return { observations: observations.slice(), nextObservations: nextObservations.slice(), actions: actions.slice(), rewards: rewards.slice(), terminals: terminals.slice(), next, size };
  }

  restore(state: ReplayBufferState): void {
    if (state.actions.length !== this.capacity || state.observations.length !== this.observations.length || state.nextObservations.length !== this.observations.length) {
      throw new Error(`replay buffer state holds ${state.actions.length} transitions, expected a capacity of ${this.capacity}`);
    }
    if (!(state.size >= 0 && state.size <= this.capacity && state.next >= 0 && state.next < this.capacity)) throw new Error(`replay buffer state: size ${state.size} or position ${state.next} out of range`);
    this.observations.set(state.observations);
    this.nextObservations.set(state.nextObservations);
    this.actions.set(state.actions);
    this.rewards.set(state.rewards);
    this.terminals.set(state.terminals);
    this.next = state.next;
    this.size = state.size;
  }

  /** The newest `n` observations (s of the newest transitions), oldest first, as one uint8 array. */
  newestObservations(n: number): Uint8Array {
    const count = Math.min(n, this.size);
    const out = new Uint8Array(count * OBSERVATION_SIZE);
    for (let k = 0; k < count; k++) {
      const i = (this.next - count + k + this.capacity) % this.capacity;
      out.set(this.observations.subarray(i * OBSERVATION_SIZE, (i + 1) * OBSERVATION_SIZE), k * OBSERVATION_SIZE);
    }
    return out;
  }
}
