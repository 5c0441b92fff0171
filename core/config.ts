/**
 * A run's settings: one typed object, validated at the boundary (CLI, config files, checkpoints), shared by
 * presets, the command line and the server. A run is reproducible from its saved config.
 */
import { z } from 'zod';
import { ARM_NAMES } from './arms.ts';
import { OCCUPANCIES } from './generators/grid-vae.ts';

const positiveInt = z.number().int().positive();
const unitInterval = z.number().min(0).max(1);
const scenario = z.enum(['task', 'domain', 'class']);
const limit = z.object({ train: positiveInt.optional(), test: positiveInt.optional() }).strict();

export const streamSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('split-mnist'),
      scenario,
      classOrder: z.array(z.number().int().min(0).max(9)).length(10).optional(),
      tasks: z.number().int().min(1).max(5).default(5),
      limit: limit.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('permuted-mnist'),
      scenario: scenario.default('domain'),
      tasks: z.number().int().min(1).max(100),
      limit: limit.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('domains'),
      domains: z.tuple([z.enum(['mnist', 'svhn', 'synthetic']), z.enum(['mnist', 'svhn', 'synthetic'])]),
      svhnDir: z.string().optional(),
      limit: limit.optional(),
    })
    .strict(),
  /** Paper Table 1: the same MNIST task repeated; generations after the first learn only from their teacher. */
  z.object({ kind: z.literal('mnist-chain'), generations: z.number().int().min(2).max(20), limit: limit.optional() }).strict(),
]);

export const adamSchema = z.object({ lr: z.number().positive(), beta1: unitInterval, beta2: unitInterval }).strict();
const adam = adamSchema;

/** A generator of inputs (core/generators), shared by the classification runs and the RL agent. */
export const generatorSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('vae'),
      hidden: z.array(positiveInt).min(1),
      latent: positiveInt,
      /** Strided 5×5 conv layers before the dense encoder, mirrored by transposed convs after the decoder. */
      channels: z.array(positiveInt).min(1).optional(),
      /** Samples as means (pixels; the default) or drawn to 0/1 (observation grids). */
      draw: z.enum(['mean', 'bernoulli']).optional(),
      /** Weight of the KL term (β-VAE); absent: 1, the ELBO. */
      beta: z.number().positive().optional(),
      adam,
    })
    .strict(),
  /** A VAE of 0/1 grids whose decoder draws each channel as its objects occupy it (core/generators/grid-vae.ts):
   *  its samples are always 0/1. */
  z
    .object({
      kind: z.literal('grid-vae'),
      /** Per channel of the grid, the occupancies it takes in the data (none, one, at-most-one, one-per-row, many). */
      occupancy: z.array(z.array(z.enum(OCCUPANCIES)).min(1)).min(1),
      /** Channel counts of the encoder's 3×3 convolutions of stride 2 (each halves the grid), mirrored by the decoder. */
      channels: z.array(positiveInt).min(1),
      hidden: positiveInt,
      latent: positiveInt,
      beta: z.number().positive().optional(),
      adam,
    })
    .strict(),
  z
    .object({
      kind: z.literal('wgan-gp'),
      hidden: z.array(positiveInt).min(1),
      latent: positiveInt,
      criticSteps: positiveInt,
      penalty: z.number().nonnegative(),
      draw: z.enum(['mean', 'bernoulli']).optional(),
      adam,
    })
    .strict(),
]);

/** EWC's penalty strength λ, the inputs its Fisher is measured on, and online EWC's decay γ (both domains). */
export const ewcSchema = z.object({ lambda: z.number().nonnegative(), samples: positiveInt, gamma: unitInterval }).strict();
/** SI's penalty strength c and its damping ξ (both domains). */
export const siSchema = z.object({ c: z.number().nonnegative(), epsilon: z.number().positive() }).strict();

export const runConfigSchema = z
  .object({
    experiment: z.string().min(1),
    stream: streamSchema,
    arm: z.enum(ARM_NAMES),
    seed: z.number().int(),
    solver: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('mlp'), hidden: z.array(positiveInt).min(1), adam }).strict(),
      /** Strided 5×5 conv layers with these channel counts, then one dense hidden layer. */
      z.object({ kind: z.literal('cnn'), channels: z.array(positiveInt).min(1), dense: positiveInt, adam }).strict(),
    ]),
    generator: generatorSchema,
    /** Solver iterations per task. */
    iterations: positiveInt,
    /** Generator iterations per task (the generator trains in parallel with the solver). */
    generatorIterations: positiveInt,
    batchSize: positiveInt,
    /** r, the importance of the new task: a fixed value, or 1/(tasks so far) as in van de Ven & Tolias. */
    importance: z.union([z.object({ fixed: unitInterval }).strict(), z.literal('tasks-so-far')]),
    /** Softmax temperature of the distillation targets (arms with soft targets). */
    temperature: z.number().positive(),
    /** Strength of the EWC / SI penalties, EWC's Fisher sample count and online EWC's decay. */
    ewc: ewcSchema,
    si: siSchema,
    /** Evaluate every task's test set every this many solver iterations (0: only at task ends). */
    evalEvery: z.number().int().nonnegative(),
    /** Test samples per task used for the curves (the task-end accuracy matrix always uses the full test set). */
    curveSamples: positiveInt,
    /** Train the generator in a worker thread, in parallel with the solver. Where it runs, not what it computes:
     * the worker and the main thread train the same generator from the same random streams. */
    parallel: z.boolean(),
  })
  .strict();

export type RunConfig = z.infer<typeof runConfigSchema>;
export type StreamSpec = RunConfig['stream'];

/** Parses untrusted config data; the error names each offending field and what was wrong. */
export function parseRunConfig(data: unknown, source: string): RunConfig {
  const result = runConfigSchema.safeParse(data);
  if (!result.success) throw new Error(`${source}: invalid run config:\n  ${problemsOf(result.error).join('\n  ')}`);
  return result.data;
}

/** The first item of `items` that comes again later, if any. */
export function firstDuplicate<T>(items: readonly T[]): T | undefined {
  return items.find((item, i) => items.indexOf(item, i + 1) !== -1);
}

/** A zod check for lists whose items name things once each (arms, scenarios): a duplicate is named. */
export function distinctItems(what: string) {
  return (items: readonly unknown[] | undefined, ctx: z.RefinementCtx): void => {
    const duplicate = items === undefined ? undefined : firstDuplicate(items);
    if (duplicate !== undefined) ctx.addIssue({ code: 'custom', message: `${what} ${String(duplicate)} is given twice; name each once` });
  };
}

/** A validation error as one line per offending field: where it is and what was wrong. */
export function problemsOf(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
}

/** What every run's settings (classification or RL) have: a seed, and where the work runs. */
export interface RunSettings {
  readonly seed: number;
  /** A generator thread (true), or a thread per arm of a run of several (an RL run's 'arms'). */
  readonly parallel: boolean | 'arms';
}

/** Keys of a config that are not settings of the run: where the work runs (`parallel`: a run checkpointed with
 * the generator in a worker may be resumed without one, and the other way round) and the label saying which
 * preset the settings are (an RL config's `preset` and `basedOn`: derived from the settings, and relabelled when
 * a preset changes, agent/presets.ts). */
const NOT_SETTINGS: readonly string[] = ['parallel', 'preset', 'basedOn'];

function settingsOf(config: object): string {
  return JSON.stringify(Object.fromEntries(Object.entries(config).filter(([k]) => !NOT_SETTINGS.includes(k))));
}

/** Two configs describe the same run when they differ at most in keys that are not settings (NOT_SETTINGS). */
export function sameRun<C extends RunSettings>(a: C, b: C): boolean {
  return settingsOf(a) === settingsOf(b);
}

/** Settings in which two configs differ, the seed and the keys that are not settings aside. */
export function differences<C extends RunSettings>(a: C, b: C): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])] as (keyof C & string)[];
  return keys.filter((k) => k !== 'seed' && !NOT_SETTINGS.includes(k) && JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}
