/**
 * What watchers of a run see and change while it trains: game frames (the learner's copy 0, or the scholar
 * playing the game a viewer picked, and every arm's scholar side by side when a viewer asks), and the controls —
 * pause, a frames-per-second cap, stop. The run checks in after every vector step; this keeps the check cheap
 * (frames are built only while someone subscribes, side-by-side games only while someone asks) and yields to the
 * event loop now and then, so control messages reach a run in a worker thread.
 */
import { turnEventLoop, TURN_EVERY_MS } from '../core/event-loop.ts';
import type { EventStream } from '../core/events.ts';
import type { Schedule } from '../env/schedule.ts';
import type { AgentControl, AgentEvent } from './events.ts';
import type { LearnerStep } from './learner.ts';
import type { ArmScholar } from './scholar.ts';
import { scholarGame, scholarStep, type ScholarGame } from './scholar-play.ts';
import { SideBySide } from './side-by-side.ts';

const PAUSE_POLL = 50;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Watched {
  readonly events: EventStream<AgentEvent>;
  readonly control: AgentControl;
  readonly arms: readonly ArmScholar[];
  readonly schedule: Schedule;
}

export class Watcher {
  private lastYield = performance.now();
  private speedMark: { at: number; frame: number } | null = null;
  private watchGame: ScholarGame | null = null;
  /** Made at the first request, so a phase nobody watches side by side builds nothing. */
  private sideBySide: SideBySide | null = null;
  /** The run's frame at the last learner step (the side-by-side games are stamped with it while paused). */
  private runFrame = 0;

  constructor(
    private readonly run: Watched,
    private readonly game: number,
  ) {}

  onLearnerStep(startFrame: number, step: LearnerStep): Promise<void> | void {
    this.runFrame = startFrame + step.frame;
    if (this.run.events.size > 0) this.emitFrame(startFrame, step);
    this.playSideBySide();
    return this.checkIn(step.frame);
  }

  /**
   * Every arm's scholar on the watched game, or the first game (the one longest ago) when none is picked, while
   * someone asks; also while the run is paused: pausing training to watch the arms costs it nothing (the games
   * have their own pace, STEPS_PER_SECOND).
   */
  private playSideBySide(): void {
    if (this.run.events.size === 0 || !this.run.control.sideBySide) return;
    const watch = this.run.control.watch;
    const game = watch !== null && watch < this.run.schedule.tasks.length ? watch : 0;
    this.sideBySide ??= new SideBySide(this.run.arms, this.run.schedule);
    const frames = this.sideBySide.step(game, this.runFrame);
    if (frames) this.run.events.emit({ type: 'arm-frames', frames });
  }

  private emitFrame(startFrame: number, step: LearnerStep): void {
    const watch = this.run.control.watch;
    if (watch === null || watch === this.game || watch >= this.run.schedule.tasks.length) {
      this.run.events.emit({
        type: 'frame',
        game: this.game,
        player: 'learner',
        step: step.step,
        frame: startFrame + step.frame,
        action: step.action,
        reward: step.reward,
        score: step.score,
        observation: step.observation.slice(),
        qValues: Array.from(step.qValues),
      });
      return;
    }
    // The scholar (the first arm's long-term network) plays the watched game greedily, one step per vector step.
    if (this.watchGame?.game !== watch) this.watchGame = scholarGame(watch, this.run.schedule.tasks[watch].task, watch);
    this.run.events.emit(scholarStep(this.run.arms[0].scholar.solver, this.watchGame, startFrame + step.frame, (env) => env.reset().observation));
  }

  /** Whether the learner should stop now (it then hands back its state for the checkpoint). */
  stopRequested(): boolean {
    return this.run.control.stop;
  }

  /** Holds the run while paused (until resumed or stopped), caps its speed, and yields to the event loop. */
  private checkIn(frame: number): Promise<void> | void {
    const { control } = this.run;
    const now = performance.now();
    if (control.stop) return;
    if (control.speed > 0) {
      if (this.speedMark === null) this.speedMark = { at: now, frame };
      const due = this.speedMark.at + ((frame - this.speedMark.frame) * 1000) / control.speed;
      if (due > now) return this.wait(due - now);
    } else this.speedMark = null;
    if (control.paused || now - this.lastYield > TURN_EVERY_MS) return this.wait(0);
  }

  private async wait(ms: number): Promise<void> {
    if (ms > 0) await sleep(ms);
    await Watcher.yieldToEvents(this.run.control, () => this.playSideBySide());
    this.lastYield = performance.now();
    // Speed changes restart the cap's clock, so a pause does not become a burst afterwards.
    if (this.run.control.paused) this.speedMark = null;
  }

  /** Lets queued messages through; while paused, waits until resumed or stopped (doing `whilePaused` between
   *  polls). */
  static async yieldToEvents(control: AgentControl, whilePaused?: () => void): Promise<void> {
    await turnEventLoop();
    while (control.paused && !control.stop) {
      whilePaused?.();
      await sleep(PAUSE_POLL);
    }
  }
}
