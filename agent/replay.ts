/**
 * Real observations as the arms keep them: drawing rows of a game's observations, and the memory of real past
 * frames that ER (./arms/real-frames.ts) and Offline (./arms/past-frames.ts) replay from.
 */
import { floatArrays, type CheckpointArray } from '../core/checkpoint.ts';
import type { Rng } from '../core/engine/random.ts';
import { OBSERVATION_SIZE } from '../env/layout.ts';
import { ACTION_COUNT } from './network.ts';

/** Draws `n` rows of `observations` (uint8, m × 700) at random, as floats [n, 700]. */
export function sampleObservations(observations: Uint8Array, n: number, rng: Rng): { x: Float32Array; rows: Int32Array } {
  const m = observations.length / OBSERVATION_SIZE;
  const x = new Float32Array(n * OBSERVATION_SIZE);
  const rows = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const row = rng.int(m);
    rows[k] = row;
    const from = row * OBSERVATION_SIZE;
    for (let c = 0; c < OBSERVATION_SIZE; c++) x[k * OBSERVATION_SIZE + c] = observations[from + c];
  }
  return { x, rows };
}

/**
 * Real observations kept per game: ER's bounded buffer (an equal share of `capacity` per game seen, Chaudhry
 * et al.'s balanced reservoir) or Offline's whole memory (with each game's teacher targets).
 */
export class ObservationMemory {
  readonly games: { observations: Uint8Array; targets: Float32Array | null }[] = [];

  constructor(private readonly capacity: number | null) {}

  /** Adds a game's observations (and, for Offline, its learner's targets); shrinks every game to its share. */
  add(observations: Uint8Array, targets: Float32Array | null, rng: Rng): void {
    this.games.push({ observations, targets });
    if (this.capacity === null) return;
    const share = Math.floor(this.capacity / this.games.length);
    this.games.forEach((g, i) => {
      const n = g.observations.length / OBSERVATION_SIZE;
      if (n <= share) return;
      const keep = rng.fork(`memory game ${i}`).permutation(n).slice(0, share).sort();
      const observations = new Uint8Array(share * OBSERVATION_SIZE);
      const targets = g.targets ? new Float32Array(share * ACTION_COUNT) : null;
      keep.forEach((row, k) => {
        observations.set(g.observations.subarray(row * OBSERVATION_SIZE, (row + 1) * OBSERVATION_SIZE), k * OBSERVATION_SIZE);
        targets?.set((g.targets as Float32Array).subarray(row * ACTION_COUNT, (row + 1) * ACTION_COUNT), k * ACTION_COUNT);
      });
      this.games[i] = { observations, targets };
    });
  }

  get size(): number {
    return this.games.reduce((s, g) => s + g.observations.length / OBSERVATION_SIZE, 0);
  }

  /** The kept frames (and targets, when kept) as checkpoint arrays. */
  arrays(): Record<string, CheckpointArray[]> {
    const arrays: Record<string, CheckpointArray[]> = { memory: this.games.map((g) => g.observations) };
    if (this.games.some((g) => g.targets !== null)) arrays.memoryTargets = this.games.map((g) => g.targets ?? new Float32Array(0));
    return arrays;
  }

  /** Puts back what `arrays` saved; `arm` names the memory in errors. */
  restore(arrays: Record<string, CheckpointArray[]>, arm: string): void {
    const observations = arrays.memory ?? [];
    const targets = floatArrays(arrays, 'memoryTargets') ?? [];
    this.games.length = 0;
    observations.forEach((o, i) => {
      if (!(o instanceof Uint8Array) || o.length % OBSERVATION_SIZE !== 0) throw new Error(`checkpoint: ${arm} memory of game ${i} is not uint8 observations`);
      this.games.push({ observations: o, targets: targets[i] ?? null });
    });
  }

  /** n observations drawn with each game equally likely, and their stored targets (when kept). */
  sample(n: number, rng: Rng): { x: Float32Array; targets: Float32Array | null } {
    const x = new Float32Array(n * OBSERVATION_SIZE);
    const withTargets = this.games.every((g) => g.targets !== null);
    const targets = withTargets ? new Float32Array(n * ACTION_COUNT) : null;
    for (let k = 0; k < n; k++) {
      const game = this.games[rng.int(this.games.length)];
      const row = rng.int(game.observations.length / OBSERVATION_SIZE);
      for (let c = 0; c < OBSERVATION_SIZE; c++) x[k * OBSERVATION_SIZE + c] = game.observations[row * OBSERVATION_SIZE + c];
      targets?.set((game.targets as Float32Array).subarray(row * ACTION_COUNT, (row + 1) * ACTION_COUNT), k * ACTION_COUNT);
    }
    return { x, targets };
  }
}
