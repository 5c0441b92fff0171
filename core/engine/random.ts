/**
 * The one seeded random source. Everything random in a run (data order, task permutations, weight init,
 * noise, replay sampling) draws from an Rng derived from the run's seed, so a run is reproducible from its
 * saved config on the same backend.
 *
 * Generator: sfc32 (small, fast, 128-bit state that is trivially saved in a checkpoint), seeded through
 * splitmix32 so nearby seeds give unrelated streams.
 */
export type RngState = [number, number, number, number];
/** A stream as it stands, to go on from exactly: its state and the second normal of a Box-Muller pair it holds
 *  (null when none), which the state alone leaves out. */
export type RngSnapshot = { readonly state: RngState; readonly spareNormal: number | null };

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
    const mix = splitmix32(seed);
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** A generator restored from a saved state (checkpoints). */
  static fromState(state: RngState): Rng {
    const rng = new Rng(0);
    [rng.a, rng.b, rng.c, rng.d] = state.map((v) => v >>> 0) as RngState;
    return rng;
  }

  state(): RngState {
    return [this.a, this.b, this.c, this.d];
  }

  /** The stream where it stands (a lesson checkpointed in its middle, agent/run.ts), spare normal included. */
  snapshot(): RngSnapshot {
    return { state: this.state(), spareNormal: this.spareNormal };
  }

  /** A generator that goes on exactly as the one a snapshot was taken of. */
  static fromSnapshot(snapshot: RngSnapshot): Rng {
    const rng = Rng.fromState(snapshot.state);
    rng.spareNormal = snapshot.spareNormal;
    return rng;
  }

  /**
   * An independent child stream named by `label`, e.g. one per task or per component. Forking does not advance
   * this stream, so a child depends only on the parent's state and the label: adding a fork in one place does
   * not shift any other random choice, and a resumed run derives the same children.
   */
  fork(label: string): Rng {
    let h = (this.a ^ Math.imul(this.b, 0x9e3779b1) ^ Math.imul(this.c, 0x85ebca77) ^ Math.imul(this.d, 0xc2b2ae3d)) >>> 0;
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
    return new Rng(h | 0);
  }

  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal (Box-Muller, both values used). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** A 32-bit seed for a tfjs random op (tf.randomNormal(..., seed)), drawn from this stream. */
  seed(): number {
    return this.nextUint32();
  }

  fillNormal(out: Float32Array, std = 1, mean = 0): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = mean + std * this.normal();
    return out;
  }

  fillUniform(out: Float32Array, low = 0, high = 1): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = low + (high - low) * this.uniform();
    return out;
  }

  /** In-place Fisher-Yates shuffle. */
  shuffle<T extends { length: number; [i: number]: unknown }>(xs: T): T {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = xs[i];
      xs[i] = xs[j];
      xs[j] = t;
    }
    return xs;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }
}
