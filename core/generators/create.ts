/** Builds the generator a run config names. */
import type { RunConfig } from '../config.ts';
import type { ImageShape } from '../data/types.ts';
import type { Rng } from '../engine/random.ts';
import type { Generator } from './generator.ts';
import { GridVae } from './grid-vae.ts';
import { Vae } from './vae.ts';
import { WganGp } from './wgan-gp.ts';

export type GeneratorSpec = RunConfig['generator'];

export function createGenerator(spec: GeneratorSpec, shape: ImageShape, rng: Rng): Generator {
  const inputSize = shape[0] * shape[1] * shape[2];
  switch (spec.kind) {
    case 'vae':
      return new Vae(
        {
          inputSize,
          hidden: spec.hidden,
          latent: spec.latent,
          adam: spec.adam,
          ...(spec.channels ? { image: { shape, channels: spec.channels } } : {}),
          ...(spec.draw ? { draw: spec.draw } : {}),
          ...(spec.beta !== undefined ? { beta: spec.beta } : {}),
        },
        rng,
      );
    case 'grid-vae':
      return new GridVae(
        {
          shape,
          occupancy: spec.occupancy,
          channels: spec.channels,
          hidden: spec.hidden,
          latent: spec.latent,
          adam: spec.adam,
          ...(spec.beta !== undefined ? { beta: spec.beta } : {}),
        },
        rng,
      );
    case 'wgan-gp':
      return new WganGp(
        {
          inputSize,
          hidden: spec.hidden,
          latent: spec.latent,
          criticSteps: spec.criticSteps,
          penalty: spec.penalty,
          adam: spec.adam,
          ...(spec.draw ? { draw: spec.draw } : {}),
        },
        rng,
      );
  }
}
