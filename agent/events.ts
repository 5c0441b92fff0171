/**
 * What an RL run tells its watchers (core/events.ts's stream): the events every continual run shares
 * (core/run-events.ts) with the RL payload, one name per metric, the same names the CLI's progress line,
 * result.json and the viewer use; and the game as it is played (frames, episodes), emitted only while someone
 * subscribes. The run emits; it never waits for a watcher.
 */
import type { KindPayloads, RunEvent } from '../core/run-events.ts';
import type { AgentConfig, AgentArm } from './config.ts';

/** Where a run stands: game `task` (0-based) in phase `phase`; `wait`: for game `task`'s learner, which another
 *  thread or run trains (./learner-phase.ts). */
export type Phase = 'learn' | 'wait' | 'consolidate' | 'evaluate' | 'done';

/** Where a consolidation stands: G_k's training or Q_k's, steps done of its total. */
export interface ConsolidationSteps {
  readonly of: 'generator' | 'scholar';
  readonly done: number;
  readonly total: number;
}

/** An RL run's part of the shared events (core/run-events.ts): its tasks are games, measured in frames. */
export interface RlPayloads extends KindPayloads {
  readonly start: {
    readonly kind: 'rl';
    readonly config: AgentConfig;
    /** Each game's frames (its schedule steps). */
    readonly frames: readonly number[];
    /** Frames already done when a run resumes from a checkpoint (0 for a fresh run). */
    readonly resumedAtFrame: number;
    /** Mean return of the random and scripted policies per game (what normalised scores are relative to). */
    readonly reference: { readonly random: readonly number[]; readonly scripted: readonly number[] };
  };
  readonly progress: {
    readonly kind: 'rl';
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
    /** In a run whose arms compute in threads (agent/arm-threads.ts), the thread it comes from: 'learners' or an
     *  arm; absent on one thread. */
    readonly part?: string;
    /** A consolidation's steps done of its total, of G_k's training (before the scholar's, on the arm's thread) or
     *  of Q_k's; absent in other phases. */
    readonly steps?: ConsolidationSteps;
  };
  /** The curves' values are normalised scores per game; `arm` null for the short-term learner's own curve (on its
   *  game only), taken at the run's frame `frame`. */
  readonly curve: { readonly kind: 'rl'; readonly arm: AgentArm | null; readonly frame: number };
  /** After game `task`'s consolidation of an arm (its row of R in normalised scores): the short-term learner's
   *  raw score on that game, and the arm's dreams (null without a generator). */
  readonly taskEnd: { readonly kind: 'rl'; readonly arm: AgentArm; readonly frame: number; readonly learnerScore: number; readonly dreams: Dreams | null };
  /** Per arm: its ACC and retention per game. */
  readonly end: { readonly kind: 'rl'; readonly arms: readonly { arm: AgentArm; acc: number; retention: readonly (number | null)[] }[] };
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

/** Generated observations after a consolidation of game k (G_k's samples), each with Q_k's greedy action. */
export interface Dreams {
  /** count × 700 bytes of 0/1. */
  readonly observations: Uint8Array;
  readonly actions: readonly number[];
  /** Which game each sample resembles most (replay audit), or -1 when none. */
  readonly resembles: readonly number[];
}

/** An RL run's events: the shared ones with its payloads, and the game as it is played (made only while watched). */
export type AgentEvent = RunEvent<RlPayloads> | AgentFrame | AgentArmFrames | AgentEpisode;

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
