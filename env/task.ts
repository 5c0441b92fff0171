/**
 * A task is a game plus its settings: which game, its game-specific settings, and the settings every game
 * has (sticky actions, difficulty ramping, controls, episode step limit). Tasks are plain data (JSON),
 * validated here; a task is referred to by name (a game or a variant, see variants.ts) or given in full.
 *
 * Building a task's env stacks wrappers around the game, so what changes between tasks (controls, sticky
 * actions) lives in wrappers and settings, never in an if inside a game.
 */
import { z } from 'zod';
import { CONTROLS, RemappedControls } from './controls.ts';
import { createGame, GAME_DESCRIPTIONS, SETTINGS_SCHEMAS } from './games/index.ts';
import { StickyActions } from './sticky.ts';
import { GAMES, type GameName, type VectorEnv } from './types.ts';
import { parseOrThrow } from './validation.ts';
import { VARIANTS } from './variants.ts';
import type { VectorBuffers } from './vector.ts';

export const DEFAULT_STICKY_ACTIONS = 0.1;
export const DEFAULT_MAX_EPISODE_STEPS = 10_000;

const common = {
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9/_.-]{0,63}$/, 'must be 1–64 characters of a-z, 0-9, /, _, ., - (starting with a letter or digit)')
    .optional(),
  stickyActions: z.number().min(0).lt(1).default(DEFAULT_STICKY_ACTIONS),
  ramping: z.boolean().default(true),
  controls: z.enum(CONTROLS).default('normal'),
  maxEpisodeSteps: z.int().min(1).max(10_000_000).default(DEFAULT_MAX_EPISODE_STEPS),
};

const S = SETTINGS_SCHEMAS;

export const TaskSchema = z.discriminatedUnion('game', [
  z.strictObject({ game: z.literal('breakout'), ...common, settings: S.breakout.prefault({}) }),
  z.strictObject({ game: z.literal('asterix'), ...common, settings: S.asterix.prefault({}) }),
  z.strictObject({ game: z.literal('freeway'), ...common, settings: S.freeway.prefault({}) }),
  z.strictObject({ game: z.literal('space-invaders'), ...common, settings: S['space-invaders'].prefault({}) }),
  z.strictObject({ game: z.literal('seaquest'), ...common, settings: S.seaquest.prefault({}) }),
]);

/** A task as written in JSON (defaults may be left out). */
export type TaskInput = z.input<typeof TaskSchema>;
/** A validated task with every default filled in and a name. */
export type Task = z.output<typeof TaskSchema> & { readonly name: string };

/** A task's JSON form or the name of a game or variant. */
export const TaskRefSchema = z.union([z.string(), z.looseObject({})]);

/** Names a task may be given by: the games, then the variants. */
export function taskNames(): string[] {
  return [...GAMES, ...Object.keys(VARIANTS)];
}

/**
 * Resolves a task reference: a game name (default settings), a variant name, or a task object.
 * `where` names the field in errors (e.g. `schedule.tasks[2].task`).
 */
export function resolveTask(ref: unknown, where = 'task'): Task {
  if (typeof ref === 'string') {
    if ((GAMES as readonly string[]).includes(ref)) return parseTask({ game: ref }, where);
    const variant = VARIANTS[ref];
    if (variant !== undefined) return parseTask({ name: ref, ...variant }, where);
    const at = where === 'task' ? '' : `${where}: `;
    throw new Error(`${at}unknown task '${ref}' (expected one of: ${taskNames().join(', ')})`);
  }
  return parseTask(ref, where);
}

function parseTask(value: unknown, where: string): Task {
  const task = parseOrThrow(TaskSchema, value, 'task', where);
  return { ...task, name: task.name ?? task.game };
}

export function describeGame(game: GameName): string {
  return GAME_DESCRIPTIONS[game];
}

/** N copies of a task: the game, then its controls, then sticky actions (outermost: they repeat the agent's
 *  previous choice). `buffers` lets several tasks write into the same arrays (schedules). */
export function createVectorEnv(task: Task, numEnvs: number, buffers?: VectorBuffers): VectorEnv {
  const options = { taskName: task.name, ramping: task.ramping, maxEpisodeSteps: task.maxEpisodeSteps };
  let env: VectorEnv = createGame(task, numEnvs, options, buffers);
  if (task.controls !== 'normal') env = new RemappedControls(env, task.controls);
  if (task.stickyActions > 0) env = new StickyActions(env, task.stickyActions);
  return env;
}
