/**
 * The actions a consolidation kept (agent/actions-kept.ts), on real Q-networks and real frames of the games:
 * a scholar equal to its teacher keeps every action; a different one keeps exactly the share a hand count of
 * equal greedy actions gives, per game and over the dreams resembling each game only.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionsKept, agreement, teacherOnReal, type TeacherActions } from '../../agent/actions-kept.ts';
import { createQSolver, greedy } from '../../agent/network.ts';
import { agentPreset } from '../../agent/presets.ts';
import { useBackend } from '../../core/engine/backend.ts';
import { Rng } from '../../core/engine/random.ts';
import type { Solver } from '../../core/solvers/solver.ts';
import { OBSERVATION_SIZE } from '../../env/layout.ts';
import { playedFrames } from './helpers.ts';

const { network, adam } = agentPreset('quick', { arms: ['gr'] }).scholar;
let teacher: Solver;
let other: Solver;
const breakout = playedFrames('breakout', 40, 1, 1);
const freeway = playedFrames('freeway', 30, 2, 5);
// "Dreams": frames of both games, labelled by the game they come from, one labelled as no game.
const dreamFrames = new Uint8Array([...breakout.subarray(0, 10 * OBSERVATION_SIZE), ...freeway.subarray(0, 6 * OBSERVATION_SIZE)]);
const resembles = Int32Array.from({ length: 16 }, (_, k) => (k === 15 ? -1 : k < 10 ? 0 : 1));

const actions = (q: Solver, frames: Uint8Array): Int32Array => greedy(q, frames, frames.length / OBSERVATION_SIZE).actions;
/** What a run keeps before a consolidation: the teacher's actions on real frames, and on dreams when there are. */
const teacherActions = (teacher: Solver, real: Uint8Array[], dreams: TeacherActions['dreams']): TeacherActions => ({ real: teacherOnReal(teacher, real), dreams });

describe('actions kept', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    teacher = createQSolver(network, adam, new Rng(1));
    other = createQSolver(network, adam, new Rng(2));
  });
  afterAll(() => {
    teacher.dispose();
    other.dispose();
  });

  it('counts the share of states where two action lists agree, among those picked', () => {
    expect(agreement([1, 2, 3, 4], [1, 0, 3, 0], () => true)).toBe(0.5);
    expect(agreement([1, 2, 3, 4], [1, 0, 3, 0], (k) => k >= 2)).toBe(0.5);
    expect(agreement([1, 2, 3, 4], [1, 0, 3, 0], (k) => k % 2 === 0)).toBe(1);
    expect(agreement([1, 2], [1, 2], () => false)).toBeNull();
  });

  it('a scholar equal to its teacher keeps every action, on real frames and on dreams', () => {
    const before = tf.memory().numTensors;
    const taught = teacherActions(teacher, [breakout, freeway], { frames: dreamFrames, actions: actions(teacher, dreamFrames), resembles });
    expect(actionsKept(teacher, taught)).toEqual({ real: [1, 1], dreams: [1, 1] });
    expect(tf.memory().numTensors).toBe(before);
  });

  it("another network keeps the share of states where its greedy action is the teacher's, game by game", () => {
    const taught = teacherActions(teacher, [breakout, freeway], { frames: dreamFrames, actions: actions(teacher, dreamFrames), resembles });
    const kept = actionsKept(other, taught);
    const byHand = (frames: Uint8Array, pick: (k: number) => boolean): number => {
      const [a, b] = [actions(teacher, frames), actions(other, frames)];
      const picked = [...a.keys()].filter(pick);
      return picked.filter((k) => a[k] === b[k]).length / picked.length;
    };
    expect(kept.real).toEqual([byHand(breakout, () => true), byHand(freeway, () => true)]);
    expect(kept.dreams).toEqual([byHand(dreamFrames, (k) => k < 10), byHand(dreamFrames, (k) => k >= 10 && k < 15)]);
    // Two independently initialised networks do not act alike everywhere.
    expect(Math.min(...kept.real)).toBeLessThan(1);
  });

  it('has no dream shares without dreams, and none for a game no dream resembles', () => {
    expect(actionsKept(other, teacherActions(teacher, [breakout], null)).dreams).toBeNull();
    const onlyBreakout = Int32Array.from(resembles, (g) => (g === 1 ? -1 : g));
    const kept = actionsKept(other, teacherActions(teacher, [breakout, freeway], { frames: dreamFrames, actions: actions(teacher, dreamFrames), resembles: onlyBreakout }));
    expect(kept.dreams?.[1]).toBeNull();
    expect(kept.dreams?.[0]).not.toBeNull();
  });
});
