/**
 * A checkpoint's progress is read in format 2, and format 1 (no `format`) is migrated in one step: an arm that had
 * consolidated nothing times and counts from then on, one that had keeps none; a lesson stopped in its middle was in
 * Q_k's steps, its streams moved under `scholar`. A newer format, or a lesson in its middle without its streams, is
 * an error naming the checkpoint.
 */
import { describe, expect, it } from 'vitest';
import { PROGRESS_FORMAT, readProgress } from '../../agent/saved-progress.ts';

const arm = (losses: number[]) => ({ rows: [], rowsSe: [], raw: [], audits: [], dreams: [], losses, curves: [] });
const record = { games: ['breakout', 'freeway'], reference: [], learners: [], learnerCurves: [], frames: 0, learnerSeconds: 0, consolidationSeconds: 0 };
const snapshot = (n: number) => ({ state: [n, n, n, n], spareNormal: null });

describe("a checkpoint's progress", () => {
  it('is read as written in format 2', () => {
    const progress = { format: PROGRESS_FORMAT, position: { game: 1, learned: true, armsDone: 0 }, record: { ...record, arms: {} }, seconds: 3 };
    expect(readProgress(progress, 'here')).toBe(progress);
  });

  it('migrates format 1: the record of arms that had consolidated nothing, a lesson stopped in its scholar', () => {
    const v1 = {
      position: { game: 1, learned: true, armsDone: 1, lesson: { iterations: 10, loss: 0.5, seconds: { prepare: 1, generator: 2, solver: 3 } } },
      record: { ...record, arms: { gr: arm([]), er: arm([0.1]) } },
      seconds: 7,
      consolidation: { arm: 'gr', game: 1, streams: { current: snapshot(1), replayed: snapshot(2) }, replayNoise: [snapshot(3)], draws: null },
    };
    const read = readProgress(v1, 'here');
    expect(read.format).toBe(PROGRESS_FORMAT);
    expect(read.record.arms.gr).toMatchObject({ seconds: [], actionsKept: [] });
    expect(read.record.arms.er.seconds).toBeUndefined();
    expect(read.position.lesson).toEqual({ stage: 'solver', iterations: 10, loss: 0.5, seconds: { prepare: 1, generator: 2, solver: 3 } });
    expect(read.consolidation).toEqual({ arm: 'gr', game: 1, scholar: { current: snapshot(1), replayed: snapshot(2), replayNoise: [snapshot(3)] }, draws: null });
    const between = readProgress({ ...v1, position: { game: 2, learned: false, armsDone: 0 }, consolidation: undefined }, 'here');
    expect(between.position).toEqual({ game: 2, learned: false, armsDone: 0 });
    // Unnumbered but in format 2's shape (commits bde3326-a128a6a): a lesson stopped in G_k's training stays there.
    const inGenerator = { stage: 'generator', iterations: 10, noise: [snapshot(4)], replay: [], seconds: { prepare: 1, generator: 2, solver: 0 } };
    const shaped = readProgress({ ...v1, position: { ...v1.position, lesson: inGenerator }, consolidation: { arm: 'gr', game: 1, scholar: null, draws: null } }, 'here');
    expect(shaped.position.lesson).toEqual(inGenerator);
    expect(shaped.consolidation).toEqual({ arm: 'gr', game: 1, scholar: null, draws: null });
  });

  it('refuses a newer format, and a lesson in its middle without its streams, naming the checkpoint', () => {
    expect(() => readProgress({ format: PROGRESS_FORMAT + 1 }, '/runs/x/checkpoint.json')).toThrow(/\/runs\/x\/checkpoint.json: progress format 3/);
    const noStreams = { position: { game: 1, learned: true, armsDone: 0, lesson: { iterations: 5, loss: 1, seconds: { prepare: 0, generator: 0, solver: 1 } } }, record: { ...record, arms: {} }, seconds: 1 };
    expect(() => readProgress(noStreams, '/runs/y')).toThrow(/\/runs\/y: checkpoint in the middle of a consolidation holds none/);
  });
});
