/** Byte-for-byte equality of two arrays, fast enough for whole datasets (vitest's toEqual is not, on millions of
 *  elements). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}
