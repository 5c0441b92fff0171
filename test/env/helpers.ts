import { cellIndex, GRID } from '../../env/layout.ts';
import type { GameOptions } from '../../env/games/game.ts';

export const OPTIONS: GameOptions = { taskName: 'test', ramping: false, maxEpisodeSteps: 100_000 };

/** Cells of `channel` set in observation `index` of a (possibly batched) buffer, as "x,y" strings. */
export function cellsOf(obs: Uint8Array, channel: number, index = 0): string[] {
  const out: string[] = [];
  const offset = index * GRID * GRID * 7;
  for (let y = 0; y < GRID; y++) {
    for (let x = 0; x < GRID; x++) if (obs[offset + cellIndex(x, y, channel)] === 1) out.push(`${x},${y}`);
  }
  return out;
}
