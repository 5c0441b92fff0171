/**
 * The whole state of a vectorised env, captured and put back, so a training run stopped mid-game resumes with
 * the very episodes it was playing. Every game keeps its per-copy state in typed arrays (and a few scalar
 * fields); every wrapper keeps its own arrays and the env it wraps. A snapshot walks that chain — the object,
 * then each env it holds — and copies every typed array (as bytes) and every number or boolean field, in the
 * order the fields were created, so it needs no list of fields per game and a new game's state is covered.
 * Restoring writes into the env's existing arrays: arrays a trainer holds stay valid.
 */
import { ScheduledVectorEnv } from './schedule.ts';
import { VectorArrays, type VectorEnv } from './types.ts';

export interface EnvSnapshot {
  /** Each typed array of the chain, as a copy of its bytes. */
  readonly arrays: Uint8Array[];
  /** Each number and boolean field of the chain (JSON-safe). */
  readonly scalars: (number | boolean)[];
}

type Fields = Record<string, unknown>;

/** The env and every env it holds (a wrapper's inner env, a schedule's task envs), each once, parents first. */
function chain(env: VectorEnv): Fields[] {
  const seen = new Set<unknown>();
  const out: Fields[] = [];
  const visit = (node: unknown): void => {
    if (!(node instanceof VectorArrays) || seen.has(node)) return;
    seen.add(node);
    out.push(node as unknown as Fields);
    // Lists of envs (a schedule's tasks) before single ones (the task being played), so the order of the walk
    // does not depend on which task is being played.
    const values = Object.values(node);
    for (const value of values) if (Array.isArray(value)) value.forEach(visit);
    for (const value of values) visit(value);
  };
  visit(env);
  return out;
}

const isTypedArray = (value: unknown): value is Exclude<ArrayBufferView, DataView> => ArrayBuffer.isView(value) && !(value instanceof DataView);

const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

export function snapshotEnv(env: VectorEnv): EnvSnapshot {
  const arrays: Uint8Array[] = [];
  const scalars: (number | boolean)[] = [];
  for (const node of chain(env)) {
    for (const value of Object.values(node)) {
      if (isTypedArray(value)) arrays.push(bytesOf(value).slice());
      else if (typeof value === 'number' || typeof value === 'boolean') scalars.push(value);
    }
  }
  return { arrays, scalars };
}

/** Puts a snapshot of an env of the same task and number of copies back; a mismatch is an error, not a guess. */
export function restoreEnv(env: VectorEnv, snapshot: EnvSnapshot): void {
  let a = 0;
  let s = 0;
  const nodes = chain(env);
  for (const node of nodes) {
    for (const [key, value] of Object.entries(node)) {
      if (isTypedArray(value)) {
        const saved = snapshot.arrays[a++];
        if (saved === undefined || saved.length !== value.byteLength) throw new Error(`env snapshot: array '${key}' does not match this env (another task or number of copies?)`);
        bytesOf(value).set(saved);
      } else if (typeof value === 'number' || typeof value === 'boolean') {
        const saved = snapshot.scalars[s++];
        if (typeof saved !== typeof value) throw new Error(`env snapshot: field '${key}' does not match this env (another task?)`);
        node[key] = saved;
      }
    }
  }
  if (a !== snapshot.arrays.length || s !== snapshot.scalars.length) throw new Error('env snapshot holds more state than this env (another task?)');
  for (const node of nodes) if (node instanceof ScheduledVectorEnv) node.playRestoredTask();
}
