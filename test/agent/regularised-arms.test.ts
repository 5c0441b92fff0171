/**
 * The arms without replay of the past games — EWC, online EWC, SI (core's regularisers on the scholar's
 * Q-network) and LwF (Q_(k−1) teaching on the new game's own frames) — on a tiny two-game run: each arm's term
 * moves the scholar as it should, and a run killed after the first game resumes to the identical result (each
 * arm's state travels in the checkpoint).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CurrentFrames } from '../../agent/arms/current-frames.ts';
import { parseAgentConfig, type AgentArm, type AgentConfig } from '../../agent/config.ts';
import { createQSolver, observationTensor } from '../../agent/network.ts';
import type { AgentResult } from '../../agent/result.ts';
import { runAgent, RunStopped } from '../../agent/run.ts';
import { createArmScholar, restoreArm, type ArmScholar } from '../../agent/scholar.ts';
import { disposeStudent } from '../../core/scholar.ts';
import { loadCheckpoint } from '../../core/checkpoint.ts';
import { sameRun } from '../../core/config.ts';
import { useBackend } from '../../core/engine/backend.ts';
import { Rng } from '../../core/engine/random.ts';
import { parseSchedule } from '../../env/schedule.ts';
import { numbers, playedFrames, tinyConfig } from './helpers.ts';

const ARMS: AgentArm[] = ['none', 'ewc', 'online-ewc', 'si', 'lwf'];
/** The first game's learner, then each arm's consolidation of it. */
const PHASES_OF_GAME_ONE = 1 + ARMS.length;

let dir: string;
let config: AgentConfig;
let uninterrupted: AgentResult;
let resumed: AgentResult;
/** Each arm's scholar as the checkpoint after game 1 has it, and after game 2. */
let afterOne: Record<string, ArmScholar>;
let afterTwo: Record<string, ArmScholar>;
/** Real frames of the second game (what it consolidated on). */
let secondGame: tf.Tensor2D;

function armsFrom(checkpoint: string): Record<string, ArmScholar> {
  const { arrays } = loadCheckpoint<AgentConfig, unknown>(checkpoint, { parseConfig: parseAgentConfig, expected: config, same: sameRun });
  return Object.fromEntries(
    ARMS.map((arm) => {
      const state = createArmScholar(arm, config, new Rng(config.seed));
      restoreArm(state, arrays);
      return [arm, state];
    }),
  );
}

/** Σ_j w_j (θ2_j − θ1_j)²: how far the scholar moved from game 1 to game 2, each weight counted by `w`. */
function weightedMove(arm: AgentArm, weights: (j: number) => tf.Tensor): number {
  const before = afterOne[arm].scholar.solver.variables();
  const after = afterTwo[arm].scholar.solver.variables();
  return tf.tidy(() => tf.addN(after.map((p, j) => tf.sum(tf.mul(weights(j), tf.square(tf.sub(p, before[j])))))).dataSync()[0]);
}

beforeAll(async () => {
  await useBackend('wasm');
  dir = mkdtempSync(join(tmpdir(), 'dgr-regularised-'));
  config = tinyConfig(ARMS, { parallel: false });
  // The learners are trained once and loaded by the other two runs (a cached learner gives the identical result,
  // test/agent/learner-cache.test.ts): what is compared here is the arms.
  const learnerCache = join(dir, 'learners');
  uninterrupted = await runAgent(config, { backend: 'wasm', learnerCache });
  const checkpoint = join(dir, 'run');
  await expect(runAgent(config, { backend: 'wasm', checkpointDir: checkpoint, stopAfterPhases: PHASES_OF_GAME_ONE, learnerCache })).rejects.toBeInstanceOf(RunStopped);
  cpSync(checkpoint, join(dir, 'after-game-1'), { recursive: true });
  resumed = await runAgent(config, { backend: 'wasm', checkpointDir: checkpoint, learnerCache });
  afterOne = armsFrom(join(dir, 'after-game-1'));
  afterTwo = armsFrom(checkpoint);
  const task = parseSchedule(config.schedule).tasks[1].task;
  secondGame = observationTensor(playedFrames(task.name, 256, 5, 1), 256);
}, 3_600_000);

afterAll(() => {
  for (const states of [afterOne, afterTwo]) for (const state of Object.values(states ?? {})) disposeStudent(state);
  secondGame?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('the regularised and distilling arms', () => {
  it('resume a run killed after the first game to the identical result', () => {
    // All but whether a learner was loaded from the cache (the resumed run loads both).
    const compared = (r: AgentResult) => ({ ...numbers(r), learners: numbers(r).learners.map(({ reused: _r, ...rest }) => rest) });
    expect(compared(resumed)).toEqual(compared(uninterrupted));
  });

  it('start the second game from one scholar: nothing holds Q_1 back before a game has ended', () => {
    // Bytes compared, not arrays of numbers: toEqual on five networks' weights takes minutes on a loaded machine.
    const bytesOf = (arm: AgentArm) => afterOne[arm].scholar.solver.variables().map((v) => Buffer.from((v.dataSync() as Float32Array).buffer));
    const none = bytesOf('none');
    for (const arm of ARMS) expect(bytesOf(arm).every((b, j) => b.equals(none[j])), arm).toBe(true);
  });

  it("EWC: a positive penalty once the second game moved the weights, which pulls them toward game 1's", () => {
    // After game 2 EWC holds two anchors; at Q_2's own weights only game 1's term is left, and it is positive.
    const penalty = afterTwo.ewc.regulariser?.penalty() ?? null;
    expect(penalty).not.toBeNull();
    expect(penalty?.dataSync()[0]).toBeGreaterThan(0);
    penalty?.dispose();
    // The Fisher of game 1 (the regulariser's first saved arrays, one per weight tensor) weighs the moves.
    const fisher = (afterOne.ewc.regulariser?.state() ?? []).slice(0, afterOne.ewc.scholar.solver.variables().length);
    const shapes = afterOne.ewc.scholar.solver.variables().map((v) => v.shape);
    const weights = fisher.map((f, j) => tf.tensor(f, shapes[j]));
    expect(weightedMove('ewc', (j) => weights[j])).toBeLessThan(weightedMove('none', (j) => weights[j]));
    for (const w of weights) w.dispose();
  });

  it('online EWC with one game behind it is EWC (one anchor, nothing yet to decay)', () => {
    expect(numbers(uninterrupted).arms.find((a) => a.arm === 'online-ewc')?.R).toEqual(numbers(uninterrupted).arms.find((a) => a.arm === 'ewc')?.R);
  });

  it("SI: its importances weigh the second game's move less than None's", () => {
    const state = afterOne.si.regulariser?.state() ?? [];
    const shapes = afterOne.si.scholar.solver.variables().map((v) => v.shape);
    const importance = shapes.map((shape, j) => tf.tensor(state[j], shape));
    expect(importance.some((w) => tf.tidy(() => tf.sum(w).dataSync()[0]) > 0)).toBe(true);
    expect(weightedMove('si', (j) => importance[j])).toBeLessThan(weightedMove('none', (j) => importance[j]));
    for (const w of importance) w.dispose();
  });

  it("LwF: Q_2 stays nearer Q_1's values on the second game's frames than None's", () => {
    const distance = (arm: AgentArm): number =>
      tf.tidy(() => tf.losses.meanSquaredError(afterOne[arm].scholar.solver.logits(secondGame), afterTwo[arm].scholar.solver.logits(secondGame)).dataSync()[0]);
    expect(distance('lwf')).toBeLessThan(distance('none'));
  });

  it("LwF's replay is the new game's own batch, taught Q_(k−1)'s values; nothing on the first game", () => {
    const source = new CurrentFrames();
    const previous = createQSolver(config.scholar.network, config.scholar.adam, new Rng(3));
    tf.tidy(() => {
      expect(source.sample(16, { previous: null, dreams: null, current: secondGame }, new Rng(1))).toBeNull();
      const batch = source.sample(16, { previous, dreams: null, current: secondGame }, new Rng(1));
      expect(batch?.x).toBe(secondGame);
      expect(Array.from(batch?.targets.dataSync() ?? [])).toEqual(Array.from(previous.logits(secondGame).dataSync()));
    });
    previous.dispose();
  });
});
