import { PNG } from 'pngjs';

export interface Decoded {
  readonly width: number;
  readonly height: number;
  pixel(x: number, y: number): [number, number, number, number];
  /** Distinct opaque colours. */
  colours(): Set<string>;
  /** Pixels within `tolerance` (per channel) of the colour. */
  count(rgb: [number, number, number], tolerance?: number): number;
}

export function decodePng(buffer: Buffer): Decoded {
  expect8(buffer);
  const png = PNG.sync.read(buffer);
  const { width, height, data } = png;
  return {
    width,
    height,
    pixel: (x, y) => {
      const o = (y * width + x) * 4;
      return [data[o], data[o + 1], data[o + 2], data[o + 3]];
    },
    colours: () => {
      const set = new Set<string>();
      for (let o = 0; o < data.length; o += 4) if (data[o + 3] === 255) set.add(`${data[o]},${data[o + 1]},${data[o + 2]}`);
      return set;
    },
    count: (rgb, tolerance = 0) => {
      let n = 0;
      for (let o = 0; o < data.length; o += 4) {
        if (Math.abs(data[o] - rgb[0]) <= tolerance && Math.abs(data[o + 1] - rgb[1]) <= tolerance && Math.abs(data[o + 2] - rgb[2]) <= tolerance) n++;
      }
      return n;
    },
  };
}

function expect8(buffer: Buffer): void {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!signature.every((b, i) => buffer[i] === b)) throw new Error('not a PNG');
}

export function hexRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

export function cssRgb(css: string): [number, number, number] {
  const m = /^rgb\((\d+),(\d+),(\d+)\)$/.exec(css);
  if (!m) throw new Error(`not rgb(): ${css}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}
