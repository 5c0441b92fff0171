/** The runs page's reading of a folder (server/runs-folder.ts) on run folders laid out as `dgr rl` lays them out. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { agentPreset } from '../../agent/presets.ts';
import { writeJson } from '../../core/json-files.ts';
import { SEED_ERROR_FILE } from '../../core/run-folder.ts';
import { runsListingSchema } from '../../protocol/runs.ts';
import { listRuns, runDetail, runFolder, thin } from '../../server/runs-folder.ts';

const root = mkdtempSync(join(tmpdir(), 'dgr-runs-folder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A run folder as a seed of `dgr rl` leaves it before its first checkpoint: seed-<n>/config.json. */
function seedFolder(dir: string, seed: number, iterations: number): string {
  const config = { ...agentPreset('quick', { iterations }), seed };
  return writeJson(join(root, dir, `seed-${seed}`), 'config.json', config);
}

describe('the runs of a folder', () => {
  it('lists runs with their state, error and the settings that differ, under the protocol schema', () => {
    seedFolder('a', 1, 20);
    seedFolder('nested/b', 1, 30);
    writeJson(join(root, 'nested/b/seed-1'), SEED_ERROR_FILE, { message: 'out of memory', at: 'now' });
    mkdirSync(join(root, 'not-a-run', 'empty'), { recursive: true });
    const listing = runsListingSchema.parse(listRuns(root));
    expect(listing.runs.map((r) => [r.id, r.state, r.error])).toEqual([
      ['a', 'stopped', null],
      ['nested/b', 'failed', 'out of memory'],
    ]);
    expect(listing.differing).toEqual(['scholar.iterations']);
    expect(listing.runs[0].progress).toEqual({ done: 0, total: listing.runs[0].progress!.total, unit: 'frames' });
  });

  it('shows a run whose files cannot be read as failed, saying which file', () => {
    mkdirSync(join(root, 'broken', 'seed-1'), { recursive: true });
    writeFileSync(join(root, 'broken', 'seed-1', 'config.json'), '{"experiment": "rl", "seed": ');
    const broken = listRuns(root).runs.find((r) => r.id === 'broken')!;
    expect(broken.state).toBe('failed');
    expect(broken.error).toMatch(/cannot read the run: .*JSON/);
    expect(runDetail(root, runFolder(root, 'broken')!).arms).toEqual([]);
  });

  it('finds only runs inside the folder', () => {
    expect(runFolder(root, 'a')).toBe(join(root, 'a'));
    for (const id of ['..', 'a/..', '../x', 'nested', 'a/seed-1/../..', '']) expect(runFolder(root, id)).toBeNull();
  });

  it('thins long curves evenly, keeping the first and the last row', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => i);
    const kept = thin(rows, 5);
    expect(kept).toEqual([0, 250, 500, 749, 999]);
    expect(thin([1, 2], 5)).toEqual([1, 2]);
  });
});
