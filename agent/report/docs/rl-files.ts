/** Reading committed RL result files for the docs' tables, and how the tables name their games. */
import { readResultJson, type TableContext } from '../../../core/report/docs/document.ts';
import { parseRlResult } from '../merge.ts';
import type { RlResultFile } from '../result-file.ts';

export function readRl(context: TableContext, file: string): RlResultFile {
  const { path, data } = readResultJson(context, file);
  return parseRlResult(data, path);
}

const TITLES: Record<string, string> = {
  breakout: 'Breakout',
  freeway: 'Freeway',
  'freeway/steady': 'Freeway (steady)',
  'freeway/slow': 'slow Freeway',
  'space-invaders': 'Space Invaders',
  asterix: 'Asterix',
  seaquest: 'Seaquest',
};

/** A game's name as prose writes it ("freeway/steady" → "Freeway (steady)"). */
export const gameTitle = (game: string): string => TITLES[game] ?? game;

/** The game without its variant ("freeway/steady" → "freeway"). */
export const baseGame = (game: string): string => game.split('/')[0];
