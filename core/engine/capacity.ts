/**
 * Sizes the engine cannot hold. The wasm backend's heap stops at 4 GiB; past it, an allocation inside the module
 * fails as "memory access out of bounds" or ends the module with a bare "Aborted()" (Emscripten's malloc when the
 * heap cannot grow; the module is unusable after it), and one in JavaScript as an invalid typed array length. None
 * names what was too large, so the places that size the engine (building a model, a training step at the batch
 * size) run through `sized`, which names the setting.
 */

const OUT_OF_MEMORY =
  /memory access out of bounds|Cannot enlarge memory|Invalid typed array length|Array buffer allocation failed|out of memory|^Aborted\(\)/i;

export function isOutOfMemory(error: unknown): boolean {
  return error instanceof Error && OUT_OF_MEMORY.test(error.message);
}

/** The error a run reports when `setting` (e.g. `solver.hidden [100000, 3000]`) does not fit in the engine. */
export function tooLarge(setting: string, error: Error): Error {
  // Emscripten's abort adds advice for the module's builders, not for the run's user.
  const cause = error.message.split('. Build with -sASSERTIONS')[0];
  return new Error(
    `${setting} is too large for the engine's memory (${cause}): the wasm backend holds at most 4 GiB for weights, ` +
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

/** Runs one training step at `batchSize`; an out-of-memory failure names the batch size. Every step, not only the
 * first: replay adds a batch of its own from the second task on. */
export function sizedStep<T>(batchSize: number, step: () => T): T {
  return sized(`batchSize ${batchSize}`, step);
}
