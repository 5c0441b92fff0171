/** Normalised scores and retention against hand computations, and the audit's invariants on real frames. */
import { describe, expect, it } from 'vitest';
import { auditDreams } from '../../agent/audit.ts';
import { isGameFrame, satisfiesInvariants } from '../../env/games/index.ts';
import { normalisedScore } from '../../agent/evaluate.ts';
import { epsilonAt } from '../../agent/learner.ts';
import { gameKeys } from '../../agent/report/result-file.ts';
import { retention } from '../../agent/result.ts';
import { continualMetrics } from '../../core/metrics.ts';
import { cellIndex, ENEMY, OBSERVATION_SIZE, PLAYER, PLAYER_SHOT, TRAIL } from '../../env/layout.ts';
import { CHICKEN_X } from '../../env/games/freeway.ts';
import { GAMES } from '../../env/types.ts';
import { playedFrames } from './helpers.ts';

describe('normalised scores', () => {
  it('puts random at 0 and scripted at 1, linearly', () => {
    const reference = { random: 2, scripted: 12 };
    expect(normalisedScore(2, reference)).toBe(0);
    expect(normalisedScore(12, reference)).toBe(1);
    expect(normalisedScore(7, reference)).toBeCloseTo(0.5, 12);
    expect(normalisedScore(0, reference)).toBeCloseTo(-0.2, 12);
  });

  it('refuses a game whose script does not beat random', () => {
    expect(() => normalisedScore(1, { random: 3, scripted: 3 })).toThrow(/does not beat random/);
  });
});

describe('retention', () => {
  // Rows: at start, after game 1, after game 2, after game 3 (normalised scores).
  const R = [
    [0.0, 0.0, 0.0],
    [0.8, 0.1, 0.0],
    [0.6, 0.5, 0.1],
    [0.2, 0.45, 0.9],
  ];

  it('is R[T][i] / R[i][i] per game', () => {
    const kept = retention(R);
    expect(kept[0]).toBeCloseTo(0.2 / 0.8, 12);
    expect(kept[1]).toBeCloseTo(0.45 / 0.5, 12);
    expect(kept[2]).toBeCloseTo(1, 12);
  });

  it('is unknown for a game its scholar never learnt (R[i][i] ≤ 0)', () => {
    expect(retention([[0, 0], [-0.1, 0], [0.2, 0.3]])[0]).toBeNull();
  });

  it("agrees with core's forgetting on the same matrix", () => {
    const m = continualMetrics(R);
    expect(m.forgetting).toBeCloseTo(((0.8 - 0.2) + (0.5 - 0.45)) / 2, 12);
    expect(m.acc).toBeCloseTo((0.2 + 0.45 + 0.9) / 3, 12);
  });

  it('keys games by name, telling a repeated game apart by its position', () => {
    expect(gameKeys(['breakout', 'freeway'])).toEqual(['breakout', 'freeway']);
    expect(gameKeys(['breakout', 'breakout/mirrored', 'breakout'])).toEqual(['breakout#1', 'breakout/mirrored', 'breakout#3']);
  });
});

describe('ε-greedy schedule', () => {
  it('falls linearly from start to end over decayFrames, then stays', () => {
    const schedule = { start: 1, end: 0.1, decayFrames: 1000 };
    expect(epsilonAt(0, schedule)).toBe(1);
    expect(epsilonAt(500, schedule)).toBeCloseTo(0.55, 12);
    expect(epsilonAt(1000, schedule)).toBeCloseTo(0.1, 12);
    expect(epsilonAt(5000, schedule)).toBeCloseTo(0.1, 12);
  });
});

describe('replay audit', () => {
  it("every real frame of a game satisfies that game's invariants", () => {
    for (const game of GAMES) {
      const frames = playedFrames(game, 300, 3, 7);
      for (let k = 0; k < 300; k++) expect(satisfiesInvariants(game, frames, k * OBSERVATION_SIZE), `${game} frame ${k}`).toBe(true);
      for (let k = 0; k < 300; k++) expect(isGameFrame(game, frames, k * OBSERVATION_SIZE), `${game} frame ${k} (exact)`).toBe(true);
    }
  });

  it('holds exact frames to how the objects sit together: eight cars with their trails behind, the ball beside its trail', () => {
    const frame = (game: string): Uint8Array => playedFrames(game, 40, 4, 1).slice(39 * OBSERVATION_SIZE);
    const cellsOf = (f: Uint8Array, channel: number): number[] => [...Array(100).keys()].filter((cell) => f[cell * 7 + channel] === 1);
    const emptyLane = frame('freeway');
    const [car] = cellsOf(emptyLane, ENEMY);
    emptyLane[car * 7 + ENEMY] = 0;
    for (const cell of cellsOf(emptyLane, TRAIL)) if (Math.floor(cell / 10) === Math.floor(car / 10)) emptyLane[cell * 7 + TRAIL] = 0;
    // A lane without its car obeys the invariants, but Freeway always draws eight cars.
    expect(satisfiesInvariants('freeway', emptyLane)).toBe(true);
    expect(isGameFrame('freeway', emptyLane)).toBe(false);
    const reversed = frame('freeway');
    const trail = cellsOf(reversed, TRAIL)[0];
    const row = Math.floor(trail / 10);
    const carX = cellsOf(reversed, ENEMY).find((c) => Math.floor(c / 10) === row) as number;
    reversed[trail * 7 + TRAIL] = 0;
    reversed[cellIndex((2 * (carX % 10) - (trail % 10) + 10) % 10, row, TRAIL)] = 1;
    expect(satisfiesInvariants('freeway', reversed)).toBe(true);
    expect(isGameFrame('freeway', reversed)).toBe(false);
    const breakout = frame('breakout');
    const [ball] = cellsOf(breakout, PLAYER_SHOT);
    for (const cell of cellsOf(breakout, TRAIL)) breakout[cell * 7 + TRAIL] = 0;
    const ballRow = Math.floor(ball / 10);
    breakout[cellIndex(ball % 10, ballRow > 0 ? ballRow - 1 : ballRow + 1, TRAIL)] = 1;
    expect(satisfiesInvariants('breakout', breakout)).toBe(true);
    expect(isGameFrame('breakout', breakout)).toBe(false);
  });

  it('rejects frames that break one rule of the game: no ball, a chicken out of its column, two cars in a lane', () => {
    const frame = (game: string): Uint8Array => playedFrames(game, 1, 4, 1);
    const cellsOf = (f: Uint8Array, channel: number): number[] => [...Array(100).keys()].filter((cell) => f[cell * 7 + channel] === 1);
    const noBall = frame('breakout');
    for (const cell of cellsOf(noBall, PLAYER_SHOT)) noBall[cell * 7 + PLAYER_SHOT] = 0;
    expect(satisfiesInvariants('breakout', frame('breakout'))).toBe(true);
    expect(satisfiesInvariants('breakout', noBall)).toBe(false);
    const moved = frame('freeway');
    const [chicken] = cellsOf(moved, PLAYER);
    moved[chicken * 7 + PLAYER] = 0;
    moved[cellIndex((CHICKEN_X + 3) % 10, Math.floor(chicken / 10), PLAYER)] = 1;
    expect(satisfiesInvariants('freeway', frame('freeway'))).toBe(true);
    expect(satisfiesInvariants('freeway', moved)).toBe(false);
    const crowded = frame('freeway');
    const [car] = cellsOf(crowded, ENEMY);
    crowded[cellIndex(((car % 10) + 5) % 10, Math.floor(car / 10), ENEMY)] = 1;
    expect(satisfiesInvariants('freeway', crowded)).toBe(false);
  });

  it('tells real frames of two games apart and scores random grids as no game', () => {
    const breakout = playedFrames('breakout', 50, 3, 7);
    const freeway = playedFrames('freeway', 50, 3, 7);
    const noise = Uint8Array.from({ length: 50 * OBSERVATION_SIZE }, (_, i) => ((i * 2654435761) >>> 7) % 2);
    const samples = new Uint8Array([...breakout, ...freeway, ...noise]);
    const profiles = [breakout, freeway].map((f) => {
      const counts = new Array(7).fill(0);
      for (let i = 0; i < f.length; i++) counts[i % 7] += f[i];
      return counts.map((c) => c / 50);
    });
    const actions = new Int32Array(150).fill(1);
    const { audit, resembles } = auditDreams(samples, ['breakout', 'freeway'], profiles, actions, [new Int32Array(10).fill(1), new Int32Array(10).fill(2)]);
    expect(Array.from(resembles.slice(0, 50)).every((g) => g === 0)).toBe(true);
    expect(Array.from(resembles.slice(50, 100)).every((g) => g === 1)).toBe(true);
    expect(audit.none).toBeCloseTo(50 / 150, 12);
    // The old network answers 'left' on every dream: as on real Breakout, never as on real Freeway ('up').
    expect(audit.agreement).toEqual([1, 0]);
  });
});

describe('dgr check --only', () => {
  it('offers exactly the RL targets agent/targets.ts pins', async () => {
    const { RL_TARGET_NAMES } = await import('../../cli/commands/check.ts');
    const { RL_QUICK_TARGETS } = await import('../../agent/targets.ts');
    expect(RL_TARGET_NAMES).toEqual(RL_QUICK_TARGETS.map((t) => t.name));
  });
});
