/**
 * An RL run's result.json is written by the same function that `dgr merge` writes with, so merging a run's one
 * file gives back that file byte for byte (the audits' keys used to come in another order from each). A real tiny
 * `dgr rl` run of gr over two games, so the second game's replay audit is in the file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tinyConfig } from '../agent/helpers.ts';
import { dgrRun } from './helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'dgr-rl-merge-'));

describe("dgr merge of an RL run's result", () => {
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('is the run\'s result.json byte for byte', () => {
    const config = join(work, 'config.json');
    writeFileSync(config, JSON.stringify(tinyConfig(['gr'])));
    const out = join(work, 'run');
    const run = dgrRun('rl', '--config', config, '--backend', 'wasm', '--out', out);
    expect(run.status, run.stderr).toBe(0);
    const written = readFileSync(join(out, 'gr', 'result.json'), 'utf8');
    const audits = JSON.parse(written).perSeed[0].audits;
    expect(audits[0]).toBeNull();
    expect(audits[1]).toMatchObject({ samples: expect.any(Number), valid: expect.any(Array), exact: expect.any(Array) });

    const merged = join(work, 'merged.json');
    const merge = dgrRun('merge', join(out, 'gr'), '--out', merged);
    expect(merge.status, merge.stderr).toBe(0);
    expect(readFileSync(merged, 'utf8')).toBe(written);
  }, 900_000);
});
