/**
 * A tiny MATLAB Level 5 MAT-file writer for test fixtures: numeric arrays only, either plain miMATRIX elements or
 * each wrapped in miCOMPRESSED, in either byte order. Short data (names like "X", a couple of bytes of values) uses
 * the small data element format, as MATLAB does.
 */
import { deflateSync } from 'node:zlib';
import { MI } from '../../../core/data/mat.ts';

export interface FixtureVariable {
  readonly name: string;
  /** Array class (MX.*). */
  readonly classId: number;
  readonly dims: readonly number[];
  /** Storage type of the real part (MI.*), which may be narrower than the class. */
  readonly storage: number;
  /** Values in column-major order. */
  readonly values: ArrayLike<number>;
}

export interface WriteOptions {
  readonly compress?: boolean;
  readonly bigEndian?: boolean;
  readonly headerText?: string;
}

const BYTES: Record<number, number> = {
  [MI.INT8]: 1, [MI.UINT8]: 1, [MI.INT16]: 2, [MI.UINT16]: 2, [MI.INT32]: 4, [MI.UINT32]: 4,
  [MI.SINGLE]: 4, [MI.DOUBLE]: 8,
};

function encodeValues(type: number, values: ArrayLike<number>, le: boolean): Uint8Array {
  const width = BYTES[type];
  const out = new Uint8Array(values.length * width);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const at = i * width;
    switch (type) {
      case MI.INT8: view.setInt8(at, v); break;
      case MI.UINT8: view.setUint8(at, v); break;
      case MI.INT16: view.setInt16(at, v, le); break;
      case MI.UINT16: view.setUint16(at, v, le); break;
      case MI.INT32: view.setInt32(at, v, le); break;
      case MI.UINT32: view.setUint32(at, v, le); break;
      case MI.SINGLE: view.setFloat32(at, v, le); break;
      case MI.DOUBLE: view.setFloat64(at, v, le); break;
      default: throw new Error(`fixture writer: storage type ${type} not supported`);
    }
  }
  return out;
}

/** One data element: small format when the data fits in 4 bytes, else tag + data padded to 8 bytes. */
export function element(type: number, data: Uint8Array, le: boolean): Uint8Array {
  if (data.length <= 4 && type !== MI.MATRIX && type !== MI.COMPRESSED) {
    const out = new Uint8Array(8);
    new DataView(out.buffer).setUint32(0, ((data.length << 16) | type) >>> 0, le);
    out.set(data, 4);
    return out;
  }
  const padded = type === MI.COMPRESSED ? data.length : Math.ceil(data.length / 8) * 8;
  const out = new Uint8Array(8 + padded);
  const view = new DataView(out.buffer);
  view.setUint32(0, type, le);
  view.setUint32(4, data.length, le);
  out.set(data, 8);
  return out;
}

const concat = (parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** The miMATRIX element of one numeric variable. */
export function matrixElement(variable: FixtureVariable, le: boolean): Uint8Array {
  const flags = new Uint8Array(8);
  new DataView(flags.buffer).setUint32(0, variable.classId, le);
  const dims = new Uint8Array(variable.dims.length * 4);
  variable.dims.forEach((d, i) => new DataView(dims.buffer).setInt32(i * 4, d, le));
  const body = concat([
    element(MI.UINT32, flags, le),
    element(MI.INT32, dims, le),
    element(MI.INT8, new TextEncoder().encode(variable.name), le),
    element(variable.storage, encodeValues(variable.storage, variable.values, le), le),
  ]);
  return element(MI.MATRIX, body, le);
}

export function header(le: boolean, text = 'MATLAB 5.0 MAT-file, written by the dgr test fixtures'): Uint8Array {
  const out = new Uint8Array(128).fill(0x20);
  out.set(new TextEncoder().encode(text).subarray(0, 116));
  out.fill(0, 116, 124);
  const view = new DataView(out.buffer);
  view.setUint16(124, 0x0100, le);
  out.set(new TextEncoder().encode(le ? 'IM' : 'MI'), 126);
  return out;
}

export function writeMat(variables: readonly FixtureVariable[], options: WriteOptions = {}): Uint8Array {
  const le = !options.bigEndian;
  const elements = variables.map((v) => {
    const matrix = matrixElement(v, le);
    return options.compress ? element(MI.COMPRESSED, deflateSync(matrix), le) : matrix;
  });
  return concat([header(le, options.headerText), ...elements]);
}
