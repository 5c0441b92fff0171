/**
 * A reader for the parts of the MATLAB Level 5 MAT-file format that numeric datasets use (SVHN's
 * train_32x32.mat / test_32x32.mat among them):
 *   - a 128-byte header: descriptive text, subsystem offset, version 0x0100, endian indicator "IM"/"MI";
 *   - data elements: an 8-byte tag (type, byte count) then the data padded to 8 bytes, or the small element
 *     format (type and count packed in 4 bytes, up to 4 data bytes);
 *   - miCOMPRESSED elements: a zlib stream holding one element, not padded;
 *   - miMATRIX elements: array flags (class, complex), dimensions, name, real part (and imaginary part), where the
 *     real part's storage type may be narrower than the class (a double array stored as miUINT8).
 * Numeric arrays come back with their values in MATLAB's column-major order; other classes (cell, struct, char,
 * sparse, object) are listed with their class and dimensions but no data. Every error names the file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { inflateSync } from 'node:zlib';

/** Data types of element tags. */
export const MI = {
  INT8: 1,
  UINT8: 2,
  INT16: 3,
  UINT16: 4,
  INT32: 5,
  UINT32: 6,
  SINGLE: 7,
  DOUBLE: 9,
  INT64: 12,
  UINT64: 13,
  MATRIX: 14,
  COMPRESSED: 15,
  UTF8: 16,
  UTF16: 17,
  UTF32: 18,
} as const;

/** Array classes of miMATRIX flags. */
export const MX = {
  CELL: 1,
  STRUCT: 2,
  OBJECT: 3,
  CHAR: 4,
  SPARSE: 5,
  DOUBLE: 6,
  SINGLE: 7,
  INT8: 8,
  UINT8: 9,
  INT16: 10,
  UINT16: 11,
  INT32: 12,
  UINT32: 13,
  INT64: 14,
  UINT64: 15,
} as const;

const CLASS_NAMES: Record<number, MatClass> = {
  1: 'cell', 2: 'struct', 3: 'object', 4: 'char', 5: 'sparse', 6: 'double', 7: 'single', 8: 'int8', 9: 'uint8',
  10: 'int16', 11: 'uint16', 12: 'int32', 13: 'uint32', 14: 'int64', 15: 'uint64',
};

export type MatClass =
  | 'cell' | 'struct' | 'object' | 'char' | 'sparse'
  | 'double' | 'single' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64';

export type MatNumbers = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

export interface MatVariable {
  readonly name: string;
  readonly className: MatClass;
  readonly dims: readonly number[];
  readonly complex: boolean;
  /** Real part in column-major order, typed by its storage type (64-bit integers as Float64Array); null for
   *  non-numeric classes. */
  readonly real: MatNumbers | null;
}

export class MatFormatError extends Error {
  override name = 'MatFormatError';
}

/** Reads every top-level variable of a MAT-file. */
export function readMatFile(path: string): Map<string, MatVariable> {
  if (!existsSync(path)) throw new MatFormatError(`${basename(path)}: file not found at ${path}`);
  return parseMat(readFileSync(path), basename(path));
}

/** Parses a MAT-file held in memory; `file` is only used in error messages. */
export function parseMat(bytes: Uint8Array, file: string): Map<string, MatVariable> {
  const fail = (what: string): never => {
    throw new MatFormatError(`${file}: ${what}`);
  };
  if (bytes.length < 128) fail(`${bytes.length} bytes is too short for a MAT-file header (128 bytes)`);
  const text = new TextDecoder('latin1').decode(bytes.subarray(0, 116));
  if (text.startsWith('MATLAB 7.3')) fail('is a MATLAB 7.3 (HDF5) MAT-file; only Level 5 MAT-files (v5/v6/v7) are supported');
  if (!text.startsWith('MATLAB')) fail(`not a Level 5 MAT-file (header text starts with ${JSON.stringify(text.slice(0, 20))})`);
  const indicator = String.fromCharCode(bytes[126], bytes[127]);
  if (indicator !== 'IM' && indicator !== 'MI') fail(`bad endian indicator ${JSON.stringify(indicator)} (expected "IM" or "MI")`);
  const le = indicator === 'IM';
  const version = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint16(124, le);
  if (version !== 0x0100) fail(`unsupported MAT-file version 0x${version.toString(16)} (expected 0x0100)`);

  const variables = new Map<string, MatVariable>();
  let pos = 128;
  while (pos < bytes.length) {
    const element = readElement(bytes, pos, le, fail, 'top-level element');
    let matrix: Element = element;
    if (element.type === MI.COMPRESSED) {
      let inflated: Uint8Array;
      try {
        inflated = inflateSync(element.data);
      } catch (err) {
        return fail(`compressed element at byte ${pos} does not inflate (${(err as Error).message})`);
      }
      matrix = readElement(inflated, 0, le, (what) => fail(`in compressed element at byte ${pos}: ${what}`), 'compressed element');
    }
    if (matrix.type !== MI.MATRIX) fail(`element at byte ${pos} has type ${matrix.type}, expected miMATRIX (14)`);
    const variable = parseMatrix(matrix.data, le, (what) => fail(`variable at byte ${pos}: ${what}`));
    if (variable) variables.set(variable.name, variable);
    pos = element.next;
  }
  return variables;
}

interface Element {
  readonly type: number;
  readonly data: Uint8Array;
  /** Where the following element starts. */
  readonly next: number;
}

function readElement(bytes: Uint8Array, pos: number, le: boolean, fail: (what: string) => never, what: string): Element {
  if (bytes.length - pos < 8) fail(`truncated ${what} tag at byte ${pos} (${bytes.length - pos} of 8 bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const first = view.getUint32(pos, le);
  if (first >>> 16 !== 0) {
    // Small data element: type in the low 16 bits, byte count in the high 16 bits, data in the next 4 bytes.
    const type = first & 0xffff;
    const count = first >>> 16;
    if (count > 4) fail(`small ${what} at byte ${pos} claims ${count} bytes (at most 4)`);
    return { type, data: bytes.subarray(pos + 4, pos + 4 + count), next: pos + 8 };
  }
  const type = first;
  const count = view.getUint32(pos + 4, le);
  const start = pos + 8;
  if (count > bytes.length - start) {
    fail(`${what} at byte ${pos} (type ${type}) claims ${count} bytes, only ${bytes.length - start} remain`);
  }
  // Compressed elements are not padded; every other element is padded to a multiple of 8 bytes.
  const padded = type === MI.COMPRESSED ? count : Math.ceil(count / 8) * 8;
  return { type, data: bytes.subarray(start, start + count), next: Math.min(start + padded, bytes.length) };
}

const NUMERIC_CLASSES = new Set<number>([MX.DOUBLE, MX.SINGLE, MX.INT8, MX.UINT8, MX.INT16, MX.UINT16, MX.INT32, MX.UINT32, MX.INT64, MX.UINT64]);

/** The array inside one miMATRIX element, or null for an empty element (MATLAB writes those for empty cells). */
function parseMatrix(data: Uint8Array, le: boolean, fail: (what: string) => never): MatVariable | null {
  if (data.length === 0) return null;
  const flags = readElement(data, 0, le, fail, 'array flags');
  if (flags.type !== MI.UINT32 || flags.data.length !== 8) {
    fail(`array flags have type ${flags.type} and ${flags.data.length} bytes, expected miUINT32 (6) and 8 bytes`);
  }
  const flagWord = new DataView(flags.data.buffer, flags.data.byteOffset, 8).getUint32(0, le);
  const classId = flagWord & 0xff;
  const complex = (flagWord & 0x0800) !== 0;
  const className = CLASS_NAMES[classId] ?? fail(`unknown array class ${classId}`);

  const dimsElement = readElement(data, flags.next, le, fail, 'dimensions');
  if (dimsElement.type !== MI.INT32 || dimsElement.data.length % 4 !== 0 || dimsElement.data.length < 8) {
    fail(`dimensions have type ${dimsElement.type} and ${dimsElement.data.length} bytes, expected miINT32 (5) with at least 2 values`);
  }
  const dims = Array.from(toNumbers(MI.INT32, dimsElement.data, le));
  if (dims.some((d) => d < 0)) fail(`negative dimension in [${dims.join(', ')}]`);

  const nameElement = readElement(data, dimsElement.next, le, fail, 'array name');
  if (nameElement.type !== MI.INT8 && nameElement.type !== MI.UINT8 && nameElement.type !== MI.UTF8) {
    fail(`array name has type ${nameElement.type}, expected miINT8 (1)`);
  }
  const name = new TextDecoder('utf-8').decode(nameElement.data);
  const where = (what: string): never => fail(`${name ? `"${name}"` : 'unnamed array'}: ${what}`);

  if (!NUMERIC_CLASSES.has(classId)) return { name, className, dims, complex, real: null };

  const count = dims.reduce((a, b) => a * b, 1);
  const realElement = readElement(data, nameElement.next, le, where, 'real part');
  const real = toNumbers(realElement.type, realElement.data, le, where);
  if (real.length !== count) where(`real part holds ${real.length} values, dimensions ${dims.join('×')} need ${count}`);
  if (complex) {
    const imag = readElement(data, realElement.next, le, where, 'imaginary part');
    const values = toNumbers(imag.type, imag.data, le, where);
    if (values.length !== count) where(`imaginary part holds ${values.length} values, dimensions ${dims.join('×')} need ${count}`);
  }
  return { name, className, dims, complex, real };
}

const STORAGE: Record<number, { bytes: number; make: (n: number) => MatNumbers; get: (v: DataView, at: number, le: boolean) => number }> = {
  [MI.INT16]: { bytes: 2, make: (n) => new Int16Array(n), get: (v, at, le) => v.getInt16(at, le) },
  [MI.UINT16]: { bytes: 2, make: (n) => new Uint16Array(n), get: (v, at, le) => v.getUint16(at, le) },
  [MI.INT32]: { bytes: 4, make: (n) => new Int32Array(n), get: (v, at, le) => v.getInt32(at, le) },
  [MI.UINT32]: { bytes: 4, make: (n) => new Uint32Array(n), get: (v, at, le) => v.getUint32(at, le) },
  [MI.SINGLE]: { bytes: 4, make: (n) => new Float32Array(n), get: (v, at, le) => v.getFloat32(at, le) },
  [MI.DOUBLE]: { bytes: 8, make: (n) => new Float64Array(n), get: (v, at, le) => v.getFloat64(at, le) },
  [MI.INT64]: { bytes: 8, make: (n) => new Float64Array(n), get: (v, at, le) => Number(v.getBigInt64(at, le)) },
  [MI.UINT64]: { bytes: 8, make: (n) => new Float64Array(n), get: (v, at, le) => Number(v.getBigUint64(at, le)) },
};

/** The values of a numeric element. 8-bit data is a view (no copy); wider types are decoded with the file's
 *  byte order (the data may sit at any alignment). */
function toNumbers(type: number, data: Uint8Array, le: boolean, fail?: (what: string) => never): MatNumbers {
  if (type === MI.UINT8) return data;
  if (type === MI.INT8) return new Int8Array(data.buffer, data.byteOffset, data.length);
  const storage = STORAGE[type];
  const raise = fail ?? ((what: string): never => { throw new MatFormatError(what); });
  if (!storage) return raise(`storage type ${type} is not numeric`);
  if (data.length % storage.bytes !== 0) raise(`${data.length} bytes is not a whole number of ${storage.bytes}-byte values`);
  const n = data.length / storage.bytes;
  const out = storage.make(n);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i < n; i++) out[i] = storage.get(view, i * storage.bytes, le);
  return out;
}
