/**
 * A save killed between its two renames (the tensors renamed into place, the manifest not yet): the folder holds the
 * new tensors.bin beside the old checkpoint.json, and the new manifest as checkpoint.json.tmp. A reader takes the
 * manifest that belongs to the tensors, so the run resumes from the newer checkpoint instead of refusing a checksum
 * mismatch. The folders here are built from real saves, file by file, as the kill leaves them.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasCheckpoint, loadCheckpoint, saveCheckpoint, type CheckpointData, type CheckpointReader } from '../../core/checkpoint.ts';

type Saved = CheckpointData<{ run: string }, { step: number }>;
const root = mkdtempSync(join(tmpdir(), 'dgr-checkpoint-cut-'));
const reader: CheckpointReader<{ run: string }, { step: number }> = { parseConfig: (raw) => raw as { run: string } };
const at = (step: number): Saved => ({ config: { run: 'a' }, progress: { step }, arrays: { w: [new Float32Array([step, step + 0.5])], frames: [new Uint8Array(step + 3).fill(step)] } });

/** A folder as a save of `next` killed between its renames leaves it: over `previous`'s checkpoint, or (null) as
 *  the folder's first save, with no checkpoint.json at all. */
function cutSave(name: string, previous: Saved | null, next: Saved): string {
  const dir = join(root, name);
  const whole = join(root, `${name}-whole`);
  saveCheckpoint(whole, next);
  saveCheckpoint(dir, previous ?? next);
  if (!previous) rmSync(join(dir, 'checkpoint.json'));
  copyFileSync(join(whole, 'tensors.bin'), join(dir, 'tensors.bin'));
  copyFileSync(join(whole, 'checkpoint.json'), join(dir, 'checkpoint.json.tmp'));
  return dir;
}

describe('a checkpoint save cut between its renames', () => {
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("loads the new checkpoint, whose tensors are in place, over the old manifest", () => {
    const dir = cutSave('later', at(1), at(2));
    const loaded = loadCheckpoint(dir, reader);
    expect(loaded.progress.step).toBe(2);
    expect(Array.from(loaded.arrays.w[0])).toEqual([2, 2.5]);
    // The next save completes as usual and is what a reader then takes.
    saveCheckpoint(dir, at(3));
    expect(loadCheckpoint(dir, reader).progress.step).toBe(3);
  });

  it("counts a folder's first save cut there as a checkpoint", () => {
    const dir = cutSave('first', null, at(4));
    expect(hasCheckpoint(dir)).toBe(true);
    expect(loadCheckpoint(dir, reader).progress.step).toBe(4);
  });

  it('ignores temporary files of a save cut before its renames', () => {
    const dir = join(root, 'before');
    saveCheckpoint(dir, at(5));
    saveCheckpoint(join(root, 'before-whole'), at(6));
    copyFileSync(join(root, 'before-whole', 'tensors.bin'), join(dir, 'tensors.bin.tmp'));
    copyFileSync(join(root, 'before-whole', 'checkpoint.json'), join(dir, 'checkpoint.json.tmp'));
    expect(loadCheckpoint(dir, reader).progress.step).toBe(5);
  });
});
