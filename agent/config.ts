/**
 * The RL agent's settings: one typed object shared by the CLI (`dgr rl`), the presets and the server, validated
 * at the boundary (zod; errors name the field). A run is reproducible from its saved config.
 *
 * Defaults follow MinAtar's published DQN (Young & Tian 2019, Table 4 / its dqn.py hyperparameters): replay
 * buffer 100k, batch 32, γ 0.99, target network updated every 1000 updates, ε from 1 to 0.1 over the first 100k
 * frames, learning from frame 5000. Where we differ, the comment says why: Adam instead of centred RMSProp (as in
 * the reference benchmark ../shared/bench/torch_rl_reference.py; each preset sets its step size), 16 environments
 * stepped at once, and one update every `updateEvery` frames instead of every frame (an update costs ~3-8 ms
 * here: at one per frame a million frames would be ~2.3 h of updates alone; DQN on Atari updates every 4 frames,
 * Mnih et al. 2015).
 */
import { z } from 'zod';
import { ScheduleSchema } from '../env/schedule.ts';
import { adamSchema, distinctItems, ewcSchema, generatorSchema, problemsOf, siSchema } from '../core/config.ts';
import { AUDIT_SAMPLES } from '../core/replay/audit.ts';
import { RL_ARMS } from './arms/index.ts';

/** The arms of the RL comparison, named as in core (core/arms.ts), in the order of their table (./arms/index.ts). */
export type AgentArm = keyof typeof RL_ARMS;
export const AGENT_ARMS = Object.keys(RL_ARMS) as [AgentArm, ...AgentArm[]];

export const AGENT_ARM_DESCRIPTIONS = Object.fromEntries(AGENT_ARMS.map((arm) => [arm, RL_ARMS[arm].description])) as Record<AgentArm, string>;

/**
 * Settings added after runs were made without them (the arms table, 2026-12-06): a config that leaves one out
 * means its default, the value the code had as a constant before. Kept apart so a sweep job's identity can
 * leave them out when they hold the default, and finished jobs keep their ids.
 */
export const ADDED_SETTINGS = {
  noise: { density: 0.5 },
  ewc: { lambda: 5000, samples: 200, gamma: 1 },
  si: { c: 0.1, epsilon: 0.1 },
  audit: { frames: 256, samples: AUDIT_SAMPLES, dreams: 64 },
  progress: { every: 25, yieldEvery: 200 },
} as const;

const positiveInt = z.int().positive();
const unitInterval = z.number().min(0).max(1);
const adam = adamSchema;

/** MinAtar's network on the shared layout: one 3×3 conv of 16 filters ('same' padding), 128 hidden, 6 actions. */
export const networkSchema = z.strictObject({ channels: positiveInt, hidden: positiveInt });

export const learnerSchema = z.strictObject({
  /** Environment copies stepped at once (one forward pass picks all their actions). */
  numEnvs: positiveInt,
  /** Transitions kept (uint8 observations). MinAtar: 100k. */
  bufferSize: positiveInt,
  batchSize: positiveInt,
  /** Discount γ. MinAtar: 0.99. */
  gamma: unitInterval,
  /** Frames before the first update. MinAtar: 5000. */
  learningStarts: z.int().nonnegative(),
  /** Frames per update (MinAtar: 1). */
  updateEvery: positiveInt,
  /** Updates between copies of the online network into the target network. MinAtar: 1000. */
  targetUpdateEvery: positiveInt,
  /** ε-greedy: linear from `start` to `end` over `decayFrames` frames of the game. MinAtar: 1 → 0.1 over 100k. */
  epsilon: z.strictObject({ start: unitInterval, end: unitInterval, decayFrames: positiveInt }),
  network: networkSchema,
  adam,
  /** Huber (DQN's error clipping) or MSE on the TD error. */
  loss: z.enum(['huber', 'mse']),
});

export const scholarSchema = z.strictObject({
  network: networkSchema,
  adam,
  /** Consolidation iterations after each game (Q_k learns from Q_short and Q_(k−1)). */
  iterations: positiveInt,
  /** Current and replayed observations per consolidation step (each). */
  batchSize: positiveInt,
  /** r, the importance of the new game: fixed, or 1/(games so far) so every game weighs the same. */
  importance: z.union([z.strictObject({ fixed: unitInterval }), z.literal('tasks-so-far')]),
  /** L between Q-value vectors: regressed (RePR uses MSE), or distilled as a policy (Rusu et al. 2016 found the
   *  KL to the teacher's Q-values sharpened at T = 0.01 the best of their losses) — core/scholar.ts's valueLoss. */
  loss: z.union([z.enum(['mse', 'huber']), z.strictObject({ kind: z.literal('policy'), temperature: z.number().positive() })]),
  /** Teach Q-values normalised per game (divided by the teacher's mean absolute Q on that game's observations;
   *  GRIm-RePR found this reduces interference between games' reward scales). */
  normalise: z.boolean(),
  /** Real observations of the game kept for its consolidation and its generator (the newest of the learner's
   *  buffer). */
  observations: positiveInt,
});

/** Which of G's dreams are replayed (./valid-dreams.ts). */
export const DREAM_KEEPS = ['valid', 'exact', 'all'] as const;
export type DreamKeep = (typeof DREAM_KEEPS)[number];

export const agentConfigSchema = z.strictObject({
  experiment: z.literal('rl'),
  /** The preset whose settings these are (quick, demo, full), or 'custom' when they are not a preset's
   *  (agent/presets.ts, labelPreset). */
  preset: z.string().min(1),
  /** For a 'custom' config: the preset it started from, when one is known. */
  basedOn: z.string().min(1).optional(),
  schedule: ScheduleSchema,
  arms: z.array(z.enum(AGENT_ARMS)).min(1).superRefine(distinctItems('arm')),
  seed: z.int().nonnegative(),
  learner: learnerSchema,
  scholar: scholarSchema,
  generator: z.strictObject({
    /** core's generators on the flat 700-cell grid; `draw: 'bernoulli'` so samples are 0/1 grids. */
    model: generatorSchema,
    /** Generator iterations per game. */
    iterations: positiveInt,
    batchSize: positiveInt,
    /** Which dreams are replayed (to Q_k and to G_k): all of G's samples; only those some game seen so far
     *  could show ('valid': rejection sampling by the games' invariants, batch by batch); or only exact frames of
     *  a seen game ('exact': drawn once into a pool of up to scholar.observations dreams per game), see
     *  ./valid-dreams.ts. Absent in configs saved before the option, which replayed all. */
    keep: z.enum(DREAM_KEEPS).optional(),
    /** One generator per game, each learning its game's real frames alone, dreams in equal shares from each
     *  (core/generators/per-task.ts), instead of one generator that learns each game beside its predecessor's
     *  dreams. Absent: one generator, the paper's scholar. */
    perGame: z.literal(true).optional(),
  }),
  /** Hidden replay's generator (the gr-hidden arm, ./hidden-features.ts): core's generator of the first game's
   *  learner's convolution features, read as values in [0, 1] (a VAE or WGAN-GP; not the grid VAE, which draws 0/1
   *  cells). Present when the arms include gr-hidden; its iterations and batches are generator's. */
  hidden: z.strictObject({ model: generatorSchema }).optional(),
  /** ER's buffer of real past observations (spread evenly over the games seen). */
  er: z.strictObject({ capacity: positiveInt }),
  /** The noise arm's grids: each cell set with probability `density` ("uniformly random binary grids": ½). */
  noise: z.strictObject({ density: unitInterval }).default(ADDED_SETTINGS.noise),
  /** EWC and online EWC on the scholar's Q-network (core's settings): its Fisher is measured on `samples` of the
   *  game's observations, the Q-values read as the logits of a softmax policy. Classification's values (core's
   *  presets), not tuned for Q-networks. */
  ewc: ewcSchema.default(ADDED_SETTINGS.ewc),
  /** SI on the scholar's Q-network (core's settings; classification's values, not tuned for Q-networks). */
  si: siSchema.default(ADDED_SETTINGS.si),
  /** What the replay audit measures after each game: real frames kept per game (drawn from the observations its
   *  consolidation learnt from; an arm replaying real frames, as er, may hold some), the dreams audited (core's
   *  AUDIT_SAMPLES, as the classification audit) and the dreams kept for the viewer. */
  audit: z.strictObject({ frames: positiveInt, samples: positiveInt, dreams: positiveInt }).default(ADDED_SETTINGS.audit),
  /** A consolidation reads its loss every `every` iterations (and so reports progress) and lets the event loop
   *  run (a viewer's controls, a stop) every `yieldEvery`; how often, not what it computes. */
  progress: z.strictObject({ every: positiveInt, yieldEvery: positiveInt }).default(ADDED_SETTINGS.progress),
  evaluation: z.strictObject({
    /** Evaluate the short-term learner on its game every this many frames (0: only at the game's end). */
    every: z.int().nonnegative(),
    /** Greedy episodes per game per evaluation. */
    episodes: positiveInt,
    /** Cap on an evaluation episode's steps (its score so far counts). */
    maxSteps: positiveInt,
    /** Episodes of the random and scripted reference policies per game, for normalised scores. */
    referenceEpisodes: positiveInt,
  }),
  /** Where the run computes, never what (a run gives the same numbers either way): false, all on this thread;
   *  true, the generator in a worker thread while the scholar consolidates (generator.keep 'all' only: the
   *  worker runs core's generators, not the dream filter); 'arms', every arm in a thread of its own and the
   *  games' learners in another, so a comparison of arms uses every core (./arm-threads.ts). */
  parallel: z.union([z.boolean(), z.literal('arms')]),
}).superRefine((config, ctx) => {
  if (!config.arms.includes('gr-hidden')) return;
  if (!config.hidden) ctx.addIssue({ code: 'custom', path: ['hidden'], message: 'the gr-hidden arm needs hidden.model, the generator of its features' });
  else if (config.hidden.model.kind === 'grid-vae') ctx.addIssue({ code: 'custom', path: ['hidden', 'model', 'kind'], message: "features are values in [0, 1], not the 0/1 cells 'grid-vae' draws: use 'vae' or 'wgan-gp'" });
  else if (config.hidden.model.draw === 'bernoulli') ctx.addIssue({ code: 'custom', path: ['hidden', 'model', 'draw'], message: "features are values in [0, 1]: draw them as means, not 'bernoulli' 0/1" });
});

export type AgentConfig = z.infer<typeof agentConfigSchema>;
/** A config as written (settings with a default may be left out). */
export type AgentConfigInput = z.input<typeof agentConfigSchema>;
export type LearnerSettings = AgentConfig['learner'];
export type ScholarSettings = AgentConfig['scholar'];
export type NetworkSettings = z.infer<typeof networkSchema>;

/** Parses untrusted RL config data; the error names each offending field. */
export function parseAgentConfig(data: unknown, source: string): AgentConfig {
  const result = agentConfigSchema.safeParse(data);
  if (!result.success) throw new Error(`${source}: invalid RL config:\n  ${problemsOf(result.error).join('\n  ')}`);
  return result.data;
}

