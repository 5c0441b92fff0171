/**
 * MNIST in the 32×32×3 frame the digit domains share: each 28×28 digit is centred with a 2-pixel black border and
 * copied to the three colour channels, optionally tinted by a seeded random colour per image.
 */
import type { Rng } from '../../engine/random.ts';
import { makeDataset } from '../dataset.ts';
import type { Dataset, ImageShape } from '../types.ts';

export const DIGIT_DOMAIN_SHAPE: ImageShape = [32, 32, 3];

/** Centres each single-channel image in a 32×32 frame and replicates it to RGB. With `tint`, each image's
 *  strokes take a random colour whose brightest channel is full intensity. */
export function mnistToRgb(dataset: Dataset, options: { tint?: Rng } = {}): Dataset {
  const [h, w, c] = dataset.shape;
  if (c !== 1 || h > 32 || w > 32) throw new Error(`mnistToRgb: expects single-channel images up to 32×32, got ${dataset.shape.join('×')}`);
  const top = (32 - h) >> 1;
  const left = (32 - w) >> 1;
  const size = 32 * 32 * 3;
  const x = new Uint8Array(dataset.n * size);
  const colour = [1, 1, 1];
  for (let i = 0; i < dataset.n; i++) {
    if (options.tint) {
      for (let k = 0; k < 3; k++) colour[k] = 0.2 + 0.8 * options.tint.uniform();
      const brightest = Math.max(...colour);
      for (let k = 0; k < 3; k++) colour[k] /= brightest;
    }
    const src = i * h * w;
    const dst = i * size;
    for (let r = 0; r < h; r++) {
      for (let col = 0; col < w; col++) {
        const v = dataset.x[src + r * w + col];
        if (v === 0) continue;
        const at = dst + ((r + top) * 32 + col + left) * 3;
        if (options.tint) {
          // + 0.5 rounds: a Uint8Array store truncates.
          x[at] = v * colour[0] + 0.5;
          x[at + 1] = v * colour[1] + 0.5;
          x[at + 2] = v * colour[2] + 0.5;
        } else {
          x[at] = x[at + 1] = x[at + 2] = v;
        }
      }
    }
  }
  return makeDataset(x, dataset.y, DIGIT_DOMAIN_SHAPE);
}
