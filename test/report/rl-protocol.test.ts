/**
 * The protocol's docs tables (agent/report/docs/rl-protocol.ts) from committed seed folders: each (order, arm)'s
 * seeds are merged, and the issue's bars are read off them as a hand computation gives them.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROTOCOL, protocolDocs } from '../../agent/report/docs/rl-protocol.ts';
import { rlResultFile, type RlSeedResult } from '../../agent/report/result-file.ts';
import { consolidationTimeMarkdown } from '../../agent/report/time-table.ts';
import { retention } from '../../agent/result.ts';
import { continualMetrics } from '../../core/metrics.ts';
import { unknownProvenance } from '../../core/provenance.ts';
import { tinyConfig } from '../agent/helpers.ts';
import type { AgentArm, AgentConfig } from '../../agent/config.ts';

const root = mkdtempSync(join(tmpdir(), 'dgr-protocol-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const games = ['breakout', 'freeway'];
const reference = [{ random: 0, scripted: 10 }, { random: 0, scripted: 20 }];

/** Where an arm's two consolidations spent their time: GR trains a generator, and its filter draws 3 samples a
 *  dream on the second game. */
const timeOf = (arm: string): RlSeedResult['consolidationTime'] =>
  [0, 1].map((game) => ({
    prepare: 6,
    generator: arm === 'gr' ? 60 : 0,
    solver: 120,
    consolidate: 6,
    evaluate: 30,
    audit: 18,
    dreams: arm === 'gr' && game === 1 ? { drawn: 3000, replayed: 1000, seconds: 20 } : null,
  }));

/** Seed s of two games: the scholar scores `own` on Breakout right after it and `final` at the end. */
function seed(s: number, own: number, final: number, time?: RlSeedResult['consolidationTime']): RlSeedResult {
  const R = [[0, 0], [own, 0], [final, 0.5]];
  return {
    seed: s,
    R,
    raw: R.slice(1).map((row) => row.map((x, i) => x * reference[i].scripted)),
    retention: retention(R),
    ...continualMetrics(R),
    learners: [0, 1].map((game) => ({ game, score: s + game, trainingReturn: 5 * s + game, normalised: 0.6, frames: 1600, updates: 10, seconds: 60 })),
    audits: [null, null],
    provenance: unknownProvenance(),
    frames: 3200,
    seconds: 600,
    learnerSeconds: 120,
    consolidationSeconds: 480,
    ...(time ? { consolidationTime: time } : {}),
    framesPerSecond: 5,
  };
}

/** A committed seed folder (`seed-<s>`, or `seed-<s>-<suffix>` for more arms on that seed): config.json naming the
 *  arms, and each arm's one-seed result.json; `timed` with its consolidations' steps, `parallel` where it ran. */
function commitSeed(s: number, arms: Partial<Record<AgentArm, [number, number]>>, suffix = '', run: { timed?: boolean; parallel?: AgentConfig['parallel']; protocolDir?: string } = {}): void {
  const config = tinyConfig(Object.keys(arms) as AgentArm[], { seed: s, ...(run.parallel !== undefined ? { parallel: run.parallel } : {}) });
  const dir = join(root, 'docs', 'results', run.protocolDir ?? join('rl', 'protocol'), 'three-games-test', `seed-${s}${suffix}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  for (const [arm, [own, final]] of Object.entries(arms)) {
    mkdirSync(join(dir, arm), { recursive: true });
    const file = rlResultFile({ ...config, schedule: { ...config.schedule, name: 'three-games-test' } }, arm as 'gr', 'wasm', games, reference, [seed(s, own, final, run.timed ? timeOf(arm) : undefined)]);
    writeFileSync(join(dir, arm, 'result.json'), JSON.stringify(file));
  }
}

describe('the protocol tables from committed seeds', () => {
  // Breakout kept, of the scholar's own score: gr 0.9 and 0.7 (mean 0.8); er 1.0 and 0.9 (0.95); none 0.1 and 0.
  commitSeed(1, { gr: [0.5, 0.45], er: [0.5, 0.5], none: [0.5, 0.05] });
  // Seed 2 recorded its consolidations' steps and ran its arms in threads of their own.
  commitSeed(2, { gr: [0.4, 0.28], er: [0.4, 0.36], none: [0.4, 0] }, '', { timed: true, parallel: 'arms' });
  // More arms run apart on the same seeds: ewc keeps 0.6 and 0.5 of Breakout (mean 55 %).
  commitSeed(1, { ewc: [0.5, 0.3] }, '-regularisers');
  commitSeed(2, { ewc: [0.4, 0.2] }, '-regularisers');
  // A protocol run under an earlier preset, kept in a folder of its own: GR kept 0.5 of Breakout.
  const earlierDir = join('rl', 'earlier', 'protocol-test');
  commitSeed(3, { gr: [0.4, 0.2], none: [0.4, 0] }, '', { protocolDir: earlierDir });
  const context = { root, document: 'docs/RESULTS.md' };

  it("tables a run's consolidation steps per arm, seed and game in its report, and nothing for a run that did not record them", () => {
    const file = (seedNumber: number, time?: RlSeedResult['consolidationTime']) =>
      rlResultFile(tinyConfig(['gr'], { seed: seedNumber }), 'gr', 'wasm', games, reference, [seed(seedNumber, 0.5, 0.45, time)]);
    const lines = consolidationTimeMarkdown([file(2, timeOf('gr'))]);
    expect(lines).toContain('| gr | 2 | breakout | 6.0 s | 1 min 00 s | 2 min 00 s | 6.0 s | 30.0 s | 18.0 s | – |');
    expect(lines).toContain('| gr | 2 | freeway | 6.0 s | 1 min 00 s | 2 min 00 s | 6.0 s | 30.0 s | 18.0 s | 3.0 drawn a dream, 20.0 s |');
    expect(consolidationTimeMarkdown([file(1)])).toEqual([]);
  });

  it('reads the bars off the merged seeds: means, the lowest seed, the interval, None and the gap to ER', () => {
    const row = PROTOCOL.bars(context).split('\n')[2];
    // Two seeds' bootstrap means are 0.7, 0.8 or 0.9, so the 95 % interval of GR's mean is [70, 90] %.
    expect(row).toBe('| order three-games-test (breakout → freeway) | 2 | 80.0 % ✗ | 70.0 % ✗ | 70.0 % ✗ | 5.0 % ✓ | +15.0 ✗ |');
  });

  it("tables each order's learners once, every seed's, against half of MinAtar's DQN", () => {
    // Greedy returns s + game, training returns 5s + game; the bars are 4.5 (Breakout) and 23.5 (Freeway).
    expect(PROTOCOL.learners(context).split('\n').slice(2)).toEqual([
      '| three-games-test | Breakout | 1, 2 | 1.00 / 2.00 | 1.50 ± 0.50 | 5.00 / 10.00 | 7.50 ± 2.50 | 4.5 | no seed; every seed |',
      '| three-games-test | Freeway | 1, 2 | 2.00 / 3.00 | 2.50 ± 0.50 | 6.00 / 11.00 | 8.50 ± 2.50 | 23.5 | no seed; no seed |',
    ]);
  });

  it('tables each seed with its arms in the run order and its time, and each order with its chart', () => {
    expect(PROTOCOL.seeds(context).split('\n')[2]).toBe('| three-games-test | 1 | gr, er, none | one | 10 | 2 | 8 | – | – | – | – | 5 | [folder](results/rl/protocol/three-games-test/seed-1) |');
    // Seed 2 recorded its steps: over three arms and two games, generators 2 × 60 s, scholars 6 × 120 s,
    // evaluations and audits 6 × (6 + 6 + 30 + 18) s; GR's filter drew 3000 samples for 1000 dreams.
    expect(PROTOCOL.seeds(context).split('\n')[4]).toBe('| three-games-test | 2 | gr, er, none | learners + one per arm | 10 | 2 | 8 | 2 | 12 | 6 | 3.0 | 5 | [folder](results/rl/protocol/three-games-test/seed-2) |');
    const tables = PROTOCOL.tables(context);
    expect(tables).toMatch(/\| gr \| breakout \| 2 of 2 \| 80\.0 \[70\.0, 90\.0\] % \|/);
    expect(tables).toContain('](results/rl/protocol/charts/retention-dots-three-games-test.png)');
    expect(PROTOCOL.seeds(context).split('\n')[3]).toBe('| three-games-test | 1 | ewc | one | 10 | 2 | 8 | – | – | – | – | 5 | [folder](results/rl/protocol/three-games-test/seed-1-regularisers) |');
    expect(tables).toMatch(/\| ewc \| breakout \| 2 of 2 \| 55\.0 \[50\.0, 60\.0\] % \|/);
    expect(PROTOCOL.charts(context).map((c) => c.path)).toEqual([join('docs', 'results', 'rl', 'protocol', 'charts', 'retention-dots-three-games-test.svg')]);
  });

  it("tables an earlier protocol's seeds from its own folder, apart from the preset's, with its own charts", () => {
    const earlier = protocolDocs(earlierDir);
    const seeds = earlier.seeds(context).split('\n');
    expect(seeds.slice(2)).toEqual(['| three-games-test | 3 | gr, none | one | 10 | 2 | 8 | – | – | – | – | 5 | [folder](results/rl/earlier/protocol-test/three-games-test/seed-3) |']);
    expect(earlier.tables(context)).toMatch(/\| gr \| breakout \| 1 of 1 \| 50\.0 % \|/);
    expect(earlier.tables(context)).toContain('](results/rl/earlier/protocol-test/charts/retention-dots-three-games-test.png)');
    expect(earlier.charts(context).map((c) => c.path)).toEqual([join('docs', 'results', 'rl', 'earlier', 'protocol-test', 'charts', 'retention-dots-three-games-test.svg')]);
    // The preset's tables hold none of it; a protocol with no seed committed says so in each table.
    expect(PROTOCOL.seeds(context)).not.toContain('seed-3');
    const none = protocolDocs(join('rl', 'earlier', 'protocol-none'));
    expect([none.tables(context), none.seeds(context), none.bars(context), none.learners(context), none.charts(context)]).toEqual(['(no protocol seed committed yet)', '(no protocol seed committed yet)', '(no protocol seed committed yet)', '(no protocol seed committed yet)', []]);
  });
});
