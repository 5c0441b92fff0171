/**
 * A tiny seeded generator for the games: sfc32 over four uint32 words that live in a caller's Uint32Array,
 * so N copies of a game keep their generators side by side in one typed array and drawing a number
 * allocates nothing. (core/engine/random.ts has the same generator as a class; env/ stays independent of
 * core/ so it can run in the browser viewer without the training stack.)
 */
export const RNG_WORDS = 4;

/** Different streams for different consumers of one seed (game rules, sticky actions, policies). */
export const STREAM_GAME = 0x6a09e667;
export const STREAM_STICKY = 0xbb67ae85;
export const STREAM_POLICY = 0x3c6ef372;
export const STREAM_EPSILON = 0xa54ff53a;

const TWO_POW_32 = 4294967296;

/** Seeds slot `slot` of `state` (words slot*4 .. slot*4+3) from `seed` and a stream constant. */
export function seedRng(state: Uint32Array, slot: number, seed: number, stream: number): void {
  // splitmix32 spreads nearby seeds and streams into unrelated starting states.
  let s = (seed ^ Math.imul(stream, 0x9e3779b1)) >>> 0;
  const o = slot * RNG_WORDS;
  for (let k = 0; k < RNG_WORDS; k++) {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    state[o + k] = z ^ (z >>> 16);
  }
  for (let k = 0; k < 12; k++) nextUint32(state, slot);
}

export function nextUint32(state: Uint32Array, slot: number): number {
  const o = slot * RNG_WORDS;
  const a = state[o];
  const b = state[o + 1];
  const c = state[o + 2];
  const d = state[o + 3];
  const d1 = (d + 1) >>> 0;
  const t = (a + b + d1) >>> 0;
  // Uint32Array stores wrap modulo 2^32, which is the arithmetic sfc32 wants.
  state[o] = b ^ (b >>> 9);
  state[o + 1] = c + (c << 3);
  state[o + 2] = ((c << 21) | (c >>> 11)) + t;
  state[o + 3] = d1;
  return t;
}

/** Uniform in [0, 1). */
export function randomFloat(state: Uint32Array, slot: number): number {
  return nextUint32(state, slot) / TWO_POW_32;
}

/** Uniform integer in [0, n). */
export function randomInt(state: Uint32Array, slot: number, n: number): number {
  return Math.floor((nextUint32(state, slot) / TWO_POW_32) * n);
}

/** Checks a seed at the API boundary: seeds are uint32 so that `seed + i` per copy stays exact. */
export function checkSeed(seed: number): number {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new Error(`seed must be an integer in [0, 4294967295], got ${seed}`);
  }
  return seed;
}
