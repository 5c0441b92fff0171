/** Provenance: what a run records of the code, engine and machine, and how older result files are brought up to date. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openBlasCore } from '../../core/engine/openblas.ts';
import { codeVersion, migrateResultFormat, provenanceSchema, provenanceWarnings, RESULT_FORMAT, startProvenance, finishProvenance, unknownProvenance } from '../../core/provenance.ts';

const root = join(import.meta.dirname, '..', '..');
const elsewhere = mkdtempSync(join(tmpdir(), 'dgr-provenance-'));

describe('provenance', () => {
  afterAll(() => rmSync(elsewhere, { recursive: true, force: true }));

  it('records the checkout’s commit, whether tracked files changed, dgr’s version, Node, the CPU, the command and the times', () => {
    const p = finishProvenance(startProvenance('wasm + OpenBLAS (Zen)', 'dgr experiment split-mnist'));
    expect(provenanceSchema.parse(p)).toEqual(p);
    expect(p.commit).toBe(execFileSync('git', ['-C', root, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim());
    const changed = execFileSync('git', ['-C', root, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
    expect(p.dirty).toBe(changed);
    expect(p.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(p.node).toBe(process.version);
    expect(p.cpu).toMatchObject({ cores: expect.any(Number) });
    expect(Date.parse(p.ended as string)).toBeGreaterThanOrEqual(Date.parse(p.started as string));
  });

  it('says unknown, never a guess, outside a git checkout', () => {
    expect(codeVersion(elsewhere)).toEqual({ commit: 'unknown', dirty: 'unknown', version: 'unknown' });
  });

  it('names the OpenBLAS core type from the library’s build string', () => {
    expect(openBlasCore('OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64')).toBe('Zen');
    expect(openBlasCore('OpenBLAS 0.3.26 DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=128')).toBe('SkylakeX');
    expect(openBlasCore('OpenBLAS 0.3.21 NO_LAPACKE MAX_THREADS=64')).toBeNull();
  });

  it('warns when seeds come from different commits or engine paths, and not otherwise', () => {
    const a = { ...unknownProvenance(), commit: 'a'.repeat(40), dirty: false, engine: 'wasm + OpenBLAS (Zen)' };
    expect(provenanceWarnings([{ seed: 1, provenance: a }, { seed: 2, provenance: a }])).toEqual([]);
    const b = { ...a, commit: 'b'.repeat(40), engine: 'wasm' };
    expect(provenanceWarnings([{ seed: 1, provenance: a }, { seed: 2, provenance: b }])).toEqual([
      'seeds come from different commits (seed 1: aaaaaaaaaaaa; seed 2: bbbbbbbbbbbb)',
      'seeds come from different engine paths (seed 1: wasm + OpenBLAS (Zen); seed 2: wasm)',
    ]);
  });

  it('brings a format-1 file up to date in one step, and refuses a newer or malformed format naming the file and field', () => {
    const step = (v1: Record<string, unknown>) => ({ ...v1, provenance: unknownProvenance() });
    expect(migrateResultFormat({ acc: 1 }, 'old.json', step)).toEqual({ format: RESULT_FORMAT, acc: 1, provenance: unknownProvenance() });
    const current = { format: RESULT_FORMAT, acc: 1 };
    expect(migrateResultFormat(current, 'new.json', step)).toBe(current);
    expect(() => migrateResultFormat({ format: RESULT_FORMAT + 1 }, 'future.json', step)).toThrow(/future\.json: format: 3 is newer than this dgr reads/);
    expect(() => migrateResultFormat({ format: 'two' }, 'odd.json', step)).toThrow(/odd\.json: format: "two" is not a result-file format version/);
  });
});
