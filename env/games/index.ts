/**
 * The registry of games: for each, a description, the schema of its settings (with defaults), how to build N
 * copies of it, and which frames it could show (each game's rules live in its own file).
 */
import { z } from 'zod';
import { FrameView, type FrameRules } from '../frame-rules.ts';
import type { GameName } from '../types.ts';
import type { VectorBuffers } from '../vector.ts';
import { Asterix, ASTERIX_DEFAULTS, ASTERIX_FRAMES } from './asterix.ts';
import { Breakout, BREAKOUT_DEFAULTS, BREAKOUT_FRAMES } from './breakout.ts';
import { Freeway, FREEWAY_DEFAULTS, FREEWAY_FRAMES } from './freeway.ts';
import type { GameOptions, VectorGame } from './game.ts';
import { Seaquest, SEAQUEST_DEFAULTS, SEAQUEST_FRAMES } from './seaquest.ts';
import { SpaceInvaders, SPACE_INVADERS_DEFAULTS, SPACE_INVADERS_FRAMES } from './space-invaders.ts';

export const SETTINGS_SCHEMAS = {
  breakout: z.strictObject({
    brickRows: z.int().min(1).max(3).default(BREAKOUT_DEFAULTS.brickRows),
  }),
  asterix: z.strictObject({
    spawnPeriod: z.int().min(2).max(100).default(ASTERIX_DEFAULTS.spawnPeriod),
    movePeriod: z.int().min(1).max(100).default(ASTERIX_DEFAULTS.movePeriod),
    goldChance: z.number().min(0).max(1).default(ASTERIX_DEFAULTS.goldChance),
  }),
  freeway: z.strictObject({
    trafficSpeed: z.number().min(0.2).max(5).default(FREEWAY_DEFAULTS.trafficSpeed),
  }),
  'space-invaders': z.strictObject({
    bombPeriod: z.int().min(3).max(200).default(SPACE_INVADERS_DEFAULTS.bombPeriod),
  }),
  seaquest: z.strictObject({
    oxygen: z.int().min(20).max(10_000).default(SEAQUEST_DEFAULTS.oxygen),
  }),
} as const satisfies Record<GameName, z.ZodType>;

export type GameSettings<G extends GameName> = z.output<(typeof SETTINGS_SCHEMAS)[G]>;

/** A game with its settings, as a task names it. */
export type GameConfig = { [G in GameName]: { readonly game: G; readonly settings: GameSettings<G> } }[GameName];

export const GAME_DESCRIPTIONS: Record<GameName, string> = {
  breakout: 'bounce the ball off the paddle to break bricks; losing the ball ends it',
  asterix: 'pick up gold crossing the lanes, dodge the enemies',
  freeway: 'get the chicken across eight lanes of traffic as often as possible in 2500 steps',
  'space-invaders': 'shoot the descending aliens before they land, dodge their bombs',
  seaquest: 'torpedo enemies, rescue divers, surface with divers before the oxygen runs out',
};

/** N copies of a game (no wrappers: those come from the task). */
export function createGame(config: GameConfig, numEnvs: number, options: GameOptions, buffers?: VectorBuffers): VectorGame {
  switch (config.game) {
    case 'breakout':
      return new Breakout(numEnvs, options, config.settings, buffers);
    case 'asterix':
      return new Asterix(numEnvs, options, config.settings, buffers);
    case 'freeway':
      return new Freeway(numEnvs, options, config.settings, buffers);
    case 'space-invaders':
      return new SpaceInvaders(numEnvs, options, config.settings, buffers);
    case 'seaquest':
      return new Seaquest(numEnvs, options, config.settings, buffers);
  }
}

/** Each game's rules of what its frames may show (../frame-rules.ts). */
export const FRAME_RULES: Record<GameName, FrameRules> = {
  breakout: BREAKOUT_FRAMES,
  asterix: ASTERIX_FRAMES,
  freeway: FREEWAY_FRAMES,
  'space-invaders': SPACE_INVADERS_FRAMES,
  seaquest: SEAQUEST_FRAMES,
};

/** Whether one observation (at byte `at`) obeys the invariants of `game`: rules every frame it draws obeys. */
export function satisfiesInvariants(game: GameName, observation: Uint8Array, at = 0): boolean {
  return FRAME_RULES[game].invariants(new FrameView(observation, at));
}

/** Whether one observation is a frame `game` could draw: its invariants, and its objects in place. */
export function isGameFrame(game: GameName, observation: Uint8Array, at = 0): boolean {
  const frame = new FrameView(observation, at);
  return FRAME_RULES[game].invariants(frame) && FRAME_RULES[game].objectsInPlace(frame);
}
