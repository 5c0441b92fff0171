/**
 * How a frame is drawn, shared by every picture of a game: the live viewer (client/), the report's dream grids
 * (agent/report) and anything else that renders observations. One colour per channel of the shared layout
 * (layout.ts); where several channels are set in one cell, the one drawn last wins, so the order below puts what
 * matters most to a player (the player, then what kills it) on top.
 */
import { CHANNEL_COUNT, CHANNELS, GRID, type ChannelName } from './layout.ts';

export type Rgb = readonly [number, number, number];

export const BACKGROUND: Rgb = [12, 14, 24];

export const CHANNEL_COLOURS: Record<ChannelName, Rgb> = {
  trail: [70, 80, 110],
  meter: [60, 170, 220],
  bonus: [240, 200, 60],
  player_shot: [250, 250, 250],
  enemy: [220, 70, 70],
  enemy_shot: [255, 140, 60],
  player: [80, 220, 120],
};

/** Channels in drawing order: later ones cover earlier ones. */
export const DRAW_ORDER: readonly number[] = (['trail', 'meter', 'bonus', 'player_shot', 'enemy', 'enemy_shot', 'player'] as const).map((name) =>
  CHANNELS.indexOf(name),
);

/** The channel whose colour cell (x, y) of an observation shows (the last set one in DRAW_ORDER), -1 if none. */
export function cellChannel(observation: ArrayLike<number>, x: number, y: number): number {
  const base = (y * GRID + x) * CHANNEL_COUNT;
  let shown = -1;
  for (const c of DRAW_ORDER) if (observation[base + c] !== 0) shown = c;
  return shown;
}

/** The colour of cell (x, y) of an observation (700 bytes, layout.ts's order). */
export function cellColour(observation: ArrayLike<number>, x: number, y: number): Rgb {
  const c = cellChannel(observation, x, y);
  return c < 0 ? BACKGROUND : CHANNEL_COLOURS[CHANNELS[c]];
}

/** An observation as GRID×GRID RGB triples, row by row: what a renderer paints, one square per cell. */
export function observationColours(observation: ArrayLike<number>): Uint8Array {
  const rgb = new Uint8Array(GRID * GRID * 3);
  for (let y = 0; y < GRID; y++) {
    for (let x = 0; x < GRID; x++) rgb.set(cellColour(observation, x, y), (y * GRID + x) * 3);
  }
  return rgb;
}
