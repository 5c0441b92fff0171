/**
 * How a results tree names a seed's run folder, for the one that writes it (`dgr sweep collect`) and the one that
 * reads it (the protocol's docs tables, ./docs/rl-protocol.ts): `seed-<n>`, or `seed-<n>-<word>` for other arms or
 * settings run on that seed (e.g. `seed-1-regularisers`).
 */

/** A word in a folder name: lower-case letters, digits and '-', not starting with '-'. */
const WORD = '[a-z0-9][a-z0-9-]*';

export const FOLDER_WORD = new RegExp(`^${WORD}$`);

/** A seed's run folder; group 1 is the seed. */
export const SEED_FOLDER = new RegExp(`^seed-(\\d+)(?:-${WORD})?$`);

export const seedFolderName = (seed: number, word?: string): string => `seed-${seed}${word ? `-${word}` : ''}`;
