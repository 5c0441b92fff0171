/**
 * The grid VAE (core/generators/grid-vae.ts) as a generator of observations: its decoder's structure per channel
 * is the union, over the games a run plays, of how each game occupies that channel (env/occupancy.ts), so a
 * paddle, a ball or a lane's car is drawn once, not twice or not at all. Core knows nothing of games: the
 * structure reaches it as plain data in the config (generator.model.occupancy).
 */
import type { GeneratorSpec } from '../core/generators/create.ts';
import type { AdamSettings } from '../core/nn/adam.ts';
import { CHANNELS } from '../env/layout.ts';
import { GAME_OCCUPANCY, type Occupancy } from '../env/occupancy.ts';
import type { GameName } from '../env/types.ts';

/**
 * Per channel, the distinct occupancies the games give it. `none` is dropped beside an occupancy that may be
 * empty anyway (at-most-one, one-per-row, many); beside `one` it stays, so a channel one game always draws once
 * and another never draws is exactly that.
 */
export function gridOccupancy(games: readonly GameName[]): Occupancy[][] {
  return CHANNELS.map((name) => {
    const forms = [...new Set(games.map((g) => GAME_OCCUPANCY[g][name]))];
    const mayBeEmpty = forms.some((f) => f !== 'none' && f !== 'one');
    return mayBeEmpty ? forms.filter((f) => f !== 'none') : forms;
  });
}

export interface GridVaeChoice {
  readonly channels: readonly number[];
  readonly hidden: number;
  readonly latent: number;
  readonly beta?: number;
  readonly adam: AdamSettings;
}

/** The grid VAE's spec for a run that plays `games`. */
export function observationGridVae(games: readonly GameName[], choice: GridVaeChoice): Extract<GeneratorSpec, { kind: 'grid-vae' }> {
  return { kind: 'grid-vae', occupancy: gridOccupancy(games), ...choice, channels: [...choice.channels] };
}
