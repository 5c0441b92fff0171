import { describe, expect, it } from 'vitest';
import { nextUint32, seedRng } from '../../env/rng.ts';
import { parseSchedule, ScheduledVectorEnv } from '../../env/schedule.ts';
import { restoreEnv, snapshotEnv } from '../../env/snapshot.ts';
import { createVectorEnv, resolveTask } from '../../env/task.ts';
import { GAMES, type VectorEnv } from '../../env/types.ts';

const COPIES = 4;

/** Random actions for every copy from a seeded sfc32 stream. */
function actionStream(seed: number): () => Int32Array {
  const state = new Uint32Array(4);
  seedRng(state, 0, seed, 1);
  return () => Int32Array.from({ length: COPIES }, () => nextUint32(state, 0) % 6);
}

/** Everything an env shows after a step, as one run of bytes (compared with Buffer.compare: cheap). */
function shown(env: VectorEnv): Buffer {
  const arrays = [env.observations, env.finalObservations, env.rewards, env.terminated, env.truncated, env.scores, env.frames, env.episodeReturns, env.episodeLengths];
  return Buffer.concat(arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));
}

/** Plays `original` for a while, restores its snapshot into `copy` (started elsewhere), then plays both on. */
function expectSameContinuation(original: VectorEnv, copy: VectorEnv): void {
  original.reset(11);
  copy.reset(99);
  const warmUp = actionStream(1);
  for (let t = 0; t < 700; t++) original.step(warmUp());
  const snapshot = snapshotEnv(original);
  restoreEnv(copy, snapshot);
  expect(Buffer.compare(shown(copy), shown(original))).toBe(0);
  const next = actionStream(2);
  let ended = 0;
  let differences = 0;
  for (let t = 0; t < 2000; t++) {
    const actions = next();
    original.step(actions);
    copy.step(actions);
    if (Buffer.compare(shown(copy), shown(original)) !== 0) differences++;
    for (let i = 0; i < COPIES; i++) ended += original.terminated[i] | original.truncated[i];
  }
  expect(differences).toBe(0);
  // The comparison spans episode ends (autoreset draws from each copy's restored generator).
  expect(ended).toBeGreaterThan(0);
}

describe('env snapshots', () => {
  it('a restored env continues bit-identically: every game, with sticky actions and mirrored controls', () => {
    for (const game of GAMES) {
      for (const task of [resolveTask(game), resolveTask({ game, stickyActions: 0.25, controls: 'mirrored', maxEpisodeSteps: 300 })]) {
        expectSameContinuation(createVectorEnv(task, COPIES), createVectorEnv(task, COPIES));
      }
    }
  });

  it('a restored schedule plays the task it was playing, and changes task where the original does', () => {
    const schedule = parseSchedule({ tasks: [{ task: 'breakout', steps: 2000 }, { task: { game: 'freeway', controls: 'rotated' }, steps: 4000 }, { task: 'asterix', steps: 20_000 }] });
    const original = new ScheduledVectorEnv(schedule, COPIES);
    const copy = new ScheduledVectorEnv(schedule, COPIES);
    expectSameContinuation(original, copy);
    expect(copy.taskIndex).toBe(2);
  });

  it('refuses a snapshot of another game or number of copies', () => {
    const breakout = createVectorEnv(resolveTask('breakout'), COPIES);
    breakout.reset(1);
    const snapshot = snapshotEnv(breakout);
    expect(() => restoreEnv(createVectorEnv(resolveTask('breakout'), COPIES + 1), snapshot)).toThrow(/does not match/);
    expect(() => restoreEnv(createVectorEnv(resolveTask('seaquest'), COPIES), snapshot)).toThrow(/env snapshot/);
  });
});
