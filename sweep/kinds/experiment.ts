/** Sweep jobs of `dgr experiment`: one arm, one scenario, one seed, run into its folder as `dgr experiment` runs it. */
import { z } from 'zod';
import { runConfigSchema } from '../../core/config.ts';
import { resultFileSchema, resultScenario, type ResultFile } from '../../core/results.ts';
import { requireSvhn } from '../../runner/experiment-configs.ts';
import { runArm } from '../../runner/experiment-runs.ts';
import { experimentProgress, jobProgressView, type JobProgress } from '../job-progress.ts';
import { seedJobOptions, type JobKind } from './kind.ts';

export const experimentPayload = z.object({ kind: z.literal('experiment'), config: runConfigSchema }).strict();
export type ExperimentPayload = z.infer<typeof experimentPayload>;

export const experimentKind: JobKind<ExperimentPayload, ResultFile, JobProgress> = {
  payload: experimentPayload,
  result: resultFileSchema,
  identity: ({ config }) => {
    const { parallel: _where, ...run } = config;
    return run;
  },
  words: ({ config }) => ({ what: config.experiment, variant: [resultScenario(config), config.arm], seed: config.seed }),
  folder: ({ config }, hash) => [config.experiment, `${resultScenario(config)}-${config.arm}`, `seed-${config.seed}-${hash.slice(0, 8)}`],
  run: async ({ config }, context) => {
    requireSvhn([config]);
    return runArm(config, [config.seed], context.backend, context.folder, context.command, seedJobOptions(context, experimentProgress()));
  },
  progress: jobProgressView,
  summary: (result) => `ACC ${(100 * result.acc).toFixed(2)} %`,
  seconds: (result) => result.seconds,
};
