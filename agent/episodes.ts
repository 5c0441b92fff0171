/**
 * Each arm's scholar playing each earlier game, one greedy episode apiece, as frames for a GIF (env/episode-gif.ts):
 * what retention looks like rather than what it measures. Every arm plays the same episode of a game (one seed
 * per game), so a difference between two GIFs is the scholars', not the dice's. The scholars come from a seed's
 * checkpoint, which after the last phase holds every arm's final network.
 */
import { loadCheckpoint } from '../core/checkpoint.ts';
import { sameRun } from '../core/config.ts';
import { Rng } from '../core/engine/random.ts';
import type { Solver } from '../core/solvers/solver.ts';
import type { EpisodeFrame } from '../env/episode-gif.ts';
import { parseSchedule } from '../env/schedule.ts';
import { makeEnv } from '../env/single.ts';
import type { Task } from '../env/task.ts';
import { parseAgentConfig, type AgentConfig } from './config.ts';
import { ACTION_COUNT, greedy } from './network.ts';
import { createArmScholar, restoreArm } from './scholar.ts';
import { disposeStudent } from '../core/scholar.ts';

/** Steps of an episode kept for its GIF: 50 s at 10 steps a second, and a file of ~200 KB. */
export const EPISODE_MAX_STEPS = 500;

export interface PlayedFrame extends EpisodeFrame {
  readonly action: number;
  readonly qValues: readonly number[];
}

export interface ScholarEpisode {
  readonly arm: string;
  /** Index of the game in the schedule. */
  readonly game: number;
  readonly seed: number;
  readonly frames: readonly PlayedFrame[];
  /** The score at the last frame shown. */
  readonly score: number;
  /** Whether the episode ended within the steps shown (else it was cut at `maxSteps`). */
  readonly ended: boolean;
}

/** The seed of game k's episode: the same for every arm of a run. */
export const episodeSeed = (config: AgentConfig, game: number): number => new Rng(config.seed).fork(`scholar episode ${game}`).int(2 ** 31);

/** One greedy episode of `q` on `task` from `seed`, every frame from the first, cut after `maxSteps` steps. */
export function playGreedy(q: Solver, task: Task, seed: number, maxSteps: number): { frames: PlayedFrame[]; ended: boolean } {
  const env = makeEnv(task);
  let { observation, info } = env.reset(seed);
  const frames: PlayedFrame[] = [];
  for (let step = 0; ; step++) {
    const { actions, qValues } = greedy(q, observation, 1);
    frames.push({ observation, score: info.score, action: actions[0], qValues: Array.from(qValues.subarray(0, ACTION_COUNT)) });
    if (step === maxSteps) return { frames, ended: false };
    const result = env.step(actions[0]);
    ({ observation, info } = result);
    if (result.terminated || result.truncated) {
      frames.push({ observation, score: info.score, action: -1, qValues: [] });
      return { frames, ended: true };
    }
  }
}

/** Every arm's scholar in the checkpoint at `dir` plays every game before the schedule's last. */
export function scholarEpisodes(dir: string, maxSteps = EPISODE_MAX_STEPS): ScholarEpisode[] {
  const { config, arrays } = loadCheckpoint<AgentConfig, unknown>(dir, { parseConfig: parseAgentConfig, same: sameRun });
  const tasks = parseSchedule(config.schedule).tasks.slice(0, -1);
  const episodes: ScholarEpisode[] = [];
  for (const arm of config.arms) {
    const state = createArmScholar(arm, config, new Rng(config.seed));
    try {
      restoreArm(state, arrays);
      for (const [game, { task }] of tasks.entries()) {
        const seed = episodeSeed(config, game);
        const { frames, ended } = playGreedy(state.scholar.solver, task, seed, Math.min(maxSteps, config.evaluation.maxSteps));
        episodes.push({ arm, game, seed, frames, score: frames[frames.length - 1].score, ended });
      }
    } finally {
      disposeStudent(state);
    }
  }
  return episodes;
}
