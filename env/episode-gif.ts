/**
 * An episode as an animated GIF: each step's frame drawn with env's palette (palette.ts), one square per cell,
 * with the score so far written above the board. Pure (frames in, bytes out), so the CLI, the RL report and
 * the browser viewer make the same picture; encoding is gifenc's (a maintained encoder), the drawing is ours.
 */
import * as gifenc from 'gifenc';
import { CHANNEL_COLOURS, cellChannel, BACKGROUND, type Rgb } from './palette.ts';
import { CHANNELS, GRID } from './layout.ts';

export interface EpisodeFrame {
  readonly observation: ArrayLike<number>;
  /** The score so far, drawn above the board. */
  readonly score: number;
}

export interface EpisodeGifOptions {
  /** Pixels per cell side. */
  readonly cell?: number;
  /** Milliseconds per step (GIFs count in hundredths of a second). */
  readonly delayMs?: number;
}

/** Node loads gifenc's CommonJS build, whose names arrive under `default`; a bundler (the viewer) its ES module. */
const { GIFEncoder } = ('GIFEncoder' in gifenc ? gifenc : (gifenc as unknown as { default: typeof gifenc }).default);

/** 12 px cells make a 120 px board, big enough to read, small enough that a 300-step episode stays ~100 KB. */
export const GIF_CELL = 12;
/** 10 steps a second: slow enough to follow the ball, as the viewer's "watch" speed is. */
export const GIF_DELAY_MS = 100;
/** Text colour: the viewer's (client/src/style.css --text). */
export const GIF_TEXT: Rgb = [200, 205, 224];

/** Palette index of the background, of each channel (1 + channel index) and of the text. */
export const BACKGROUND_INDEX = 0;
export const TEXT_INDEX = 1 + CHANNELS.length;
const PALETTE: number[][] = [[...BACKGROUND], ...CHANNELS.map((name) => [...CHANNEL_COLOURS[name]]), [...GIF_TEXT]];

/** 3×5 glyphs of what a score line needs ('score' and signed numbers), one string of rows per character. */
const GLYPHS: Record<string, string> = {
  '0': '111101101101111', '1': '010110010010111', '2': '111001111100111', '3': '111001111001111', '4': '101101111001001',
  '5': '111100111001111', '6': '111100111101111', '7': '111001010010010', '8': '111101111101111', '9': '111101111001111',
  '-': '000000111000000', '.': '000000000000010', ' ': '000000000000000',
  s: '000011110001110', c: '000011100100011', o: '000010101101010', r: '000110101100100', e: '000010111100011',
};
const GLYPH_SCALE = 2;
const GLYPH_WIDTH = 3 * GLYPH_SCALE;
const GLYPH_HEIGHT = 5 * GLYPH_SCALE;
/** Rows of pixels above the board that hold the score line. */
export const SCORE_STRIP = GLYPH_HEIGHT + 6;

/** The size of every frame of an episode's GIF. */
export function gifSize(cell = GIF_CELL): { width: number; height: number } {
  return { width: GRID * cell, height: SCORE_STRIP + GRID * cell };
}

function drawText(pixels: Uint8Array, width: number, text: string, x0: number, y0: number): void {
  for (const [k, ch] of [...text].entries()) {
    const glyph = GLYPHS[ch] ?? GLYPHS[' '];
    for (let i = 0; i < 15; i++) {
      if (glyph[i] !== '1') continue;
      const gx = x0 + k * (GLYPH_WIDTH + GLYPH_SCALE) + (i % 3) * GLYPH_SCALE;
      const gy = y0 + Math.floor(i / 3) * GLYPH_SCALE;
      for (let dy = 0; dy < GLYPH_SCALE; dy++) {
        for (let dx = 0; dx < GLYPH_SCALE; dx++) if (gx + dx < width) pixels[(gy + dy) * width + gx + dx] = TEXT_INDEX;
      }
    }
  }
}

/** One frame as palette indices, row by row: the score line, then the board (a 1 px gap between cells). */
export function framePixels(frame: EpisodeFrame, cell = GIF_CELL): Uint8Array {
  const { width, height } = gifSize(cell);
  const pixels = new Uint8Array(width * height).fill(BACKGROUND_INDEX);
  const score = Number.isInteger(frame.score) ? String(frame.score) : frame.score.toFixed(1);
  drawText(pixels, width, `score ${score}`, 3, 3);
  for (let y = 0; y < GRID; y++) {
    for (let x = 0; x < GRID; x++) {
      const channel = cellChannel(frame.observation, x, y);
      if (channel < 0) continue;
      for (let py = 0; py < cell - 1; py++) {
        const row = (SCORE_STRIP + y * cell + py) * width + x * cell;
        pixels.fill(1 + channel, row, row + cell - 1);
      }
    }
  }
  return pixels;
}

/** The episode's frames as an animated GIF that loops, the last frame held a second longer. */
export function episodeGif(frames: readonly EpisodeFrame[], options: EpisodeGifOptions = {}): Uint8Array {
  if (frames.length === 0) throw new Error('episodeGif: an episode of no frames');
  const cell = options.cell ?? GIF_CELL;
  const delay = options.delayMs ?? GIF_DELAY_MS;
  const { width, height } = gifSize(cell);
  const gif = GIFEncoder();
  frames.forEach((frame, i) => {
    const last = i === frames.length - 1;
    gif.writeFrame(framePixels(frame, cell), width, height, { ...(i === 0 && { palette: PALETTE, repeat: 0 }), delay: last ? delay + 1000 : delay });
  });
  gif.finish();
  return gif.bytes();
}
