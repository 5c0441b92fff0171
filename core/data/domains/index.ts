/**
 * The digit domains of the paper's experiment 2, all 32×32×3 with labels 0-9, and the two-task
 * domain-incremental streams built from them ("mnist-svhn", "svhn-mnist", "mnist-synthetic", "synthetic-mnist").
 */
import { Rng } from '../../engine/random.ts';
import { limitSplits, type Limit } from '../dataset.ts';
import { loadMnist } from '../mnist.ts';
import type { Dataset, TaskStream } from '../types.ts';
import { DIGIT_DOMAIN_SHAPE, mnistToRgb } from './mnist-rgb.ts';
import { loadSvhn } from './svhn.ts';
import { syntheticDigits } from './synthetic.ts';

export { DIGIT_DOMAIN_SHAPE, mnistToRgb } from './mnist-rgb.ts';
export { DEFAULT_SVHN_DIR, loadSvhn, readSvhnFile, svhnFromMat, SVHN_FILES, SVHN_URL } from './svhn.ts';
export { drawTexture, syntheticDigits, TEXTURE_KINDS, type TextureKind } from './synthetic.ts';

export type DomainName = 'mnist' | 'synthetic' | 'svhn';
export const DOMAIN_NAMES: readonly DomainName[] = ['mnist', 'synthetic', 'svhn'];

export interface DomainOptions {
  /** Seeds subsets, tints and textures. A domain's data depends only on (seed, its name, these options), not on
   *  which other domain it is paired with or in which order. */
  readonly seed: number;
  /** Samples kept per split (a seeded subset, drawn before any per-image generation). */
  readonly limit?: Limit;
  /** Tint each MNIST digit with a random colour (the 'mnist' domain only). Default false. */
  readonly tint?: boolean;
  readonly mnistDir?: string;
  /** Folder holding train_32x32.mat and test_32x32.mat (default data/svhn under the working directory). */
  readonly svhnDir?: string;
}

export function loadDomain(name: DomainName, options: DomainOptions): { train: Dataset; test: Dataset } {
  const rng = new Rng(options.seed).fork(`domain ${name}`);
  switch (name) {
    case 'mnist': {
      const splits = limitSplits(loadMnist({ dir: options.mnistDir }), options.limit, rng.fork('limit'));
      const tint = options.tint ? rng.fork('tint') : undefined;
      return {
        train: mnistToRgb(splits.train, { tint: tint?.fork('train') }),
        test: mnistToRgb(splits.test, { tint: tint?.fork('test') }),
      };
    }
    case 'synthetic': {
      const splits = limitSplits(loadMnist({ dir: options.mnistDir }), options.limit, rng.fork('limit'));
      return { train: syntheticDigits(splits.train, rng.fork('train')), test: syntheticDigits(splits.test, rng.fork('test')) };
    }
    case 'svhn':
      return limitSplits(loadSvhn({ dir: options.svhnDir }), options.limit, rng.fork('limit'));
    default:
      throw new Error(`unknown domain ${JSON.stringify(name)} (known: ${DOMAIN_NAMES.join(', ')})`);
  }
}

/** Two domains one after the other, domain-incremental: 10 shared outputs, labels 0-9 in both. */
export function domainPair(first: DomainName, second: DomainName, options: DomainOptions): TaskStream {
  if (first === second) throw new Error(`domainPair: the two domains must differ, got ${first} twice`);
  // A missing SVHN download should fail before minutes of work on the other domain (the read is cached).
  if (first === 'svhn' || second === 'svhn') loadSvhn({ dir: options.svhnDir });
  const tasks = [first, second].map((name, index) => ({
    index,
    name,
    ...loadDomain(name, options),
    units: Array.from({ length: 10 }, (_, u) => u),
  }));
  return { name: `${first}-${second}`, scenario: 'domain', outputs: 10, shape: DIGIT_DOMAIN_SHAPE, tasks };
}
