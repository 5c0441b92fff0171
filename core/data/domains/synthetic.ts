/**
 * "synthetic": an offline digit domain in the spirit of MNIST-M that needs no download. Each MNIST digit (framed
 * to 32×32×3) is blended onto its own procedurally generated colour texture as |texture − digit|: the background
 * keeps the texture and the strokes show its inverted colours. Textures are one of
 *   - smooth noise: a coarse grid of random colours, bilinearly interpolated,
 *   - stripes: two colours along a random direction, period and phase, with soft edges,
 *   - gradient: a linear blend of two colours along a random direction,
 * all drawn from the given Rng, so the domain is a deterministic function of the seed and the source images.
 *
 * Every texture colour lies in the light half of each channel (128-255), so a full-ink stroke (255 − texture,
 * at most 127) is always darker than its background: MNIST's light-on-black digits never occur in this domain.
 * With colours over the whole range a black texture gives MNIST back, the domain contains MNIST, and learning it
 * cannot make a network forget MNIST: a CNN kept 97.6 % of MNIST after 4000 iterations on it (no replay), where
 * the paper's MNIST → SVHN shows forgetting. With light textures the same quick run drops MNIST to 23.7 %.
 */
import type { Rng } from '../../engine/random.ts';
import { makeDataset } from '../dataset.ts';
import type { Dataset } from '../types.ts';
import { DIGIT_DOMAIN_SHAPE, mnistToRgb } from './mnist-rgb.ts';

const SIDE = 32;
const PIXELS = SIDE * SIDE;

export type TextureKind = 'noise' | 'stripes' | 'gradient';
export const TEXTURE_KINDS: readonly TextureKind[] = ['noise', 'stripes', 'gradient'];

/** A channel value of a texture: the light half, 128-255 (see above). */
const lightChannel = (rng: Rng): number => 128 + rng.uniform() * 127;
const randomColour = (rng: Rng): number[] => [lightChannel(rng), lightChannel(rng), lightChannel(rng)];
// Bytes are written as value + 0.5: a Uint8Array store truncates, so this rounds values within 0-255.

/** Writes one 32×32×3 texture (bytes) of the given kind into `out`. */
export function drawTexture(kind: TextureKind, rng: Rng, out: Uint8Array): void {
  if (out.length !== PIXELS * 3) throw new Error(`drawTexture: needs ${PIXELS * 3} bytes, got ${out.length}`);
  if (kind === 'noise') {
    const cells = 2 + rng.int(5); // 2..6 cells across: from broad blobs to fine mottling
    const stride = (cells + 1) * 3;
    const grid = new Float32Array((cells + 1) * stride);
    for (let g = 0; g < grid.length; g++) grid[g] = lightChannel(rng);
    for (let r = 0; r < SIDE; r++) {
      const gy = (r / (SIDE - 1)) * cells;
      const y0 = Math.min(Math.floor(gy), cells - 1);
      const fy = gy - y0;
      for (let c = 0; c < SIDE; c++) {
        const gx = (c / (SIDE - 1)) * cells;
        const x0 = Math.min(Math.floor(gx), cells - 1);
        const fx = gx - x0;
        const a = y0 * stride + x0 * 3;
        const d = a + stride;
        for (let k = 0; k < 3; k++) {
          const top = grid[a + k] + (grid[a + 3 + k] - grid[a + k]) * fx;
          const bottom = grid[d + k] + (grid[d + 3 + k] - grid[d + k]) * fx;
          out[(r * SIDE + c) * 3 + k] = top + (bottom - top) * fy + 0.5;
        }
      }
    }
    return;
  }
  const from = randomColour(rng);
  const to = randomColour(rng);
  const angle = rng.uniform() * Math.PI;
  const dx = Math.cos(angle);
  const dy = Math.sin(angle);
  const frequency = 1 / (4 + rng.uniform() * 12); // stripes 4-16 pixels apart
  const phase = rng.uniform();
  const reach = SIDE * (Math.abs(dx) + Math.abs(dy));
  const shift = SIDE * Math.abs(Math.min(dx, 0));
  for (let r = 0; r < SIDE; r++) {
    for (let c = 0; c < SIDE; c++) {
      const along = c * dx + r * dy;
      let t: number;
      if (kind === 'stripes') {
        // A triangle wave with smoothed shoulders: soft-edged bands of the two colours.
        const u = along * frequency + phase;
        const tri = Math.abs(2 * (u - Math.floor(u)) - 1);
        const s = Math.min(Math.max((tri - 0.25) * 2, 0), 1);
        t = s * s * (3 - 2 * s);
      } else {
        t = (along + shift) / reach;
      }
      for (let k = 0; k < 3; k++) out[(r * SIDE + c) * 3 + k] = from[k] + (to[k] - from[k]) * t + 0.5;
    }
  }
}

/** The synthetic domain of single-channel digit images (MNIST): same labels, 32×32×3 images. */
export function syntheticDigits(dataset: Dataset, rng: Rng): Dataset {
  const framed = mnistToRgb(dataset);
  const size = PIXELS * 3;
  const x = new Uint8Array(framed.x.length);
  const texture = new Uint8Array(size);
  for (let i = 0; i < framed.n; i++) {
    drawTexture(TEXTURE_KINDS[rng.int(TEXTURE_KINDS.length)], rng, texture);
    const base = i * size;
    for (let p = 0; p < size; p++) x[base + p] = Math.abs(texture[p] - framed.x[base + p]);
  }
  return makeDataset(x, framed.y, DIGIT_DOMAIN_SHAPE);
}
