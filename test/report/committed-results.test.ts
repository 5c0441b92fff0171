/**
 * The paper-preset results committed under docs/results/ are what RESULTS.md quotes and what programs read:
 * each must be a complete result.json of the experiment its folder names, carry the paper-preset config that
 * produced it, agree with its own accuracy matrix, and merge (alone) to the same numbers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeResults, resultFileSchema } from '../../core/results.ts';
import { EXPERIMENTS } from '../../core/experiments/presets.ts';

const root = join(import.meta.dirname, '..', '..', 'docs', 'results');
const files = readdirSync(root, { recursive: true, encoding: 'utf8' })
  // RL results have their own schema and test (test/agent/committed-results.test.ts).
  // A rerun's *-comparison.json (dgr rerun's committed-against-rerun numbers) is no run's result.
  .filter((f) => f.endsWith('.json') && !f.startsWith('rl/') && !f.endsWith('-comparison.json'))
  .sort();
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('committed paper-preset results', () => {
  it('exist', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s is a result.json of its folder’s experiment, named <scenario>-<arm>', (file) => {
    // The shape `dgr merge` reads back: every field of the result.json, with its type.
    const result = resultFileSchema.parse(JSON.parse(readFileSync(join(root, file), 'utf8')));
    const [folder, name] = file.split(/[\\/]/);
    expect(EXPERIMENTS.map((e) => e.name)).toContain(folder);
    expect(result.experiment).toBe(folder);
    expect(name.startsWith(`${result.scenario}-${result.arm}`)).toBe(true);
    expect(result.seeds.length).toBeGreaterThan(0);
    if (result.seeds.length > 1) {
      expect(result.perSeed!.map((s) => s.seed)).toEqual(result.seeds);
      expect(result.acc).toBeCloseTo(mean(result.perSeed!.map((s) => s.acc)), 9);
      expect(result.accStd).toBeGreaterThanOrEqual(0);
    } else {
      expect(result.accStd).toBeNull();
    }
    // R[k][i] with the at-start row first: one row per task plus one, and ACC is the last row's mean.
    const matrix: number[][] = result.accuracyMatrix;
    expect(matrix).toHaveLength(result.taskNames.length + 1);
    for (const row of matrix) expect(row).toHaveLength(result.taskNames.length);
    expect(result.acc).toBeCloseTo(mean(matrix.at(-1)!), 9);
    expect(result.seconds).toBeGreaterThan(0);
    // The config that produced it: the paper preset of this experiment, arm and first seed.
    expect(result.config).toMatchObject({ experiment: folder, arm: result.arm, seed: result.seeds[0] });
    expect(result.config.iterations).toBeGreaterThanOrEqual(2000);
    expect(result.config.stream.limit).toBeUndefined();
    // `dgr merge` of the file alone checks it against itself and gives back the same numbers.
    expect(mergeResults([{ source: file, result }])).toEqual(result);
  });
});
