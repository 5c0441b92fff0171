/**
 * The time left of a run whose arms compute in threads (./arm-threads.ts), from its threads' reports: the learners'
 * frames left at their rates, and each arm's consolidation steps left at the rates it has shown. A run on one thread
 * estimates its own (./learner-phase.ts); in threads no part sees the whole, so the parent estimates from them all.
 *
 * An arm's consolidation of game k waits for game k's learner, so the run ends no sooner than the learners' end plus
 * one consolidation of its slowest arm, nor sooner than any arm's own work left. Rates are taken over each stage
 * since its first report here; a resumed arm starts from its last finished consolidation's (its checkpoint's
 * record). Threads share the cores and speed up as others end, so the estimate is rough and is revised at every
 * report.
 */
import type { AgentConfig } from './config.ts';
import { RL_ARMS } from './arms/index.ts';
import type { AgentEvent, ConsolidationSteps, Phase } from './events.ts';

type Progress = Extract<AgentEvent, { type: 'progress' }>;
type Stage = ConsolidationSteps['of'];

/** A stage is timed once it has run this long here: a rate over a few steps says little (reports come every 25). */
const MIN_TIMED_MS = 2000;

interface LearnerState {
  readonly game: number;
  readonly phase: Phase;
  readonly frame: number;
  readonly framesPerSecond: number;
}

interface ArmState {
  game: number;
  phase: Phase;
  /** The stage under way: where its timing here began and where it stands. */
  stage: { of: Stage; game: number; fromDone: number; fromAt: number; done: number } | null;
  /** Steps per second each stage last showed. */
  readonly rates: Partial<Record<Stage, number>>;
}

export class ThreadsEta {
  private readonly learners = new Map<string, LearnerState>();
  private readonly arms = new Map<string, ArmState>();
  /** Rates an arm's checkpoint showed before this process (its last finished consolidation's stage times). */
  private readonly before = new Map<string, Partial<Record<Stage, number>>>();
  /** The run's frame at the start of each game, and at its end. */
  private readonly offsets: number[];
  private readonly steps: Record<Stage, number>;

  constructor(private readonly config: AgentConfig) {
    this.offsets = [0];
    for (const task of config.schedule.tasks) this.offsets.push(this.offsets.at(-1)! + task.steps);
    this.steps = { generator: config.generator.iterations, scholar: config.scholar.iterations };
  }

  /** A resumed arm's last finished consolidation: its generator's and scholar's seconds (absent, or not positive:
   *  not known), which give its rates until this process has timed its own. */
  timedBefore(arm: string, seconds: Partial<Record<Stage, number>>): void {
    const rates: Partial<Record<Stage, number>> = {};
    for (const stage of ['generator', 'scholar'] as const) {
      const s = seconds[stage];
      if (s !== undefined && Number.isFinite(s) && s > 0) rates[stage] = this.steps[stage] / s;
    }
    this.before.set(arm, rates);
  }

  /** Takes in a part's report (at `now`, ms) and returns the run's seconds left, or null while some rate is unknown. */
  observe(part: string, e: Progress, now: number): number | null {
    if (part === 'learners' || part === 'learners-ahead') {
      this.learners.set(part, { game: e.task, phase: e.phase, frame: e.frame, framesPerSecond: e.framesPerSecond });
    } else this.observeArm(part, e, now);
    return this.secondsLeft();
  }

  private observeArm(part: string, e: Progress, now: number): void {
    const arm = this.arms.get(part) ?? { game: e.task, phase: e.phase, stage: null, rates: { ...this.before.get(part) } };
    arm.game = e.task;
    arm.phase = e.phase;
    const steps = e.steps;
    if (!steps) arm.stage = null;
    else if (!arm.stage || arm.stage.of !== steps.of || arm.stage.game !== e.task) {
      arm.stage = { of: steps.of, game: e.task, fromDone: steps.done, fromAt: now, done: steps.done };
    } else {
      arm.stage.done = steps.done;
      const ms = now - arm.stage.fromAt;
      if (ms >= MIN_TIMED_MS && steps.done > arm.stage.fromDone) arm.rates[steps.of] = ((steps.done - arm.stage.fromDone) * 1000) / ms;
    }
    this.arms.set(part, arm);
  }

  private secondsLeft(): number | null {
    const learners = this.learnersLeft();
    if (learners === null) return null;
    let left = learners;
    for (const arm of this.config.arms) {
      const state = this.arms.get(arm);
      if (!state) return null;
      const own = this.armLeft(arm, state);
      if (own === null) return null;
      // The last game's consolidation starts once its learner is done.
      const lesson = learners > 0 ? this.lessonSeconds(arm, state) : 0;
      if (lesson === null) return null;
      left = Math.max(left, own, learners + lesson);
    }
    return left;
  }

  /** The learners' frames left at their summed rate: each learning thread's game, and the games none has begun. */
  private learnersLeft(): number | null {
    const learning = [...this.learners.values()].filter((l) => l.phase === 'learn');
    const furthest = Math.max(-1, ...[...this.learners.values()].map((l) => l.game));
    const unstarted = this.offsets.at(-1)! - this.offsets[furthest + 1];
    if (learning.length === 0) return unstarted > 0 && this.learners.size > 0 ? null : 0;
    const rate = learning.reduce((sum, l) => sum + l.framesPerSecond, 0);
    if (learning.some((l) => l.framesPerSecond <= 0)) return null;
    const frames = learning.reduce((sum, l) => sum + Math.max(0, this.offsets[l.game + 1] - l.frame), 0) + unstarted;
    return frames / rate;
  }

  /** An arm's own consolidation work left: the rest of its stage, of its game's lesson, and the later games'. */
  private armLeft(arm: string, state: ArmState): number | null {
    const games = this.config.schedule.tasks.length;
    if (state.phase === 'done') return 0;
    const lesson = this.lessonSeconds(arm, state);
    if (state.phase === 'wait' || state.phase === 'learn') return lesson === null ? null : (games - state.game) * lesson;
    const later = games - 1 - state.game;
    // Evaluating: its game's lesson is done. Consolidating but not yet in a stage: all of it is ahead.
    if (state.phase === 'evaluate') return later === 0 ? 0 : lesson === null ? null : later * lesson;
    if (!state.stage) return lesson === null ? null : (later + 1) * lesson;
    const rate = state.rates[state.stage.of];
    if (rate === undefined) return null;
    const rest = (this.steps[state.stage.of] - state.stage.done) / rate;
    // A generator's training comes first: the scholar's steps of this game follow it.
    const scholar = state.stage.of === 'generator' ? this.stageSeconds(state, 'scholar') : 0;
    if (scholar === null) return null;
    if (later === 0) return rest + scholar;
    return lesson === null ? null : rest + scholar + later * lesson;
  }

  /** One whole consolidation of this arm: its generator's steps (if it keeps one) and its scholar's. */
  private lessonSeconds(arm: string, state: ArmState): number | null {
    const scholar = this.stageSeconds(state, 'scholar');
    const generator = RL_ARMS[arm as AgentConfig['arms'][number]].generator ? this.stageSeconds(state, 'generator') : 0;
    return scholar === null || generator === null ? null : scholar + generator;
  }

  private stageSeconds(state: ArmState, stage: Stage): number | null {
    const rate = state.rates[stage];
    return rate === undefined ? null : this.steps[stage] / rate;
  }
}
