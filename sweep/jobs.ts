/**
 * A sweep's jobs. A job's id comes from what it runs: the hash of its kind and settings (canonical JSON, keys
 * sorted, where-it-computes settings left out) behind readable words. BullMQ adds a job whose id it already holds
 * at most once, so submitting a spec twice queues nothing twice.
 */
import { createHash } from 'node:crypto';
import { kindOf, type JobPayload } from './kinds/index.ts';

export interface SweepJob {
  /** e.g. experiment.split-mnist.class.gr.seed-1.3f2a9c1b0d4e5f6a */
  readonly id: string;
  /** The hash of the run's settings (hex). */
  readonly hash: string;
  readonly data: JobPayload;
  /** The word its spec entry gives its collected folder (./collect.ts); not part of the id. */
  readonly collectAs?: string;
}

/** JSON with every object's keys in sorted order: one text per value, whatever order it was built in. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** Hex digits of the hash kept in the id: 64 bits, no collision in any sweep a lab will run. */
const ID_HASH_DIGITS = 16;

export function jobFor(data: JobPayload): SweepJob {
  const kind = kindOf(data);
  const hash = createHash('sha256')
    .update(canonicalJson({ kind: data.kind, run: kind.identity(data) }))
    .digest('hex')
    .slice(0, ID_HASH_DIGITS);
  const { what, variant, seed } = kind.words(data);
  // BullMQ job ids may not hold ':' (its key separator); the words are names from presets.
  const id = [data.kind, what, ...variant, `seed-${seed}`, hash].join('.').replaceAll(':', '-');
  return { id, hash, data };
}

/** A job's words for a status line: "split-mnist/class/gr seed 1". */
export function describeJob(data: JobPayload): string {
  const { what, variant, seed } = kindOf(data).words(data);
  return `${[what, ...variant].join('/')} seed ${seed}`;
}
