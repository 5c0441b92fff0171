/**
 * `dgr rerun` as a user runs it: a committed result file (test/fixtures/rerun: a split-MNIST class-IL GR result
 * of the quick preset cut to 30 iterations a task, 2 seeds, and an RL GR result of the quick preset cut to 1600
 * frames a game) is run again from its own config and seeds, and every number is reported beside the committed
 * one. On the engine path that computed the file (its provenance says which) the rerun is bit-identical; a file
 * that cannot be rerun is refused before any work, naming the file and the field.
 *
 * The fixtures were made with
 *   dgr experiment split-mnist --arm gr --iterations 30 --generator-iterations 30 --eval-every 0 --backend wasm --seeds 2
 *   dgr rl --frames 1600 --iterations 20 --generator-iterations 20 --arm gr --backend wasm
 * and are made again the same way when a change moves their numbers on purpose.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dgrRun, root } from './helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'dgr-rerun-'));
const fixture = (name: string): string => join(root, 'test', 'fixtures', 'rerun', name);
const readJson = (path: string): Record<string, unknown> & { provenance: { engine: string } } => JSON.parse(readFileSync(path, 'utf8'));

/** Reruns a committed file (into `out`, with `options`); on its own engine path, every number must be identical. */
function rerunsIdentically(name: string, written: string, out = join(work, name), ...options: string[]): { stdout: string; numbers: { path: string }[] } {
  const r = dgrRun('rerun', fixture(name), '--out', out, ...options);
  expect(r.status, r.stderr).toBe(0);
  const committed = readJson(fixture(name));
  const rerun = readJson(join(out, written));
  const comparison = JSON.parse(readFileSync(join(out, 'comparison.json'), 'utf8')) as { numbers: { path: string; identical: boolean }[] };
  const count = comparison.numbers.length;
  expect(count).toBeGreaterThan(10);
  expect(r.stdout).toMatch(new RegExp(`\\d+ of ${count} numbers identical`));
  // The rerun records what made it: this command, and the engine path it ran on.
  expect(rerun.provenance).toMatchObject({ command: ['dgr', 'rerun', fixture(name), '--out', out, ...options].join(' ') });
  if (rerun.provenance.engine !== committed.provenance.engine) return { stdout: r.stdout, numbers: comparison.numbers }; // another engine path rounds differently
  expect(comparison.numbers.filter((n) => !n.identical).map((n) => n.path)).toEqual([]);
  expect(r.stdout).toContain(`${count} of ${count} numbers identical`);
  return { stdout: r.stdout, numbers: comparison.numbers };
}

describe('dgr rerun', () => {
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('reruns a committed classification result seed by seed, bit-identically on its engine path', () => {
    rerunsIdentically('split-mnist-class-gr.json', join('gr', 'result.json'));
  }, 1_200_000);

  it('--seed reruns one seed of a file and compares that seed\'s own numbers', () => {
    const { numbers } = rerunsIdentically('split-mnist-class-gr.json', join('gr', 'result.json'), join(work, 'seed-2'), '--seed', '2');
    expect(numbers.every((n) => n.path.startsWith('perSeed[1].'))).toBe(true);
    const entry = (readJson(fixture('split-mnist-class-gr.json')) as unknown as { perSeed: { seed: number; acc: number }[] }).perSeed.find((s) => s.seed === 2)!;
    const rerun = readJson(join(work, 'seed-2', 'gr', 'result.json')) as unknown as { seeds: number[]; acc: number };
    expect(rerun.seeds).toEqual([2]);
    if (numbers.length > 0) expect(rerun.acc).toBe(entry.acc);
  }, 1_200_000);

  it('reruns a committed RL result, bit-identically on its engine path, and again from the learners it cached', () => {
    const cache = join(work, 'learners');
    rerunsIdentically('rl-two-games-gr.json', join('gr', 'result.json'), join(work, 'rl-first'), '--learner-cache', cache);
    expect(readdirSync(cache)).toHaveLength(2);
    const again = rerunsIdentically('rl-two-games-gr.json', join('gr', 'result.json'), join(work, 'rl-cached'), '--learner-cache', cache);
    expect(readFileSync(join(work, 'rl-cached', 'report.md'), 'utf8')).toContain('Learners loaded from a learner cache (`--learner-cache`)');
    expect(again.numbers.length).toBeGreaterThan(10);
  }, 1_200_000);

  it('refuses, before any work, a file without a config, of another kind or of a newer format, naming the file and the field', () => {
    const committed = readJson(fixture('split-mnist-class-gr.json'));
    const cases: [string, unknown, RegExp][] = [
      ['no-config.json', { ...committed, config: undefined }, /no-config\.json: config: missing/],
      ['a-config.json', committed.config, /a-config\.json: seeds: missing: a config\.json, not a result\.json/],
      ['newer.json', { ...committed, format: 3 }, /newer\.json: format: 3 is newer than this dgr reads \(up to 2\)/],
      ['rl-newer.json', { ...readJson(fixture('rl-two-games-gr.json')), format: 99 }, /rl-newer\.json: format: 99 is newer/],
      ['not-json-object.json', [1, 2], /not-json-object\.json: not a dgr result\.json/],
    ];
    for (const [name, data, message] of cases) {
      const file = join(work, name);
      writeFileSync(file, JSON.stringify(data));
      const out = join(work, `out-${name}`);
      const r = dgrRun('rerun', file, '--out', out);
      expect(r.status, name).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toContain('dgr: backend');
      expect(existsSync(out), name).toBe(false);
    }
    const wrongSeed = dgrRun('rerun', fixture('split-mnist-class-gr.json'), '--seed', '7', '--out', join(work, 'out-seed-7'));
    expect(wrongSeed.stderr).toMatch(/--seed: .*split-mnist-class-gr\.json holds seeds 1, 2, not 7/);
    const learners = dgrRun('rerun', fixture('split-mnist-class-gr.json'), '--learner-cache', join(work, 'cache'), '--out', join(work, 'out-cache'));
    expect(learners.stderr).toMatch(/--learner-cache: .* is a classification result; learners are RL's/);
    for (const out of ['out-seed-7', 'out-cache', 'cache']) expect(existsSync(join(work, out)), out).toBe(false);
    const missing = dgrRun('rerun', join(work, 'nowhere.json'));
    expect(missing.stderr).toMatch(/result file .*nowhere\.json: no such file/);
  }, 600_000);
});
