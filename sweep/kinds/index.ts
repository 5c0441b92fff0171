/** The kinds of runs a sweep can hold, by the `kind` their jobs carry. */
import { problemsOf } from '../../core/config.ts';
import { experimentKind, type ExperimentPayload } from './experiment.ts';
import type { JobKind } from './kind.ts';
import { rlKind, type RlPayload } from './rl.ts';

export type JobPayload = ExperimentPayload | RlPayload;

const KINDS: { readonly [K in JobPayload['kind']]: JobKind<Extract<JobPayload, { kind: K }>, unknown> } = {
  experiment: experimentKind as JobKind<ExperimentPayload, unknown>,
  rl: rlKind as JobKind<RlPayload, unknown>,
};

/** The kind of a job: its result is typed by the kind's own schema where it is read (`kind.result`). */
export function kindOf<P extends JobPayload>(payload: P): JobKind<P, unknown> {
  return KINDS[payload.kind] as JobKind<P, unknown>;
}

/** A job's data as a worker receives it: its kind, then that kind's schema. Errors name the field. */
export function parsePayload(data: unknown): JobPayload {
  const kind = (data as { kind?: unknown } | null)?.kind;
  if (typeof kind !== 'string' || !Object.hasOwn(KINDS, kind)) {
    throw new Error(`job data: kind is ${JSON.stringify(kind)}; this worker runs ${Object.keys(KINDS).join(', ')}`);
  }
  const parsed = KINDS[kind as JobPayload['kind']].payload.safeParse(data);
  if (!parsed.success) throw new Error(`job data of kind ${kind}:\n  ${problemsOf(parsed.error).join('\n  ')}`);
  return parsed.data;
}
