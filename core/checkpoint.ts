/**
 * Checkpoints: a directory holding `checkpoint.json` (the run config, where the run stands, the results so
 * far and an index of the arrays) and `tensors.bin` (every array, float32, back to back). Written after each
 * task to temporary names and renamed, so a run killed mid-write leaves the previous checkpoint intact.
 * A corrupt file (wrong length, checksum mismatch) or a checkpoint of another config is a clear error.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { parseRunConfig, sameRun, type RunConfig } from './config.ts';

export const CHECKPOINT_VERSION = 1;

export interface CheckpointData<Progress> {
  readonly config: RunConfig;
  /** Where the run stands and what it measured (JSON-safe). */
  readonly progress: Progress;
  /** Named groups of arrays: weights, optimiser moments, regulariser anchors. */
  readonly arrays: Record<string, Float32Array[]>;
}

const manifestSchema = z.object({
  version: z.literal(CHECKPOINT_VERSION),
  config: z.unknown(),
  progress: z.unknown(),
  sha256: z.string().length(64),
  bytes: z.number().int().nonnegative(),
  arrays: z.record(z.string(), z.array(z.object({ offset: z.number().int(), length: z.number().int() }))),
});

export function saveCheckpoint<P>(dir: string, data: CheckpointData<P>): void {
  mkdirSync(dir, { recursive: true });
  const index: Record<string, { offset: number; length: number }[]> = {};
  let total = 0;
  for (const [name, list] of Object.entries(data.arrays)) {
    index[name] = list.map((a) => {
      const entry = { offset: total, length: a.length };
      total += a.length;
      return entry;
    });
  }
  const blob = new Float32Array(total);
  for (const [name, list] of Object.entries(data.arrays)) list.forEach((a, i) => blob.set(a, index[name][i].offset));
  const bytes = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const manifest = {
    version: CHECKPOINT_VERSION,
    config: data.config,
    progress: data.progress,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    bytes: bytes.length,
    arrays: index,
  };
  writeFileSync(join(dir, 'tensors.bin.tmp'), bytes);
  writeFileSync(join(dir, 'checkpoint.json.tmp'), JSON.stringify(manifest));
  renameSync(join(dir, 'tensors.bin.tmp'), join(dir, 'tensors.bin'));
  renameSync(join(dir, 'checkpoint.json.tmp'), join(dir, 'checkpoint.json'));
}

export function hasCheckpoint(dir: string): boolean {
  return existsSync(join(dir, 'checkpoint.json'));
}

/** Loads a checkpoint; `expected` (when given) must describe the same run as the checkpoint's config. */
export function loadCheckpoint<P>(dir: string, expected?: RunConfig): CheckpointData<P> {
  const manifestPath = join(dir, 'checkpoint.json');
  const blobPath = join(dir, 'tensors.bin');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (error) {
    throw new Error(`${manifestPath}: not a readable checkpoint (${(error as Error).message})`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${manifestPath}: not a dgr checkpoint v${CHECKPOINT_VERSION}: ${issue.path.join('.')}: ${issue.message}`);
  }
  const manifest = parsed.data;
  const config = parseRunConfig(manifest.config, manifestPath);
  if (expected && !sameRun(config, expected)) {
    throw new Error(`${manifestPath}: the checkpoint belongs to a different run config; resume with the same settings or another --out`);
  }
  if (!existsSync(blobPath)) throw new Error(`${blobPath}: missing (the checkpoint is incomplete)`);
  const bytes = readFileSync(blobPath);
  if (bytes.length !== manifest.bytes) {
    throw new Error(`${blobPath}: expected ${manifest.bytes} bytes, found ${bytes.length} (truncated or replaced)`);
  }
  if (createHash('sha256').update(bytes).digest('hex') !== manifest.sha256) {
    throw new Error(`${blobPath}: checksum mismatch (the file is corrupt)`);
  }
  const blob = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const arrays: Record<string, Float32Array[]> = {};
  for (const [name, list] of Object.entries(manifest.arrays)) {
    arrays[name] = list.map(({ offset, length }) => {
      if (offset + length > blob.length) throw new Error(`${manifestPath}: array ${name} lies outside tensors.bin`);
      return blob.slice(offset, offset + length);
    });
  }
  return { config, progress: manifest.progress as P, arrays };
}
