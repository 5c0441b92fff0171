/**
 * A minimal GIF reader for the tests only (no GIF decoder is among the project's packages): the logical screen,
 * the global colour table, and each image's delay and palette indices, decoded from its LZW data as the GIF89a
 * specification (https://www.w3.org/Graphics/GIF/spec-gif89a.txt, appendix F) describes. Frames are read as
 * full-screen images, which is what episode-gif.ts writes.
 */
import { GIF_CELL, SCORE_STRIP } from '../../env/episode-gif.ts';
import { GRID } from '../../env/layout.ts';
import { cellColour } from '../../env/palette.ts';

export interface GifImage {
  readonly delayMs: number;
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
  /** Palette index per pixel, row by row. */
  readonly indices: Uint8Array;
}

export interface DecodedGif {
  readonly width: number;
  readonly height: number;
  readonly palette: [number, number, number][];
  readonly images: GifImage[];
}

function lzwDecode(data: Uint8Array, minCodeSize: number, pixels: number): Uint8Array {
  const out = new Uint8Array(pixels);
  const clear = 1 << minCodeSize;
  const end = clear + 1;
  let dict: number[][] = [];
  let size = minCodeSize + 1;
  const reset = (): void => {
    dict = Array.from({ length: clear + 2 }, (_, i) => [i]);
    size = minCodeSize + 1;
  };
  reset();
  let prev: number[] | null = null;
  let n = 0;
  let bit = 0;
  while (bit + size <= data.length * 8) {
    let code = 0;
    for (let b = 0; b < size; b++, bit++) code |= ((data[bit >> 3] >> (bit & 7)) & 1) << b;
    if (code === clear) {
      reset();
      prev = null;
      continue;
    }
    if (code === end) break;
    const entry: number[] = code < dict.length ? dict[code] : [...prev!, prev![0]];
    if (prev) dict.push([...prev, entry[0]]);
    for (const v of entry) if (n < pixels) out[n++] = v;
    prev = entry;
    if (dict.length === 1 << size && size < 12) size++;
  }
  if (n !== pixels) throw new Error(`GIF image data decodes to ${n} pixels, expected ${pixels}`);
  return out;
}

export function readGif(bytes: Uint8Array): DecodedGif {
  const text = (at: number, n: number): string => String.fromCharCode(...bytes.subarray(at, at + n));
  const u16 = (at: number): number => bytes[at] | (bytes[at + 1] << 8);
  if (!/^GIF8[79]a$/.test(text(0, 6))) throw new Error(`not a GIF: starts ${JSON.stringify(text(0, 6))}`);
  const width = u16(6);
  const height = u16(8);
  const flags = bytes[10];
  let p = 13;
  const palette: [number, number, number][] = [];
  if (flags & 0x80) {
    const entries = 1 << ((flags & 7) + 1);
    for (let i = 0; i < entries; i++, p += 3) palette.push([bytes[p], bytes[p + 1], bytes[p + 2]]);
  }
  const subBlocks = (): Uint8Array => {
    const parts: number[] = [];
    while (bytes[p] !== 0) {
      const n = bytes[p++];
      for (let i = 0; i < n; i++) parts.push(bytes[p++]);
    }
    p++;
    return Uint8Array.from(parts);
  };
  const images: GifImage[] = [];
  let delayMs = 0;
  for (;;) {
    const block = bytes[p++];
    if (block === 0x3b) break;
    if (block === 0x21) {
      const label = bytes[p++];
      const body = subBlocks();
      if (label === 0xf9) delayMs = (body[1] | (body[2] << 8)) * 10;
    } else if (block === 0x2c) {
      const [left, top, w, h] = [u16(p), u16(p + 2), u16(p + 4), u16(p + 6)];
      const localFlags = bytes[p + 8];
      p += 9;
      if (localFlags & 0x80) p += 3 * (1 << ((localFlags & 7) + 1));
      if (localFlags & 0x40) throw new Error('interlaced GIF images are not read here');
      const minCodeSize = bytes[p++];
      images.push({ delayMs, left, top, width: w, height: h, indices: lzwDecode(subBlocks(), minCodeSize, w * h) });
    } else throw new Error(`unknown GIF block 0x${block?.toString(16)} at byte ${p - 1}`);
  }
  return { width, height, palette, images };
}

/** Every cell's centre pixel of image `i` of an episode GIF, as the colour the GIF's palette gives it, against
 *  env's palette for `observation`: the cells that differ. */
export function cellMismatches(gif: DecodedGif, i: number, observation: ArrayLike<number>): string[] {
  const bad: string[] = [];
  const { indices } = gif.images[i];
  for (let y = 0; y < GRID; y++) {
    for (let x = 0; x < GRID; x++) {
      const px = x * GIF_CELL + Math.floor(GIF_CELL / 2);
      const py = SCORE_STRIP + y * GIF_CELL + Math.floor(GIF_CELL / 2);
      const shown = gif.palette[indices[py * gif.width + px]].join(',');
      const expected = cellColour(observation, x, y).join(',');
      if (shown !== expected) bad.push(`(${x},${y}) ${shown} ≠ ${expected}`);
    }
  }
  return bad;
}
