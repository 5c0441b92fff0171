/**
 * Sweep jobs of `dgr rl`: one schedule, one set of arms, one seed, run into its folder as `dgr rl` runs it. Arms
 * of one job run together and share its games' short-term learners (trained once for all of them, as with
 * `dgr rl --arm gr none`); a sweep that wants each arm on its own worker gives each arm its own spec entry.
 */
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { ADDED_SETTINGS, agentConfigSchema } from '../../agent/config.ts';
import { rlResultSchema, type RlResultFile } from '../../agent/report/result-file.ts';
import { runSeeds } from '../../runner/rl-runs.ts';
import { rlJobProgressView, rlProgress, type RlJobProgress } from '../job-progress.ts';
import { seedJobOptions, type JobKind } from './kind.ts';

export const rlPayload = z
  .object({
    kind: z.literal('rl'),
    config: agentConfigSchema,
    /** Load and save the games' learners in the store's learner cache (./../spec.ts's shareLearners). */
    shareLearners: z.literal(true).optional(),
  })
  .strict();
export type RlPayload = z.infer<typeof rlPayload>;

/** The learner cache's folder in the store, shared by every worker of the store. */
export const LEARNER_CACHE = 'learners';

/** A schedule read from a file has no name of its own: its folder says so (the hash tells such runs apart). */
const scheduleWord = (payload: RlPayload): string => payload.config.schedule.name ?? 'custom-schedule';
const armsWord = (payload: RlPayload): string => payload.config.arms.join('+');

export const rlKind: JobKind<RlPayload, RlResultFile[], RlJobProgress> = {
  payload: rlPayload,
  /** Each arm's result.json, in the order of the run's arms. */
  result: z.array(rlResultSchema).min(1),
  // The label is not a setting: a run keeps the id it had before labels told `custom` from the preset it
  // started from, so a finished run is not queued again (the id names that preset, as it always did).
  // Settings added later are left out where they hold their default, for the same reason.
  identity: ({ config }) => {
    const { parallel: _where, basedOn, ...run } = config;
    const isDefault = (name: string, value: unknown): boolean => Object.hasOwn(ADDED_SETTINGS, name) && isDeepStrictEqual(value, ADDED_SETTINGS[name as keyof typeof ADDED_SETTINGS]);
    const kept = Object.fromEntries(Object.entries(run).filter(([name, value]) => !isDefault(name, value)));
    return { ...kept, preset: basedOn ?? run.preset };
  },
  words: (payload) => ({ what: scheduleWord(payload), variant: [armsWord(payload)], seed: payload.config.seed }),
  folder: (payload, hash) => ['rl', scheduleWord(payload), armsWord(payload), `seed-${payload.config.seed}-${hash.slice(0, 8)}`],
  run: ({ config, shareLearners }, context) =>
    runSeeds(config, [config.seed], context.backend, context.folder, context.command, {
      ...seedJobOptions(context, rlProgress()),
      ...(shareLearners ? { learnerCache: join(context.store, LEARNER_CACHE) } : {}),
    }),
  progress: rlJobProgressView,
  summary: (files) => files.map((f) => `${f.arm} ACC ${(100 * f.acc).toFixed(2)} %`).join(', '),
  // The arms share one run: each file holds its wall time.
  seconds: (files) => files[0].seconds,
};
