/**
 * Sizes the engine cannot hold. The wasm backend's heap stops at 4 GiB; past it, an allocation inside the module
 * fails as "memory access out of bounds", and one in JavaScript as an invalid typed array length. Neither names
 * what was too large, so the places that size the engine (building a model, a training step at the batch size)
 * run through `sized`, which names the setting.
 */

const OUT_OF_MEMORY = /memory access out of bounds|Cannot enlarge memory|Invalid typed array length|Array buffer allocation failed|out of memory/i;

export function isOutOfMemory(error: unknown): boolean {
  return error instanceof Error && OUT_OF_MEMORY.test(error.message);
}

/** The error a run reports when `setting` (e.g. `solver.hidden [100000, 3000]`) does not fit in the engine. */
export function tooLarge(setting: string, error: Error): Error {
  return new Error(
    `${setting} is too large for the engine (${error.message}): the wasm backend holds at most 4 GiB for weights, ` +
      'optimiser moments and activations; choose smaller layers or a smaller batch',
  );
}

/** Runs `build`; an out-of-memory failure becomes an error naming `setting`. */
export function sized<T>(setting: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    throw isOutOfMemory(error) ? tooLarge(setting, error as Error) : error;
  }
}
