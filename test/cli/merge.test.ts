/**
 * `dgr merge` as a user runs it: seeds of one config run in separate processes merge into the same result as
 * one `--seeds` run, and results that do not belong together are refused with the reason.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dgrRun } from './helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'dgr-merge-'));

/** A small real run: split MNIST class-IL, fine-tuning, 20 iterations a task. */
function experiment(out: string, ...extra: string[]): void {
  const r = dgrRun('experiment', 'split-mnist', '--arm', 'none', '--iterations', '20', '--eval-every', '0', '--backend', 'wasm', '--out', out, ...extra);
  expect(r.status, r.stderr).toBe(0);
}

type Result = Record<string, unknown> & { perSeed?: Record<string, unknown>[] };
const readJson = (path: string): Result => JSON.parse(readFileSync(path, 'utf8'));
/** Everything but wall times and provenance (the command line, start and end), which differ from run to run. */
function withoutTimes(r: Result): Result {
  const { seconds: _s, provenance: _p, perSeed, ...rest } = r;
  return { ...rest, perSeed: perSeed?.map(({ seconds: _t, provenance: _q, ...seed }) => seed) };
}

describe('dgr merge', () => {
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('merges seeds run apart into the result of one --seeds run, and refuses results that do not belong together', () => {
    experiment(join(work, 'together'), '--seed', '1', '--seeds', '2');
    experiment(join(work, 'seed1'), '--seed', '1');
    experiment(join(work, 'seed2'), '--seed', '2');
    const together = readJson(join(work, 'together', 'none', 'result.json'));
    expect(together.seeds).toEqual([1, 2]);

    // Given in either order, as folders or files.
    const out = join(work, 'merged', 'result.json');
    const merged = dgrRun('merge', join(work, 'seed2', 'none'), join(work, 'seed1', 'none', 'result.json'), '--out', out);
    expect(merged.status, merged.stderr).toBe(0);
    expect(merged.stdout).toMatch(/split-mnist\/none: seeds 1, 2: ACC \d+\.\d\d ± \d+\.\d\d \(s\.e\.m\.\) %/);
    const result = readJson(out);
    expect(withoutTimes(result)).toEqual(withoutTimes(together));
    const seed1 = readJson(join(work, 'seed1', 'none', 'result.json'));
    const seed2 = readJson(join(work, 'seed2', 'none', 'result.json'));
    expect(result.seconds).toBeCloseTo((seed1.seconds as number) + (seed2.seconds as number), 6);

    // Each seed keeps its provenance; seeds of one commit and engine path merge without a warning.
    expect(result.perSeed!.map((s) => s.provenance)).toEqual([seed1.provenance, seed2.provenance]);
    expect(result.provenanceWarnings).toEqual([]);
    expect(merged.stdout).not.toContain('warning');
    // Seeds from another engine path and commit: merged, and said in the output and in the file.
    const elsewhere = join(work, 'elsewhere.json');
    const otherCommit = 'f'.repeat(40);
    writeFileSync(elsewhere, JSON.stringify({ ...seed2, provenance: { ...(seed2.provenance as object), engine: 'cpu', commit: otherCommit } }));
    const mixedOut = join(work, 'mixed', 'result.json');
    const mixed = dgrRun('merge', join(work, 'seed1', 'none'), elsewhere, '--out', mixedOut);
    expect(mixed.status, mixed.stderr).toBe(0);
    expect(mixed.stdout).toMatch(/warning: seeds come from different commits \(seed 1: [0-9a-f]{12}.*; seed 2: ffffffffffff( \(dirty\))?\)/); // dirty when run in an edited checkout
    expect(mixed.stdout).toMatch(/warning: seeds come from different engine paths \(seed 1: wasm.*; seed 2: cpu\)/);
    expect((readJson(mixedOut).provenanceWarnings as string[]).length).toBe(2);

    // A seed twice.
    const twice = dgrRun('merge', join(work, 'together', 'none'), join(work, 'seed1', 'none'), '--out', join(work, 'twice.json'));
    expect(twice.status).toBe(1);
    expect(twice.stderr).toMatch(/seed 1 is also in .*together/);

    // Another config: the differing setting is named.
    experiment(join(work, 'longer'), '--seed', '3', '--iterations', '21');
    const other = dgrRun('merge', join(work, 'seed1', 'none'), join(work, 'longer', 'none'), '--out', join(work, 'other.json'));
    expect(other.status).toBe(1);
    expect(other.stderr).toMatch(/longer.*config differs from .*seed1.* in iterations/);

    // Not a result file: the field is named, and nothing is written.
    const bad = dgrRun('merge', join(work, 'seed1', 'none', 'config.json'), '--out', join(work, 'bad.json'));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/config\.json: not a dgr result\.json:\n {2}\w+/);
    expect(() => readFileSync(join(work, 'bad.json'))).toThrow();

    // Each result carries its config; one without cannot be checked and is refused.
    expect(seed1.config).toMatchObject({ experiment: 'split-mnist', arm: 'none', seed: 1, iterations: 20 });
    const { config: _config, ...bare } = seed1;
    const bareFile = join(work, 'bare.json');
    writeFileSync(bareFile, JSON.stringify(bare));
    const noConfig = dgrRun('merge', bareFile, join(work, 'seed2', 'none'), '--out', join(work, 'no-config.json'));
    expect(noConfig.status).toBe(1);
    expect(noConfig.stderr).toMatch(/bare\.json: a result\.json without the config that produced it .*cannot be checked or merged/);

    // A result whose numbers contradict its own accuracy matrix.
    const edited = join(work, 'edited.json');
    writeFileSync(edited, JSON.stringify({ ...seed1, acc: (seed1.acc as number) + 0.1 }));
    const contradicts = dgrRun('merge', edited, join(work, 'seed2', 'none'), '--out', join(work, 'edited-out.json'));
    expect(contradicts.status).toBe(1);
    expect(contradicts.stderr).toMatch(/edited\.json: seed 1: acc is .* but its accuracy matrix gives/);

    // --out that is one of the inputs (here the folder's own result.json) is refused before anything is read.
    const onto = dgrRun('merge', join(work, 'seed1', 'none'), join(work, 'seed2', 'none'), '--out', join(work, 'seed1', 'none', 'result.json'));
    expect(onto.status).toBe(1);
    expect(onto.stderr).toMatch(/--out .*seed1\/none\/result\.json is one of the inputs/);
    expect(readJson(join(work, 'seed1', 'none', 'result.json'))).toEqual(seed1);
  });
});
