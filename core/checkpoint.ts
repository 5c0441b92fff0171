/**
 * Checkpoints: a directory holding `checkpoint.json` (the run's config, where the run stands, the results so
 * far and an index of the arrays) and `tensors.bin` (every array back to back, float32 or uint8 as it was
 * given). Written to temporary names and renamed, so a run killed mid-write leaves the previous checkpoint
 * intact; one killed between the two renames leaves the new tensors under their name and the new manifest under
 * its temporary one, which a reader then takes (`manifestOf` below). One SHA-256 covers the whole checkpoint —
 * config, progress, array index and bytes — so an edited accuracy row or task index is refused like a flipped byte. A checkpoint of another config is a clear error.
 *
 * The format knows nothing of what is being trained: the caller passes how to parse its config (and its
 * progress), so the classification loop and the RL agent store their runs the same way.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { z } from 'zod';

export const CHECKPOINT_VERSION = 2;

export type CheckpointArray = Float32Array | Uint8Array;

export interface CheckpointData<Config, Progress> {
  readonly config: Config;
  /** Where the run stands and what it measured (JSON-safe). */
  readonly progress: Progress;
  /** Named groups of arrays: weights, optimiser moments, regulariser anchors, replay buffers (uint8). */
  readonly arrays: Record<string, CheckpointArray[]>;
}

/** How to read back a checkpoint's JSON parts: each parser validates and names what was wrong. */
export interface CheckpointReader<Config, Progress> {
  readonly parseConfig: (raw: unknown, source: string) => Config;
  /** Without it, progress is trusted as written (the checksum still covers it). */
  readonly parseProgress?: (raw: unknown, source: string) => Progress;
  /** When given, the checkpoint must describe this run: `same(saved, expected)`. */
  readonly expected?: Config;
  readonly same?: (saved: Config, expected: Config) => boolean;
}

const entrySchema = z.strictObject({
  offset: z.number().int().nonnegative(),
  length: z.number().int().nonnegative(),
  dtype: z.enum(['float32', 'uint8']),
});
type Entry = z.infer<typeof entrySchema>;

const manifestSchema = z.strictObject({
  version: z.literal(CHECKPOINT_VERSION),
  config: z.unknown(),
  progress: z.unknown(),
  sha256: z.string().length(64),
  bytes: z.number().int().nonnegative(),
  arrays: z.record(z.string(), z.array(entrySchema)),
});

const dtypeOf = (a: CheckpointArray): Entry['dtype'] => (a instanceof Uint8Array ? 'uint8' : 'float32');

/** The checksum of everything a checkpoint holds: its JSON parts (as written) and its bytes. */
function digest(config: unknown, progress: unknown, arrays: Record<string, Entry[]>, bytes: Uint8Array): string {
  return createHash('sha256')
    .update(JSON.stringify({ config, progress, arrays }))
    .update(bytes)
    .digest('hex');
}

export function saveCheckpoint<C, P>(dir: string, data: CheckpointData<C, P>): void {
  mkdirSync(dir, { recursive: true });
  const index: Record<string, Entry[]> = {};
  let total = 0;
  for (const [name, list] of Object.entries(data.arrays)) {
    index[name] = list.map((a) => {
      total = Math.ceil(total / 4) * 4; // float32 views need 4-byte alignment
      const entry = { offset: total, length: a.length, dtype: dtypeOf(a) };
      total += a.byteLength;
      return entry;
    });
  }
  const bytes = new Uint8Array(total);
  for (const [name, list] of Object.entries(data.arrays)) {
    list.forEach((a, i) => bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), index[name][i].offset));
  }
  // JSON round trip first, so the checksum covers exactly what a reader will parse.
  const config: unknown = JSON.parse(JSON.stringify(data.config));
  const progress: unknown = JSON.parse(JSON.stringify(data.progress));
  const manifest = {
    version: CHECKPOINT_VERSION,
    config,
    progress,
    sha256: digest(config, progress, index, bytes),
    bytes: bytes.length,
    arrays: index,
  };
  writeFileSync(join(dir, 'tensors.bin.tmp'), bytes);
  writeFileSync(join(dir, 'checkpoint.json.tmp'), JSON.stringify(manifest));
  renameSync(join(dir, 'tensors.bin.tmp'), join(dir, 'tensors.bin'));
  renameSync(join(dir, 'checkpoint.json.tmp'), join(dir, 'checkpoint.json'));
}

/**
 * Saves a checkpoint that several processes may write at once under one name (a cache entry two runs computed side
 * by side): written whole into a sibling folder of this writer's own, then renamed into place in one step, so a
 * reader sees no entry or a whole one and two writers never mix their files. The first writer's entry stays; a
 * later one's copy is dropped (a cache's key makes their contents the same). Returns whether this copy was kept.
 */
export function publishCheckpoint<C, P>(dir: string, data: CheckpointData<C, P>): boolean {
  const own = `${dir}.tmp-${process.pid}-${threadId}-${randomBytes(4).toString('hex')}`;
  saveCheckpoint(own, data);
  const moveIn = (): boolean => {
    try {
      renameSync(own, dir);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
      return false;
    }
  };
  if (moveIn()) return true;
  // A folder holding no checkpoint is what a writer that wrote in place left when it died: replace it.
  if (!hasCheckpoint(dir)) {
    rmSync(dir, { recursive: true, force: true });
    if (moveIn()) return true;
  }
  rmSync(own, { recursive: true, force: true });
  return false;
}

export function hasCheckpoint(dir: string): boolean {
  return existsSync(join(dir, 'checkpoint.json')) || cutBetweenRenames(dir);
}

/**
 * A save renames its tensors, then its manifest. Only between the two is `checkpoint.json.tmp` there without
 * `tensors.bin.tmp`: the save was killed there (or is there now), and that manifest is the one `tensors.bin`
 * belongs to. Read, never renamed here: a writer still between its renames must find its file where it left it.
 */
function cutBetweenRenames(dir: string): boolean {
  return existsSync(join(dir, 'checkpoint.json.tmp')) && !existsSync(join(dir, 'tensors.bin.tmp'));
}

/** The manifest that belongs to the folder's `tensors.bin`: its own, or a save's cut between its renames. */
const manifestOf = (dir: string): string => join(dir, cutBetweenRenames(dir) ? 'checkpoint.json.tmp' : 'checkpoint.json');

/** A checkpoint's progress as its manifest says, unchecked and without reading its arrays (null: no checkpoint, or
 *  an unreadable one): for a figure such as its seconds, where loading it whole would read every array. */
export function checkpointProgress(dir: string): unknown {
  try {
    return hasCheckpoint(dir) ? (JSON.parse(readFileSync(manifestOf(dir), 'utf8')) as { progress?: unknown }).progress ?? null : null;
  } catch {
    return null;
  }
}

export function loadCheckpoint<C, P>(dir: string, reader: CheckpointReader<C, P>): CheckpointData<C, P> {
  const manifestPath = manifestOf(dir);
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
    throw new Error(`${manifestPath}: not a dgr checkpoint v${CHECKPOINT_VERSION}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const manifest = parsed.data;
  if (!existsSync(blobPath)) throw new Error(`${blobPath}: missing (the checkpoint is incomplete)`);
  const bytes = new Uint8Array(readFileSync(blobPath));
  if (bytes.length !== manifest.bytes) {
    throw new Error(`${blobPath}: expected ${manifest.bytes} bytes, found ${bytes.length} (truncated or replaced)`);
  }
  if (digest(manifest.config, manifest.progress, manifest.arrays, bytes) !== manifest.sha256) {
    throw new Error(`${dir}: checksum mismatch: checkpoint.json or tensors.bin was changed or is corrupt; start the run in another folder`);
  }
  const config = reader.parseConfig(manifest.config, manifestPath);
  if (reader.expected !== undefined && reader.same && !reader.same(config, reader.expected)) {
    throw new Error(`${manifestPath}: the checkpoint belongs to a different run config; resume with the same settings or another --out`);
  }
  const progress = reader.parseProgress ? reader.parseProgress(manifest.progress, manifestPath) : (manifest.progress as P);
  const arrays: Record<string, CheckpointArray[]> = {};
  for (const [name, list] of Object.entries(manifest.arrays)) {
    arrays[name] = list.map(({ offset, length, dtype }) => {
      const size = dtype === 'uint8' ? length : length * 4;
      if (offset + size > bytes.length) throw new Error(`${manifestPath}: array ${name} lies outside tensors.bin`);
      const copy = bytes.slice(offset, offset + size);
      return dtype === 'uint8' ? copy : new Float32Array(copy.buffer);
    });
  }
  return { config, progress, arrays };
}

/** The float32 arrays of a group (weights, moments); a group stored as uint8 is an error naming it. */
export function floatArrays(arrays: Record<string, CheckpointArray[]>, name: string): Float32Array[] | undefined {
  const list = arrays[name];
  if (list === undefined) return undefined;
  if (list.some((a) => !(a instanceof Float32Array))) throw new Error(`checkpoint arrays '${name}' are not float32`);
  return list as Float32Array[];
}
