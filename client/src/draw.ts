/** Game frames drawn with env's palette (env/palette.ts): one square per cell, the channel on top wins. */
import type * as Phaser from 'phaser';
import { GRID } from '../../env/layout.ts';
import { BACKGROUND, cellColour, type Rgb } from '../../env/palette.ts';

export const hex = ([r, g, b]: Rgb): number => (r << 16) | (g << 8) | b;
export const css = ([r, g, b]: Rgb): string => `rgb(${r}, ${g}, ${b})`;

/** Draws a 700-byte observation at (x, y), `cell` pixels per cell with a `gap` between cells. */
export function drawObservation(g: Phaser.GameObjects.Graphics, observation: ArrayLike<number>, x: number, y: number, cell: number, gap = 1): void {
  g.fillStyle(hex(BACKGROUND), 1);
  g.fillRect(x - gap, y - gap, GRID * cell + gap, GRID * cell + gap);
  for (let cy = 0; cy < GRID; cy++) {
    for (let cx = 0; cx < GRID; cx++) {
      const colour = cellColour(observation, cx, cy);
      if (colour === BACKGROUND) continue;
      g.fillStyle(hex(colour), 1);
      g.fillRect(x + cx * cell, y + cy * cell, cell - gap, cell - gap);
    }
  }
}

/** Faint lines between cells, so an empty grid still reads as a board. */
export function drawBoard(g: Phaser.GameObjects.Graphics, x: number, y: number, cell: number): void {
  g.lineStyle(1, 0x1d2233, 1);
  g.strokeRect(x - 1, y - 1, GRID * cell + 1, GRID * cell + 1);
}

/**
 * Q-values as bar heights within `height` pixels, scaled between their min and max (the lowest still `floor`
 * high, all half height when equal), and the greedy action's index: how every panel draws a network's values.
 */
export function qBars(q: readonly number[], height: number, floor: number): { heights: number[]; greedy: number } {
  const lo = Math.min(...q);
  const hi = Math.max(...q);
  return { heights: q.map((v) => (hi === lo ? height / 2 : floor + ((v - lo) / (hi - lo)) * (height - floor))), greedy: q.indexOf(hi) };
}
