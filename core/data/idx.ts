/**
 * Reader for the IDX files MNIST ships in (big-endian header, unsigned bytes):
 *   images: magic 2051 (0x00000803), count, rows, cols, then count*rows*cols pixels
 *   labels: magic 2049 (0x00000801), count, then count labels
 * Every check names the file and what is wrong with it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';

export const IDX_IMAGES_MAGIC = 2051;
export const IDX_LABELS_MAGIC = 2049;

export interface IdxImages {
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
  /** count*rows*cols bytes, row-major. */
  readonly pixels: Uint8Array;
}

export class IdxFormatError extends Error {
  override name = 'IdxFormatError';
}

/** Parses an IDX image file held in memory; `file` is only used in error messages. */
export function parseIdxImages(bytes: Uint8Array, file: string): IdxImages {
  if (bytes.length < 16) {
    throw new IdxFormatError(`${file}: ${bytes.length} bytes is too short for an IDX image header (16 bytes)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (magic !== IDX_IMAGES_MAGIC) {
    throw new IdxFormatError(`${file}: magic number ${magic} is not ${IDX_IMAGES_MAGIC} (an IDX file of unsigned-byte images)`);
  }
  const count = view.getUint32(4);
  const rows = view.getUint32(8);
  const cols = view.getUint32(12);
  if (count === 0 || rows === 0 || cols === 0) {
    throw new IdxFormatError(`${file}: empty dimensions (${count} images of ${rows}×${cols})`);
  }
  const expected = 16 + count * rows * cols;
  if (bytes.length !== expected) {
    throw new IdxFormatError(
      `${file}: expected ${expected} bytes for ${count} images of ${rows}×${cols}, found ${bytes.length}`,
    );
  }
  return { count, rows, cols, pixels: bytes.subarray(16) };
}

/** Parses an IDX label file held in memory; `file` is only used in error messages. */
export function parseIdxLabels(bytes: Uint8Array, file: string): Uint8Array {
  if (bytes.length < 8) {
    throw new IdxFormatError(`${file}: ${bytes.length} bytes is too short for an IDX label header (8 bytes)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (magic !== IDX_LABELS_MAGIC) {
    throw new IdxFormatError(`${file}: magic number ${magic} is not ${IDX_LABELS_MAGIC} (an IDX file of unsigned-byte labels)`);
  }
  const count = view.getUint32(4);
  const expected = 8 + count;
  if (bytes.length !== expected) {
    throw new IdxFormatError(`${file}: expected ${expected} bytes for ${count} labels, found ${bytes.length}`);
  }
  return bytes.subarray(8);
}

/**
 * The bytes of `path`, or of `path.gz` (gunzipped) when only the compressed copy exists, as the files are
 * distributed. A missing file is an error that names both places looked at.
 */
export function readIdxFile(path: string): Uint8Array {
  if (existsSync(path)) return plainBytes(readFileSync(path));
  if (existsSync(`${path}.gz`)) {
    try {
      return plainBytes(gunzipSync(readFileSync(`${path}.gz`)));
    } catch (err) {
      throw new IdxFormatError(`${basename(path)}.gz: not a valid gzip file (${(err as Error).message})`);
    }
  }
  throw new IdxFormatError(`${basename(path)}: file not found (looked for ${path} and ${path}.gz)`);
}

/** A plain Uint8Array view of a Buffer, so datasets hold one array type whatever their source. */
function plainBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
}

export function readIdxImages(path: string): IdxImages {
  return parseIdxImages(readIdxFile(path), basename(path));
}

export function readIdxLabels(path: string): Uint8Array {
  return parseIdxLabels(readIdxFile(path), basename(path));
}
