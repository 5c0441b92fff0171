/**
 * The short-term learner learns: on a trivially learnable task (Freeway with slow traffic and no sticky actions:
 * "keep going up" scores), double DQN on wasm reaches well above the random policy within 16k frames.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateGreedy, greedyScore, greedyScores, normalisedError, normalisedScore, referenceScores } from '../../agent/evaluate.ts';
import { learnGame, TRAINING_RETURN_EPISODES, type Learned } from '../../agent/learner.ts';
import { agentPreset } from '../../agent/presets.ts';
import { useBackend } from '../../core/engine/backend.ts';
import { Rng } from '../../core/engine/random.ts';
import { OBSERVATION_SIZE } from '../../env/layout.ts';
import { resolveTask } from '../../env/task.ts';

const task = resolveTask({ game: 'freeway', stickyActions: 0, settings: { trafficSpeed: 0.2 } });
const frames = 16_000;
const quick = agentPreset('quick').learner;
const settings = {
  ...quick,
  bufferSize: frames,
  learningStarts: 1_000,
  updateEvery: 2,
  epsilon: { start: 1, end: 0.05, decayFrames: frames / 2 },
  adam: { ...quick.adam, lr: 1e-3 },
};
let learned: Learned;
const evaluations: number[] = [];
const episodeReturns: number[] = [];

describe('the short-term learner', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    const outcome = await learnGame({ task, frames, settings, evaluation: { every: frames / 2, episodes: 4, maxSteps: 500 }, keepObservations: 1_000 }, new Rng(1), {
      onEvaluation: (_, score) => evaluations.push(score),
      onEpisode: (_, episodeReturn) => episodeReturns.push(episodeReturn),
    });
    if (outcome.stopped) throw new Error('the learner stopped without being asked to');
    learned = outcome.learned;
  }, 600_000);

  it('learns a trivially learnable task well above random on wasm', async () => {
    const reference = referenceScores(task, 10, 1);
    const score = await evaluateGreedy(learned.network, task, 16, 1_000, 99);
    expect(normalisedScore(score, reference)).toBeGreaterThan(0.1);
    expect(score).toBeGreaterThan(reference.random + 3);
  });

  it('gives the standard error of a greedy evaluation beside the same mean', async () => {
    const reference = { random: 1, scripted: 5 };
    const { mean, sem } = await greedyScore(learned.network, task, 16, 1_000, 99);
    expect(mean).toBe(await evaluateGreedy(learned.network, task, 16, 1_000, 99));
    expect(sem).toBeGreaterThanOrEqual(0);
    // A return's error of 2 on a span of 5 − 1 = 4 is 0.5 normalised; one episode has no error.
    expect(normalisedError(2, reference)).toBe(0.5);
    expect((await greedyScore(learned.network, task, 1, 1_000, 99)).sem).toBeNull();
    const scores = await greedyScores(learned.network, [task, task], [reference, { random: 1, scripted: 3 }], 16, 1_000, 99);
    expect(scores.raw).toEqual([mean, mean]);
    expect(scores.se[0]).toBeCloseTo((sem as number) / 4, 12);
    expect(scores.se[1]).toBeCloseTo((sem as number) / 2, 12);
  });

  it('updates every `updateEvery` frames after `learningStarts`, and hands on its newest observations', () => {
    expect(learned.updates).toBe(Math.floor((frames - settings.learningStarts) / settings.updateEvery));
    expect(learned.observationCount).toBe(1_000);
    expect(learned.observations.length).toBe(1_000 * OBSERVATION_SIZE);
    expect(learned.observations.every((v) => v === 0 || v === 1)).toBe(true);
    expect(evaluations).toHaveLength(2);
  });

  it('has no training return when no episode ended (16 copies × 1000 steps of 2500-step Freeway)', () => {
    expect(episodeReturns).toHaveLength(0);
    expect(learned.trainingReturn).toBeNull();
  });
});

describe("the learner's training return", () => {
  it('is the mean return of its last TRAINING_RETURN_EPISODES ε-greedy episodes, as MinAtar plots', async () => {
    await useBackend('wasm');
    const returns: number[] = [];
    const breakout = resolveTask('breakout');
    // Acting only (learning starts after the game): short Breakout episodes end often.
    const outcome = await learnGame(
      { task: breakout, frames: 8_000, settings: { ...settings, numEnvs: 8, learningStarts: 8_000 }, evaluation: { every: 0, episodes: 1, maxSteps: 10 }, keepObservations: 10 },
      new Rng(2),
      { onEpisode: (_, episodeReturn) => returns.push(episodeReturn) },
    );
    if (outcome.stopped) throw new Error('the learner stopped without being asked to');
    outcome.learned.network.dispose();
    expect(returns.length).toBeGreaterThan(TRAINING_RETURN_EPISODES);
    const last = returns.slice(-TRAINING_RETURN_EPISODES);
    expect(outcome.learned.trainingReturn).toBeCloseTo(last.reduce((a, b) => a + b, 0) / last.length, 10);
    expect(outcome.learned.trainingReturn).not.toBeCloseTo(returns.reduce((a, b) => a + b, 0) / returns.length, 10);
  }, 120_000);
});
