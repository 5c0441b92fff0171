/**
 * publishCheckpoint: writers racing to save the same entry (two sweep workers that trained the same learner) leave
 * one whole entry, one writer's, never a mix, and no temporary folders.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCheckpoint, publishCheckpoint } from '../../core/checkpoint.ts';

const root = mkdtempSync(join(tmpdir(), 'dgr-publish-'));
const reader = { parseConfig: (raw: unknown) => raw };

function writer(dirs: string[], mark: number, size: number): Promise<{ kept: number }> {
  return new Promise((resolve, reject) => {
    const thread = new Worker(new URL('./helpers/checkpoint-writer.mjs', import.meta.url), { workerData: { dirs, mark, size } });
    thread.once('message', resolve);
    thread.once('error', reject);
  });
}

describe('publishCheckpoint', () => {
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('keeps the first whole entry when writers race for the same names', async () => {
    const dirs = Array.from({ length: 40 }, (_, k) => join(root, 'race', `entry-${k}`));
    const size = 200_000;
    const marks = [1, 2, 3];
    const outcomes = await Promise.all(marks.map((mark) => writer(dirs, mark, size)));
    // Each name kept exactly one writer's copy.
    expect(outcomes.reduce((n, o) => n + o.kept, 0)).toBe(dirs.length);
    for (const dir of dirs) {
      const saved = loadCheckpoint<unknown, { mark: number }>(dir, reader);
      const { mark } = saved.progress;
      expect(marks).toContain(mark);
      expect(saved.arrays.weights[0].every((v) => v === mark)).toBe(true);
      expect(saved.arrays.bytes[0].every((v) => v === mark)).toBe(true);
    }
    expect(readdirSync(join(root, 'race')).filter((name) => name.includes('.tmp-'))).toEqual([]);
  }, 120_000);

  it('replaces a folder a writer in place left without a checkpoint, and keeps an existing entry', () => {
    const dir = join(root, 'leftover');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'tensors.bin.tmp'), 'half a file');
    const entry = (mark: number) => ({ config: {}, progress: { mark }, arrays: { bytes: [new Uint8Array(4).fill(mark)] } });
    expect(publishCheckpoint(dir, entry(5))).toBe(true);
    expect(publishCheckpoint(dir, entry(6))).toBe(false);
    expect(loadCheckpoint<unknown, { mark: number }>(dir, reader).progress.mark).toBe(5);
    expect(readdirSync(root).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });
});
