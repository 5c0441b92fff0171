/**
 * A sweep spec: which runs to do, as data. A JSON file, or the same fields from the command line
 * (`dgr sweep --experiment split-mnist --arm gr none --seeds 1-20 --preset paper`, or
 * `dgr sweep --rl --arm gr none --seeds 1-3`), validated by one schema whose errors name the field. An experiment
 * entry expands to one job per (experiment, arm, scenario, seed), each run exactly as `dgr experiment` would run
 * it; an RL entry to one job per seed holding all its arms (they share the games' learners), each run exactly as
 * `dgr rl` would run it with the same settings.
 */
import { z } from 'zod';
import { AGENT_ARMS, type AgentArm } from '../agent/config.ts';
import { AGENT_PRESETS, agentPreset, PRESET_GENERATORS, SCHEDULES } from '../agent/presets.ts';
import { FOLDER_WORD } from '../agent/report/protocol-folders.ts';
import { ScheduleSchema } from '../env/schedule.ts';
import { ARM_NAMES } from '../core/arms.ts';
import { distinctItems, problemsOf } from '../core/config.ts';
import { GENERATOR_CHOICES, PRESETS, SOLVER_KINDS } from '../core/experiments/presets.ts';
import { experimentConfigs } from '../runner/experiment-configs.ts';
import { MAX_FRAMES_PER_GAME } from '../runner/frame-bound.ts';
import { jobFor, type SweepJob } from './jobs.ts';

/** Seeds as numbers or ranges: 3, "1-20", [1, 2, "5-8"]. */
const seedItem = z.union([
  z.number().int().nonnegative(),
  z.string().regex(/^\d+(-\d+)?$/, "a seed or a range of seeds like '1-20'"),
]);

function expandSeeds(items: readonly (number | string)[], ctx: z.RefinementCtx): number[] {
  const seeds = new Set<number>();
  for (const item of items) {
    if (typeof item === 'number') {
      seeds.add(item);
      continue;
    }
    const [from, to = from] = item.split('-').map(Number);
    if (to < from) {
      ctx.addIssue({ code: 'custom', message: `the range '${item}' runs backwards` });
      return [];
    }
    for (let s = from; s <= to; s++) seeds.add(s);
  }
  return [...seeds].sort((a, b) => a - b);
}

const seedsField = z.union([seedItem, z.array(seedItem).min(1)]).transform((v, ctx) => expandSeeds(Array.isArray(v) ? v : [v], ctx));

/** One block of the spec: an experiment's arms × scenarios × seeds with one preset and one set of overrides. */
const experimentEntry = z
  .object({
    kind: z.literal('experiment'),
    experiment: z.string().min(1),
    /** Default: the experiment's own arms. */
    arms: z.array(z.enum(ARM_NAMES)).min(1).superRefine(distinctItems('arm')).optional(),
    /** Default: the experiment's default scenario (split-mnist and permuted-mnist have several). */
    scenarios: z.array(z.enum(['task', 'domain', 'class'])).min(1).superRefine(distinctItems('scenario')).optional(),
    seeds: seedsField,
    preset: z.enum(PRESETS).default('quick'),
    iterations: z.number().int().positive().optional(),
    generatorIterations: z.number().int().positive().optional(),
    batchSize: z.number().int().min(1).max(65536).optional(),
    lr: z.number().min(1e-8).max(10).optional(),
    r: z.union([z.number().min(0).max(1), z.literal('tasks-so-far')]).optional(),
    generator: z.enum(GENERATOR_CHOICES).optional(),
    solver: z.enum(SOLVER_KINDS).optional(),
    evalEvery: z.number().int().nonnegative().optional(),
    svhnDir: z.string().min(1).optional(),
    /** Train the generator in a worker thread beside the solver (where the run computes, not what). */
    parallel: z.boolean().default(true),
  })
  .strict();

/** One block of RL runs: a schedule's arms × seeds with one preset and its overrides (`dgr rl`'s options). */
const rlEntry = z
  .object({
    kind: z.literal('rl'),
    preset: z.enum(AGENT_PRESETS).default('quick'),
    /** Default: the preset's. The arms of an entry run together, one job per seed: they share the learners. */
    arms: z.array(z.enum(AGENT_ARMS)).min(1).superRefine(distinctItems('arm')).optional(),
    /** A named schedule or a schedule as env/README.md describes it (default: the preset's). */
    schedule: z
      .union([
        z.string().refine((name) => Object.hasOwn(SCHEDULES, name), { message: `a schedule name (${Object.keys(SCHEDULES).join(', ')}) or a schedule object` }),
        ScheduleSchema,
      ])
      .optional(),
    seeds: seedsField,
    /** Frames per game of a named schedule. */
    frames: z.number().int().min(1000).optional(),
    /** Accepts frames above MAX_FRAMES_PER_GAME (`--allow-many-frames`). */
    allowManyFrames: z.boolean().optional(),
    iterations: z.number().int().positive().optional(),
    generatorIterations: z.number().int().positive().optional(),
    /** Greedy episodes per evaluation (default: the preset's); the standard error of an evaluation shrinks as 1/√episodes. */
    evaluationEpisodes: z.number().int().positive().optional(),
    /** The scholar's generator (agent/presets.ts: the preset's VAE or the grid VAE); default: the preset's. */
    generator: z.enum(PRESET_GENERATORS).optional(),
    /** One generator per game, each learning its game alone (`dgr rl --generator-per-game`); default: one. */
    generatorPerGame: z.boolean().optional(),
    /** EWC's and online EWC's penalty strength λ (`dgr rl --ewc-lambda`; default: core's). */
    ewcLambda: z.number().nonnegative().optional(),
    /** SI's penalty strength c (`dgr rl --si-c`; default: core's). */
    siC: z.number().nonnegative().optional(),
    /** Where the run computes, not what: true, the generator in a worker thread beside the scholar; 'arms', every
     *  arm in a thread of its own and the learners in another (`dgr rl --parallel-arms`). */
    parallel: z.union([z.boolean(), z.literal('arms')]).default(true),
    /** Keep the games' short-term learners in the store's learner cache (`<store>/learners`, agent/learner-cache.ts):
     *  a run that differs from an earlier one only in its arms, scholar or generator loads them instead of training
     *  them. Where the run's learners come from, not what it computes: the job id does not depend on it. */
    shareLearners: z.boolean().default(false),
    /** The word `dgr sweep collect` gives this entry's runs' folders (`<schedule>/seed-<n>-<name>`), so entries
     *  that differ on the same seeds (other arms, a variant's settings) are collected side by side. Where the
     *  runs are committed, not what they compute: not part of the job id. */
    name: z.string().regex(FOLDER_WORD, 'a folder word: lower-case letters, digits and -').optional(),
  })
  .strict()
  .superRefine((entry, ctx) => {
    if (typeof entry.schedule === 'object' && entry.frames !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['frames'], message: 'frames sets the frames of a named schedule; a schedule object gives each task its own steps' });
    }
    if (entry.frames !== undefined && entry.frames > MAX_FRAMES_PER_GAME && !entry.allowManyFrames) {
      ctx.addIssue({ code: 'custom', path: ['frames'], message: `more than ${MAX_FRAMES_PER_GAME} frames a game is taken for a typo; add "allowManyFrames": true if you mean it` });
    }
  });

/** Kinds of runs a sweep holds. */
const sweepEntry = z.discriminatedUnion('kind', [experimentEntry, rlEntry]);

export const sweepSpecSchema = z.object({ runs: z.array(sweepEntry).min(1) }).strict();

export type SweepSpec = z.infer<typeof sweepSpecSchema>;
/** An entry as written, before defaults and seed ranges are expanded. */
export type SweepEntryInput = z.input<typeof sweepEntry>;

/** Parses untrusted spec data; the error names each offending field. */
export function parseSweepSpec(data: unknown, source: string): SweepSpec {
  const parsed = sweepSpecSchema.safeParse(data);
  if (!parsed.success) throw new Error(`${source}: invalid sweep spec:\n  ${problemsOf(parsed.error).join('\n  ')}`);
  return parsed.data;
}

/**
 * An RL entry's arms are a set: they run together whatever their order, so `none gr` and `gr none` are one run
 * with one job id. They take AGENT_ARMS's order, which is every preset's, so the ids of runs queued in a preset's
 * order stay what they were.
 */
const armSet = (arms: readonly AgentArm[] | undefined): AgentArm[] | undefined =>
  arms && AGENT_ARMS.filter((arm) => arms.includes(arm));

/** The spec's jobs, one per run, in the spec's order; a run named twice is one job. */
export function sweepJobs(spec: SweepSpec, source: string): SweepJob[] {
  const jobs = new Map<string, SweepJob>();
  const add = (job: SweepJob): void => {
    jobs.set(job.id, job);
  };
  spec.runs.forEach((entry, index) => {
    if (entry.kind === 'rl') {
      for (const seed of entry.seeds) {
        const { schedule, frames, iterations, generatorIterations, evaluationEpisodes, generator, generatorPerGame, ewcLambda, siC, parallel } = entry;
        let config;
        try {
          config = agentPreset(entry.preset, { schedule, framesPerGame: frames, arms: armSet(entry.arms), seed, iterations, generatorIterations, evaluationEpisodes, generator, generatorPerGame, ewcLambda, siC, parallel });
        } catch (error) {
          throw new Error(`${source}: runs.${index}: ${(error as Error).message}`);
        }
        const job = jobFor({ kind: 'rl', config, ...(entry.shareLearners ? { shareLearners: true } : {}) });
        add(entry.name ? { ...job, collectAs: entry.name } : job);
      }
      return;
    }
    for (const scenario of entry.scenarios ?? [undefined]) {
      for (const seed of entry.seeds) {
        let configs;
        try {
          configs = experimentConfigs(entry.experiment, entry.arms, { ...entry, scenario, seed });
        } catch (error) {
          throw new Error(`${source}: runs.${index}: ${(error as Error).message}`);
        }
        for (const config of configs) add(jobFor({ kind: 'experiment', config }));
      }
    }
  });
  return [...jobs.values()];
}
