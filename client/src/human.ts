/**
 * A person plays any game from env's own code (the same step function the agent trains on): keys choose the
 * action, the game steps on a clock, and the scripted policy's mean score on the same task is the yardstick.
 */
import { makeEnv, type SingleEnv } from '../../env/single.ts';
import { ScriptedPolicy } from '../../env/policies/scripted.ts';
import { scorePolicy } from '../../env/score.ts';
import { resolveTask, taskNames } from '../../env/task.ts';
import { NOOP } from '../../env/types.ts';

/** Steps per second while a person plays: MinAtar objects move a cell per step, so ~8/s is playable. */
export const HUMAN_STEPS_PER_SECOND = 8;
const REFERENCE_EPISODES = 5;

export const HUMAN_TASKS = taskNames();

export class HumanPlay {
  task = HUMAN_TASKS[0];
  private env: SingleEnv = makeEnv(this.task);
  observation: Uint8Array;
  score = 0;
  steps = 0;
  best: number | null = null;
  /** Waiting for a key: the game starts when the player is ready, and again after each episode. */
  waiting = true;
  lastScore: number | null = null;
  private readonly references = new Map<string, number>();
  private episode = 0;

  constructor() {
    this.observation = this.env.reset(this.episode).observation;
  }

  choose(task: string): void {
    this.task = task;
    this.env = makeEnv(task);
    this.best = null;
    this.lastScore = null;
    this.restart();
  }

  private restart(): void {
    this.episode++;
    this.observation = this.env.reset(this.episode).observation;
    this.score = 0;
    this.steps = 0;
    this.waiting = true;
  }

  /** One step with `action` (NOOP when no key is held). */
  step(action: number): void {
    if (this.waiting) {
      if (action === NOOP) return;
      this.waiting = false;
    }
    const result = this.env.step(action);
    this.observation = result.observation;
    this.score = result.info.score;
    this.steps++;
    if (result.terminated || result.truncated) {
      this.lastScore = this.score;
      this.best = this.best === null ? this.score : Math.max(this.best, this.score);
      this.restart();
    }
  }

  /** The scripted policy's mean return on this task over a few seeded episodes (computed once per task). */
  scriptedScore(): number {
    let mean = this.references.get(this.task);
    if (mean === undefined) {
      const task = resolveTask(this.task);
      mean = scorePolicy(task, new ScriptedPolicy(task.game), REFERENCE_EPISODES, 1).mean;
      this.references.set(this.task, mean);
    }
    return mean;
  }
}
