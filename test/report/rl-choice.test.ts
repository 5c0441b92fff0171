/**
 * The development choice table (agent/report/docs/rl-choice.ts) from committed one-seed result files: each run's
 * earlier games kept, and the mean and lowest over the (run, game) pairs committed, as a hand computation gives
 * them; a run not committed yet is shown as such and counts in no mean; a run on other learners than the first
 * row's is marked, naming both engines.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { choiceTable, type Candidate, type DevRun } from '../../agent/report/docs/rl-choice.ts';
import { rlResultFile, type RlSeedResult } from '../../agent/report/result-file.ts';
import { retention } from '../../agent/result.ts';
import { continualMetrics } from '../../core/metrics.ts';
import { unknownProvenance } from '../../core/provenance.ts';
import { tinyConfig } from '../agent/helpers.ts';

const root = mkdtempSync(join(tmpdir(), 'dgr-choice-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const reference = [0, 1, 2].map(() => ({ random: 0, scripted: 10 }));

/** One seed of three games: the scholar scores `own[i]` on game i right after it and `final[i]` at the end; every
 *  learner scored 0.5. */
function seed(own: readonly [number, number], final: readonly [number, number], learnerScore = 5, engine = 'wasm + OpenBLAS (Zen)'): RlSeedResult {
  const R = [
    [0, 0, 0],
    [own[0], 0, 0],
    [own[0], own[1], 0],
    [final[0], final[1], 1],
  ];
  return {
    seed: 102,
    R,
    raw: R.slice(1).map((row) => row.map((x) => x * 10)),
    retention: retention(R),
    ...continualMetrics(R),
    learners: [0, 1, 2].map((game) => ({ game, score: learnerScore, normalised: 0.5, frames: 1600, updates: 10, seconds: 60 })),
    audits: [null, null, null],
    provenance: { ...unknownProvenance(), engine },
    frames: 4800,
    seconds: 600,
    learnerSeconds: 120,
    consolidationSeconds: 480,
    framesPerSecond: 8,
  };
}

const file = (name: string) => (run: DevRun, arm: string): string => `dev/${run.order}/seed-${run.seed}${name}/${arm}/result.json`;

function commit(path: string, own: readonly [number, number], final: readonly [number, number], learnerScore?: number, engine?: string): void {
  const config = tinyConfig(['gr'], { seed: 102 });
  const games = ['breakout', 'freeway/steady', 'space-invaders'];
  const full = join(root, 'docs', 'results', path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, JSON.stringify(rlResultFile(config, 'gr', 'wasm', games, reference, [seed(own, final, learnerScore, engine)])));
}

describe('the development choice table', () => {
  const runs: DevRun[] = [
    { order: 'three-games', seed: 102 },
    { order: 'three-games-from-freeway', seed: 102 },
  ];
  const candidates: Candidate[] = [
    { label: 'the preset', file: file('') },
    { label: 'a variant', file: file('-variant') },
    { label: 'another', file: file('-another') },
  ];
  // The preset: kept 0.9 and 0.8 on the first run, 1.0 and 0.5 on the second; the variant has only the first run.
  commit('dev/three-games/seed-102/gr/result.json', [0.5, 0.5], [0.45, 0.4]);
  commit('dev/three-games-from-freeway/seed-102/gr/result.json', [0.4, 0.6], [0.4, 0.3]);
  commit('dev/three-games/seed-102-variant/gr/result.json', [0.5, 0.5], [0.5, 0.35]);
  // Its learners trained again elsewhere: the same settings, another engine, other scores.
  commit('dev/three-games-from-freeway/seed-102-another/gr/result.json', [0.5, 0.5], [0.5, 0.5], 6, 'wasm + OpenBLAS (Cooperlake)');
  const lines = choiceTable({ root, document: 'docs/RESULTS.md' }, candidates, 'gr', runs).split('\n');

  it("heads each run with its order's earlier games and its seed", () => {
    expect(lines[0]).toBe(
      '| candidate | Breakout first, seed 102: Breakout / Freeway (steady) kept (of scholar) | Freeway (steady) first, seed 102: Freeway (steady) / Space Invaders kept (of scholar) | pairs | mean (of scholar) | lowest (of scholar) | mean (of learner) | lowest (of learner) | files |',
    );
  });

  it('takes the mean and lowest over the pairs committed, against the scholar and against the learner', () => {
    // Of the scholar: (0.9 + 0.8 + 1.0 + 0.5) / 4 = 0.8; of the learner (0.5 each): (0.9 + 0.8 + 0.8 + 0.6) / 4.
    expect(lines[2]).toBe(
      '| the preset | 90.0 / 80.0 % | 100.0 / 50.0 % | 4 | 80.0 % | 50.0 % | 77.5 % | 60.0 % | [1](results/dev/three-games/seed-102/gr/result.json) [2](results/dev/three-games-from-freeway/seed-102/gr/result.json) |',
    );
  });

  it('shows a run not committed yet as such, out of every mean', () => {
    expect(lines[3]).toBe('| a variant | 100.0 / 70.0 % | not run yet | 2 | 85.0 % | 70.0 % | 85.0 % | 70.0 % | [1](results/dev/three-games/seed-102-variant/gr/result.json) |');
  });

  it("marks a run on other learners than the first row's, naming both engines", () => {
    expect(lines[4]).toBe('| another | not run yet | 100.0 / 100.0 % † | 2 | 100.0 % | 100.0 % | 100.0 % | 100.0 % | [2](results/dev/three-games-from-freeway/seed-102-another/gr/result.json) |');
    expect(lines.at(-1)).toBe(
      "† On other learners than the first row's run of the same order and seed (trained again, on wasm + OpenBLAS (Cooperlake); the first row's: wasm + OpenBLAS (Zen)): not a paired comparison.",
    );
    expect(lines.slice(2, 4).join('\n')).not.toContain('†');
  });
});
