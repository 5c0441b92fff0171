/**
 * The short-term learner (RePR, Atkinson et al. 2021): a double DQN (van Hasselt et al. 2016) that learns the
 * current game from scratch, with a target network, the Huber loss, an ε-greedy schedule, a bounded replay buffer
 * of uint8 transitions and several environments stepped at once. It does not depend on the arm: arms that share a
 * seed and a schedule share its learners. The loop reads top to bottom, as in CleanRL's dqn.py.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../core/engine/random.ts';
import { valueLoss } from '../core/scholar.ts';
import { freeze } from '../core/scholar.ts';
import type { Solver } from '../core/solvers/solver.ts';
import { OBSERVATION_SIZE } from '../env/layout.ts';
import { createVectorEnv, type Task } from '../env/task.ts';
import type { LearnerSettings } from './config.ts';
import { evaluateGreedy } from './evaluate.ts';
import { captureLearner, restoreLearner, type LearnerState } from './learner-state.ts';
import { ACTION_COUNT, createQSolver, greedy } from './network.ts';
import { ReplayBuffer, type TransitionBatch } from './replay-buffer.ts';

/** What the learner shows its watchers after each vector step: copy 0's transition. */
export interface LearnerStep {
  readonly frame: number;
  readonly step: number;
  readonly observation: Uint8Array;
  readonly action: number;
  readonly reward: number;
  readonly score: number;
  readonly qValues: Float32Array;
}

export interface LearnerHooks {
  /** After each vector step; returns a promise when the run must wait (pause, speed cap, stop check). */
  readonly onStep?: (step: LearnerStep) => void | Promise<void>;
  readonly onEpisode?: (frame: number, episodeReturn: number, length: number) => void;
  readonly onProgress?: (p: { frame: number; epsilon: number; tdLoss: number | null }) => void;
  /** A greedy evaluation of the learner on its game (raw mean return) every `evaluateEvery` frames, and the seconds
   *  it took (not training: a rate of training frames leaves them out). */
  readonly onEvaluation?: (frame: number, score: number, seconds: number) => void;
  /** Asked after each vector step: true stops the learner, which hands back its state to resume from. */
  readonly stopRequested?: () => boolean;
  /** Asked after each vector step: when `due()`, the learner's state is handed to `save` and the game goes on (a
   *  periodic checkpoint, so a killed process loses minutes of a game, not the game). */
  readonly checkpoint?: { readonly due: () => boolean; readonly save: (state: LearnerState) => void };
}

export interface LearnerRun {
  readonly task: Task;
  readonly frames: number;
  readonly settings: LearnerSettings;
  /** Every `evaluateEvery` frames (0: never during the game), `episodes` greedy episodes capped at `maxSteps`. */
  readonly evaluation: { readonly every: number; readonly episodes: number; readonly maxSteps: number };
  /** How many of the newest observations to hand on to consolidation and the generator. */
  readonly keepObservations: number;
}

export interface Learned {
  /** The trained online network (the caller disposes it). */
  readonly network: Solver;
  /** The newest observations of the game it played, uint8 cells (n × 700). */
  readonly observations: Uint8Array;
  readonly observationCount: number;
  readonly updates: number;
  /** Mean return of its last TRAINING_RETURN_EPISODES training (ε-greedy) episodes: the measure MinAtar's learning
   *  curves plot (null if no episode ended). */
  readonly trainingReturn: number | null;
}

/** MinAtar's examples/dqn.py follows the training episodes' return as `0.99 · avg + 0.01 · G`, a window of about
 *  100 episodes; its published curves are these ε-greedy training returns, so the learner reports the same. */
export const TRAINING_RETURN_EPISODES = 100;

/** Read the TD loss back every this many updates: a read waits for the engine to finish the step (dataSync), so
 *  reading each one would stall the loop for a number that is only shown. */
const TD_LOSS_READ_EVERY = 50;

/** Report progress every this many vector steps (1024 frames at 16 copies: a few a second at MinAtar's speeds). */
const PROGRESS_EVERY_STEPS = 64;

/** A learner either finishes its game or is stopped in the middle of it, with everything needed to go on. */
export type LearnerOutcome = { readonly stopped: false; readonly learned: Learned } | { readonly stopped: true; readonly state: LearnerState };

/** ε after `frame` frames of the game: linear from start to end over decayFrames, then end (MinAtar). */
export function epsilonAt(frame: number, schedule: LearnerSettings['epsilon']): number {
  const t = Math.min(1, frame / schedule.decayFrames);
  return schedule.start + t * (schedule.end - schedule.start);
}

/** One double-DQN update: y = r + γ (1 − terminal) Q_target(s', argmax_a Q_online(s', a)), loss on Q_online(s, a). */
export function tdUpdate(online: Solver, target: Solver, batch: TransitionBatch, settings: LearnerSettings): tf.Scalar {
  return tf.tidy(() => {
    const n = batch.size;
    const s = tf.tensor2d(batch.observations, [n, OBSERVATION_SIZE]);
    const next = tf.tensor2d(batch.nextObservations, [n, OBSERVATION_SIZE]);
    const taken = tf.cast(tf.oneHot(tf.tensor1d(batch.actions, 'int32'), ACTION_COUNT), 'float32');
    const y = tf.tidy(() => {
      const bestNext = tf.cast(tf.oneHot(tf.argMax(online.logits(next), 1) as tf.Tensor1D, ACTION_COUNT), 'float32');
      const nextValue = tf.sum(tf.mul(target.logits(next), bestNext), 1);
      const bootstrap = tf.mul(settings.gamma, tf.mul(tf.sub(1, tf.tensor1d(batch.terminals)), nextValue));
      return tf.reshape(tf.add(tf.tensor1d(batch.rewards), bootstrap), [n, 1]) as tf.Tensor2D;
    });
    return online.optimizer.minimize(() => {
      const chosen = tf.reshape(tf.sum(tf.mul(online.logits(s), taken), 1), [n, 1]) as tf.Tensor2D;
      return valueLoss(chosen, y, settings.loss);
    });
  });
}

/** Trains a fresh learner on `run.task` for `run.frames` frames, or goes on from a stopped learner's state. */
export async function learnGame(run: LearnerRun, rng: Rng, hooks: LearnerHooks = {}, from: LearnerState | null = null): Promise<LearnerOutcome> {
  const { settings, task } = run;
  const n = settings.numEnvs;
  const online = createQSolver(settings.network, settings.adam, rng.fork('online network'));
  const target = createQSolver(settings.network, settings.adam, rng.fork('target network'));
  freeze({ solver: online, generator: null }, { solver: target, generator: null });
  const buffer = new ReplayBuffer(settings.bufferSize);
  const explore = from ? Rng.fromState(from.explore) : rng.fork('exploration');
  const sampling = from ? Rng.fromState(from.sampling) : rng.fork('replay sampling');
  const env = createVectorEnv(task, n);
  env.reset(rng.fork('environment').int(2 ** 31));
  if (from) restoreLearner({ online, target, buffer, env }, from);
  const before = new Uint8Array(n * OBSERVATION_SIZE);
  const actions = new Int32Array(n);

  let frame = from?.frame ?? 0;
  let updates = from?.updates ?? 0;
  let tdLoss: number | null = from ? from.tdLoss : null;
  let nextEvaluation = from ? from.nextEvaluation : run.evaluation.every > 0 ? run.evaluation.every : Infinity;
  const recentReturns = [...(from?.recentReturns ?? [])];
  // Everything to go on from here, as of the last finished step (a checkpoint's or a stop's).
  const capture = (): LearnerState => captureLearner({ online, target, buffer, env }, { explore: explore.state(), sampling: sampling.state() }, { frame, updates, tdLoss, nextEvaluation, recentReturns });
  while (frame < run.frames) {
    // 1. Act: ε-greedy on every copy's observation (one forward pass for all copies).
    const epsilon = epsilonAt(frame, settings.epsilon);
    before.set(env.observations);
    const { actions: best, qValues } = greedy(online, before, n);
    for (let i = 0; i < n; i++) actions[i] = explore.uniform() < epsilon ? explore.int(ACTION_COUNT) : best[i];

    // 2. Step every copy; store each transition (the final frame of an ended episode is its s').
    env.step(actions);
    frame += n;
    for (let i = 0; i < n; i++) {
      const ended = env.terminated[i] === 1 || env.truncated[i] === 1;
      const nextObservations = ended ? env.finalObservations : env.observations;
      const at = i * OBSERVATION_SIZE;
      buffer.add(before.subarray(at, at + OBSERVATION_SIZE), actions[i], env.rewards[i], nextObservations.subarray(at, at + OBSERVATION_SIZE), env.terminated[i] === 1);
      if (!ended) continue;
      recentReturns.push(env.episodeReturns[i]);
      if (recentReturns.length > TRAINING_RETURN_EPISODES) recentReturns.shift();
      hooks.onEpisode?.(frame, env.episodeReturns[i], env.episodeLengths[i]);
    }

    // 3. Learn: one double-DQN update every `updateEvery` frames after `learningStarts`; sync the target.
    const due = frame < settings.learningStarts ? 0 : Math.floor((frame - settings.learningStarts) / settings.updateEvery);
    while (updates < due) {
      const loss = tdUpdate(online, target, buffer.sample(settings.batchSize, sampling), settings);
      updates++;
      if (updates % settings.targetUpdateEvery === 0) freeze({ solver: online, generator: null }, { solver: target, generator: null });
      if (updates % TD_LOSS_READ_EVERY === 0) tdLoss = loss.dataSync()[0];
      loss.dispose();
    }

    // 4. Report, evaluate, and let watchers see copy 0 (they may pause, slow or stop the run).
    if (frame >= nextEvaluation) {
      if (hooks.onEvaluation) {
        const started = performance.now();
        const score = await evaluateGreedy(online, task, run.evaluation.episodes, run.evaluation.maxSteps, rng.fork(`evaluation ${frame}`).int(2 ** 31));
        hooks.onEvaluation(frame, score, (performance.now() - started) / 1000);
      }
      nextEvaluation += run.evaluation.every;
    }
    if ((frame / n) % PROGRESS_EVERY_STEPS === 0) hooks.onProgress?.({ frame, epsilon, tdLoss });
    const wait = hooks.onStep?.({
      frame,
      step: env.frames[0],
      observation: before.subarray(0, OBSERVATION_SIZE),
      action: actions[0],
      reward: env.rewards[0],
      score: env.scores[0],
      qValues: qValues.subarray(0, ACTION_COUNT),
    });
    if (wait) await wait;
    if (hooks.checkpoint?.due()) hooks.checkpoint.save(capture());
    if (hooks.stopRequested?.()) {
      const state = capture();
      online.dispose();
      target.dispose();
      return { stopped: true, state };
    }
  }
  hooks.onProgress?.({ frame, epsilon: epsilonAt(frame, settings.epsilon), tdLoss });
  target.dispose();
  const observations = buffer.newestObservations(run.keepObservations);
  const trainingReturn = recentReturns.length > 0 ? recentReturns.reduce((a, b) => a + b, 0) / recentReturns.length : null;
  return { stopped: false, learned: { network: online, observations, observationCount: observations.length / OBSERVATION_SIZE, updates, trainingReturn } };
}
