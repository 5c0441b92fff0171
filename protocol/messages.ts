/**
 * Protocol v1 between `dgr serve` (server/) and the viewer (client/): the JSON messages, one zod schema each,
 * in both directions. The server validates every message a client sends against `clientMessageSchema`; the
 * client validates what it receives against `serverMessageSchema`. Binary messages (game frames, dreams, digit
 * samples) are laid out in ./binary.ts. docs/PROTOCOL.md describes the conversation.
 *
 * Shaped after Foxglove's WebSocket protocol: a versioned subprotocol, a `hello` (server info) on connect that
 * names the capabilities and a session id, requests that carry an id the reply echoes.
 */
import { z } from 'zod';

export const PROTOCOL_VERSION = 1;
/** The WebSocket subprotocol a client must offer (Sec-WebSocket-Protocol). */
export const SUBPROTOCOL = 'dgr.v1';
/** Largest message the server accepts from a client, in bytes (every request is a few hundred bytes). */
export const MAX_CLIENT_MESSAGE_BYTES = 4096;
/** Bounds on the history points a client may ask for per curve. */
export const MIN_HISTORY_POINTS = 2;
export const MAX_HISTORY_POINTS = 5000;

/**
 * What a server can do for this run; a client shows only the controls the run supports. `side-by-side` (added
 * within v1: a v1 client that never asks sees no change) is every arm's scholar playing one game at once.
 */
export const CAPABILITIES = ['frames', 'dreams', 'samples', 'pause', 'speed', 'watch', 'side-by-side'] as const;
export type Capability = (typeof CAPABILITIES)[number];

const requestId = z.string().min(1).max(64);
const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const score = finite.nullable();

// ---------------------------------------------------------------------------------------------------------
// Client → server

/** Start receiving: the history so far (each curve downsampled to at most `historyPoints` points), then live. */
export const subscribeSchema = z.strictObject({
  type: z.literal('subscribe'),
  id: requestId,
  historyPoints: z.int().min(MIN_HISTORY_POINTS).max(MAX_HISTORY_POINTS),
});

export const controlCommandSchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('pause') }),
  z.strictObject({ op: z.literal('resume') }),
  /** Cap on training frames per second; 0 removes the cap. */
  z.strictObject({ op: z.literal('speed'), framesPerSecond: z.number().min(0).max(1e7) }),
  /** Which game the scholar plays for the viewers (an index into the run's games); null: the learner's game. */
  z.strictObject({ op: z.literal('watch'), game: z.int().min(0).max(255).nullable() }),
]);

/** A change to the running job; only with the control token the server printed at start. */
export const controlRequestSchema = z.strictObject({
  type: z.literal('control'),
  id: requestId,
  token: z.string().min(1).max(128),
  command: controlCommandSchema,
});

/**
 * This viewer wants (on) or no longer wants (off) the arms side by side: every arm's scholar playing the same
 * earlier game with the same episode seeds (binary ARM FRAMES). Read-only, so no token: it changes only what this
 * viewer is sent. The run plays those games only while at least one subscribed viewer has asked.
 */
export const sideBySideRequestSchema = z.strictObject({
  type: z.literal('side-by-side'),
  id: requestId,
  on: z.boolean(),
});

export const clientMessageSchema = z.discriminatedUnion('type', [subscribeSchema, controlRequestSchema, sideBySideRequestSchema]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;
export type ControlCommand = z.infer<typeof controlCommandSchema>;
export const CLIENT_MESSAGE_TYPES = ['subscribe', 'control', 'side-by-side'] as const;

// ---------------------------------------------------------------------------------------------------------
// Server → client

export const controlStateSchema = z.strictObject({
  paused: z.boolean(),
  framesPerSecond: z.number().min(0),
  watch: z.int().min(0).nullable(),
});
export type ControlState = z.infer<typeof controlStateSchema>;

/** The run being served: an RL run over games, or a classification run over tasks. */
export const runInfoSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('rl'),
    /** The run's full configuration, as `dgr rl --config` takes it. */
    config: z.record(z.string(), z.unknown()),
    arms: z.array(z.string()),
    games: z.array(z.string()).min(1),
    /** Frames of each game in the schedule. */
    frames: z.array(z.number().nonnegative()),
    reference: z.strictObject({ random: z.array(finite), scripted: z.array(finite) }),
  }),
  z.strictObject({
    kind: z.literal('classification'),
    config: z.record(z.string(), z.unknown()),
    arms: z.array(z.string()),
    tasks: z.array(z.string()).min(1),
    /** Solver iterations per task (a curve point's x is task × iterations + iteration). */
    iterations: z.int().positive(),
    /** Shape of one input [height, width, channels]. */
    shape: z.array(z.int().positive()).length(3),
  }),
]);
export type RunInfo = z.infer<typeof runInfoSchema>;

export const jobStateSchema = z.enum(['starting', 'running', 'finished', 'stopped', 'failed', 'replay']);
export type JobState = z.infer<typeof jobStateSchema>;

export const helloSchema = z.strictObject({
  type: z.literal('hello'),
  protocol: z.literal(PROTOCOL_VERSION),
  /** New at every server start: a client that reconnects to another session starts afresh. */
  session: z.string().min(1),
  capabilities: z.array(z.enum(CAPABILITIES)),
  /** null until the job has said what it runs. */
  run: runInfoSchema.nullable(),
  state: jobStateSchema,
  control: controlStateSchema,
});

/** The run's identity, once the job has started (also sent in `hello` to later clients). */
export const runSchema = z.strictObject({ type: z.literal('run'), run: runInfoSchema });

export const statusSchema = z.strictObject({
  type: z.literal('status'),
  state: jobStateSchema,
  /** Why a job failed or stopped. */
  message: z.string().optional(),
});

export const progressSchema = z.strictObject({
  type: z.literal('progress'),
  /** Game (RL) or task (classification) being trained. */
  task: z.int().min(0),
  phase: z.string(),
  /** Frames (RL) or solver iterations over the whole run (classification) done, and their total. */
  done: z.number().nonnegative(),
  total: z.number().nonnegative(),
  /** Training frames per second (RL); null where not measured. */
  framesPerSecond: finite.nullable(),
  /** Named losses and rates of this report (e.g. tdLoss, epsilon, solverLoss). */
  values: z.record(z.string(), finite.nullable()),
  etaSeconds: finite.nullable(),
});

/**
 * One point of the curves: a score per game (RL, normalised: 0 random, 1 scripted) or an accuracy per task
 * (classification), at `x` (the run's frame, or its solver iteration). `series` names the curve family: an
 * arm, or `learner` for the RL short-term learner on its own game.
 */
export const curvePointSchema = z.strictObject({
  series: z.string().min(1),
  x: z.number().nonnegative(),
  task: z.int().min(0),
  values: z.array(score),
});
export type CurvePoint = z.infer<typeof curvePointSchema>;
export const curveSchema = z.strictObject({ type: z.literal('curve'), point: curvePointSchema });

/** After task/game `task` of a series: its row of R (score on every task), at x. */
export const taskEndSchema = z.strictObject({
  type: z.literal('task-end'),
  series: z.string().min(1),
  task: z.int().min(0),
  x: z.number().nonnegative(),
  row: z.array(score),
});
export type TaskEnd = z.infer<typeof taskEndSchema>;

export const episodeSchema = z.strictObject({
  type: z.literal('episode'),
  game: z.int().min(0),
  frame: z.number().nonnegative(),
  return: finite,
  length: z.int().min(0),
});
export type Episode = z.infer<typeof episodeSchema>;

/** Sent in answer to `subscribe`; binary dreams and samples of the history follow it. */
export const historySchema = z.strictObject({
  type: z.literal('history'),
  id: requestId,
  points: z.array(curvePointSchema),
  taskEnds: z.array(taskEndSchema.omit({ type: true })),
  /** The latest episode of each game (RL). */
  episodes: z.array(episodeSchema.omit({ type: true })),
  progress: progressSchema.nullable(),
  /** How many binary dream and sample messages follow. */
  binaries: z.int().min(0),
});

export const controlStateMessageSchema = z.strictObject({ type: z.literal('control'), control: controlStateSchema });

/** The reply to a control request that was carried out. */
export const ackSchema = z.strictObject({ type: z.literal('ack'), id: requestId, control: controlStateSchema });

/** The reply to a side-by-side request: what this viewer is now sent. */
export const sideBySideReplySchema = z.strictObject({ type: z.literal('side-by-side'), id: requestId, on: z.boolean() });

export const ERROR_CODES = [
  'malformed', // not JSON, or not an object
  'too-large', // over MAX_CLIENT_MESSAGE_BYTES (the connection is also closed, code 1009)
  'binary', // clients send text only
  'unknown-type', // `type` is not one of CLIENT_MESSAGE_TYPES
  'invalid', // a known type whose fields are wrong (the message names them)
  'unauthorized', // a control request without the right token
  'unsupported', // the job cannot do this (e.g. watch, or side by side, on a classification run)
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const errorSchema = z.strictObject({
  type: z.literal('error'),
  /** The request's id when it could be read, else null. */
  id: requestId.nullable(),
  code: z.enum(ERROR_CODES),
  message: z.string(),
});

export const serverMessageSchema = z.discriminatedUnion('type', [
  helloSchema,
  runSchema,
  statusSchema,
  progressSchema,
  curveSchema,
  taskEndSchema,
  episodeSchema,
  historySchema,
  controlStateMessageSchema,
  ackSchema,
  sideBySideReplySchema,
  errorSchema,
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;
export type Hello = z.infer<typeof helloSchema>;
export type History = z.infer<typeof historySchema>;
export type Progress = z.infer<typeof progressSchema>;
export type ProtocolError = z.infer<typeof errorSchema>;

/** Problems of a zod error as `field: message` strings (the field path dotted, `(message)` at the top). */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(message)'}: ${issue.message}`)
    .join('; ');
}
