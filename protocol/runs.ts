/**
 * The runs page's API (version 1): `dgr serve --runs DIR` answers GET requests with JSON a client validates with
 * these schemas. Read-only: nothing here changes a run, so no token is asked. Every answer is bounded (runs
 * listed, curve rows per arm and seed), so one viewer cannot make the server read or send without limit.
 * docs/PROTOCOL.md describes it beside the live protocol.
 */
import { z } from 'zod';

export const RUNS_API_VERSION = 1;
/** GET: the listing (runsListingSchema). */
export const RUNS_PATH = '/api/v1/runs';
/** GET ?id=<run id>: one run's results (runDetailSchema). */
export const RUN_PATH = '/api/v1/run';
/** GET ?id=<run id>&path=<file in it>: a picture of the run (png, svg, gif), nothing else. */
export const RUN_FILE_PATH = '/api/v1/run-file';
export const RUN_FILE_TYPES = { '.png': 'image/png', '.svg': 'image/svg+xml', '.gif': 'image/gif' } as const;

/** Most runs one listing names (the rest are counted in `truncated`). */
export const MAX_RUNS_LISTED = 500;
/** Most curve rows sent per arm and seed (evenly thinned beyond it, the last row kept). */
export const MAX_CURVE_ROWS = 400;

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const runId = z.string().min(1).max(1024);

export const RUN_STATES = ['finished', 'running', 'stopped', 'failed'] as const;

export const runSummarySchema = z.strictObject({
  /** The run's folder relative to the served folder, with '/' between names. */
  id: runId,
  kind: z.enum(['rl', 'experiment']),
  /** finished: its result files are written; running: a live process holds its lock; failed: a seed left an
   *  error; stopped: none of these (killed, or stopped to resume later). */
  state: z.enum(RUN_STATES),
  /** Frames (RL) done of the run's, summed over its seeds; null when nothing says. */
  progress: z.strictObject({ done: z.number().nonnegative(), total: z.number().positive(), unit: z.literal('frames') }).nullable(),
  error: z.string().nullable(),
  arms: z.array(z.string()),
  seeds: z.array(z.int()),
  games: z.array(z.string()),
  /** The run's config flattened to dotted keys, each value as JSON text (the seed left out). */
  settings: z.record(z.string(), z.string()),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

export const runsListingSchema = z.strictObject({
  version: z.literal(RUNS_API_VERSION),
  root: z.string(),
  runs: z.array(runSummarySchema).max(MAX_RUNS_LISTED),
  /** Runs found beyond MAX_RUNS_LISTED. */
  truncated: z.int().nonnegative(),
  /** Setting keys whose value is not the same in every listed run of a kind. */
  differing: z.array(z.string()),
});
export type RunsListing = z.infer<typeof runsListingSchema>;

const matrix = z.array(z.array(finite));

export const armResultSchema = z.strictObject({
  arm: z.string(),
  seeds: z.array(z.int()).min(1),
  /** R[k][i] (normalised score of game i after game k, row 0 at the start), mean over seeds, and its s.e.m. */
  R: matrix,
  RSem: matrix.nullable(),
  acc: finite,
  accSem: finite.nullable(),
  /** Earlier game → retention, mean over seeds, and its s.e.m. (null: one seed or undefined). */
  retention: z.record(z.string(), finite.nullable()),
  retentionSem: z.record(z.string(), finite.nullable()).nullable(),
  /** Pictures of the arm in the run folder (dream grids, episode GIFs), paths for RUN_FILE_PATH. */
  pictures: z.array(z.strictObject({ title: z.string(), path: z.string() })),
});
export type ArmResult = z.infer<typeof armResultSchema>;

/** One evaluation of an arm's scholar: its normalised score on every game (null: not evaluated there). */
export const curveRowSchema = z.strictObject({
  arm: z.string(),
  seed: z.int(),
  frame: z.number().nonnegative(),
  scores: z.array(finite.nullable()),
});
export type CurveRow = z.infer<typeof curveRowSchema>;

export const runDetailSchema = z.strictObject({
  version: z.literal(RUNS_API_VERSION),
  run: runSummarySchema,
  /** Per arm, from its result.json (empty until the run has finished). */
  arms: z.array(armResultSchema),
  /** The scholars' evaluations from curves.csv (empty until the run has finished). */
  curves: z.array(curveRowSchema),
  /** Frame at which each game starts, and the end of the run. */
  boundaries: z.array(z.number().nonnegative()),
});
export type RunDetail = z.infer<typeof runDetailSchema>;
