/**
 * What an RL run tells its watchers (core/events.ts's stream): small, serialisable events with one name per
 * metric, the same names the CLI's progress line, result.json and the viewer use. The run emits; it never
 * waits for a watcher. `frame` events are emitted only while someone subscribes.
 */
import type { AgentConfig, AgentArm } from './config.ts';

/** Where a run stands: game `game` (0-based) in phase `phase`. */
export type Phase = 'learn' | 'consolidate' | 'evaluate' | 'done';

export interface AgentStart {
  readonly type: 'start';
  readonly config: AgentConfig;
  /** The schedule's task names, in order (a "game" below is an index into this). */
  readonly games: readonly string[];
  /** Each game's frames (its schedule steps) and where it starts in the run's frame count. */
  readonly frames: readonly number[];
  /** Frames already done when a run resumes from a checkpoint (0 for a fresh run). */
  readonly resumedAtFrame: number;
  /** Mean return of the random and scripted policies per game (what normalised scores are relative to). */
  readonly reference: { readonly random: readonly number[]; readonly scripted: readonly number[] };
}

export interface AgentProgress {
  readonly type: 'progress';
  readonly game: number;
  readonly phase: Phase;
  /** Frames of the whole run done so far (summed over environment copies). */
  readonly frame: number;
  readonly totalFrames: number;
  /** Training frames per second over the last report interval (acting + learning). */
  readonly framesPerSecond: number;
  /** Current ε of the learner, its last TD loss, the last consolidation loss (null where not yet). */
  readonly epsilon: number | null;
  readonly tdLoss: number | null;
  readonly consolidationLoss: number | null;
  /** Estimated seconds left (null until measured). */
  readonly etaSeconds: number | null;
}

/**
 * One frame of the game as the agent plays it: copy 0 of the learner's environments, or, when a viewer asks to
 * watch another game, the scholar's network playing that game greedily.
 */
export interface AgentFrame {
  readonly type: 'frame';
  readonly game: number;
  /** Who acts: the short-term learner on its game, or the scholar (arm's long-term network). */
  readonly player: 'learner' | 'scholar';
  /** The step within the current episode, and the run's frame count. */
  readonly step: number;
  readonly frame: number;
  readonly action: number;
  readonly reward: number;
  readonly score: number;
  /** The observation the action was chosen on: 700 bytes of 0/1, env/layout.ts's order. */
  readonly observation: Uint8Array;
  /** The acting network's Q-values for this observation (6 actions). */
  readonly qValues: readonly number[];
}

/**
 * The arms side by side: every arm's scholar (in config.arms order) at one step of the same game, each in its own
 * copy of the game with the same episode seeds, so the arms differ only by what they learnt. Emitted only while
 * a viewer asks for it (control.sideBySide).
 */
export interface AgentArmFrames {
  readonly type: 'arm-frames';
  readonly frames: readonly AgentFrame[];
}

export interface AgentEpisode {
  readonly type: 'episode';
  readonly game: number;
  readonly frame: number;
  readonly return: number;
  readonly length: number;
}

/** A point of the per-game normalised score curves. */
export interface AgentCurve {
  readonly type: 'curve';
  /** null for the short-term learner's own curve (on its game only). */
  readonly arm: AgentArm | null;
  readonly frame: number;
  /** The game being trained when the point was taken. */
  readonly game: number;
  /** Normalised score per game of the schedule (null for games not evaluated at this point). */
  readonly scores: readonly (number | null)[];
}

/** After game k's consolidation of an arm: its row of R (normalised score on every game). */
export interface AgentTaskEnd {
  readonly type: 'task-end';
  readonly arm: AgentArm;
  readonly game: number;
  readonly frame: number;
  readonly row: readonly number[];
  /** The short-term learner's raw and normalised score on its own game at its end. */
  readonly learnerScore: number;
}

/** Generated observations of past games after a consolidation, each with the old network's greedy action. */
export interface AgentDreams {
  readonly type: 'dreams';
  readonly arm: AgentArm;
  /** The game just consolidated: these are G_k's samples, with Q_k's greedy actions. */
  readonly game: number;
  readonly count: number;
  /** count × 700 bytes of 0/1. */
  readonly observations: Uint8Array;
  readonly actions: readonly number[];
  /** Which game each sample resembles most (replay audit), or -1 when none. */
  readonly resembles: readonly number[];
}

export interface AgentEnd {
  readonly type: 'end';
  readonly seconds: number;
  /** Per arm: R's last row and retention per game. */
  readonly arms: readonly { arm: AgentArm; acc: number; retention: readonly (number | null)[] }[];
}

export interface AgentError {
  readonly type: 'error';
  readonly message: string;
}

export type AgentEvent = AgentStart | AgentProgress | AgentFrame | AgentArmFrames | AgentEpisode | AgentCurve | AgentTaskEnd | AgentDreams | AgentEnd | AgentError;

/**
 * What a watcher with the control token may change while the run goes on; the run reads it between steps.
 * `paused` holds the run at the next step; `speed` caps training frames per second (0: as fast as it goes, so a
 * person can slow it to watch); `watch` picks the game the scholar plays for the viewer (null: the learner's game).
 * `sideBySide` is set (by whoever serves the viewers, not with the token) while a viewer wants every arm's scholar
 * playing side by side.
 */
export interface AgentControl {
  paused: boolean;
  speed: number;
  watch: number | null;
  readonly sideBySide: boolean;
  /** Set to stop the run after its current phase, with a checkpoint written (Ctrl-C, SIGTERM). */
  stop: boolean;
}

export function defaultControl(): AgentControl {
  return { paused: false, speed: 0, watch: null, sideBySide: false, stop: false };
}
