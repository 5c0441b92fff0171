/** Small IDX files for tests: a big-endian header then unsigned bytes. */
export function idxImages(count: number, rows: number, cols: number, pixels?: Uint8Array, magic = 2051): Uint8Array {
  const out = new Uint8Array(16 + count * rows * cols);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic);
  view.setUint32(4, count);
  view.setUint32(8, rows);
  view.setUint32(12, cols);
  if (pixels) out.set(pixels, 16);
  return out;
}

export function idxLabels(labels: ArrayLike<number>, magic = 2049): Uint8Array {
  const out = new Uint8Array(8 + labels.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic);
  view.setUint32(4, labels.length);
  out.set(Array.from(labels), 8);
  return out;
}
