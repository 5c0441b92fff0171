import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSvhn, readSvhnFile, svhnFromMat } from '../../core/data/domains/svhn.ts';
import { MI, MX, parseMat } from '../../core/data/mat.ts';
import { element, header, writeMat, type FixtureVariable, type WriteOptions } from './helpers/mat-writer.ts';

/** A known value for every element X(r, c, ch, n) of a fixture. */
const pixel = (r: number, c: number, ch: number, n: number) => (r * 7 + c * 3 + ch * 50 + n * 11) % 256;

/** SVHN-like variables: X 32×32×3×n uint8 in column-major order, y n×1 with 10 meaning digit 0. */
function svhnVariables(labels: number[], yStorage: number = MI.DOUBLE): FixtureVariable[] {
  const n = labels.length;
  const X = new Uint8Array(32 * 32 * 3 * n);
  for (let i = 0; i < n; i++)
    for (let ch = 0; ch < 3; ch++)
      for (let c = 0; c < 32; c++) for (let r = 0; r < 32; r++) X[r + 32 * c + 1024 * ch + 3072 * i] = pixel(r, c, ch, i);
  return [
    { name: 'X', classId: MX.UINT8, dims: [32, 32, 3, n], storage: MI.UINT8, values: X },
    { name: 'y', classId: MX.DOUBLE, dims: [n, 1], storage: yStorage, values: labels },
  ];
}

const variants: [string, WriteOptions, number][] = [
  ['uncompressed, labels stored as doubles', {}, MI.DOUBLE],
  ['miCOMPRESSED, double labels stored as uint8', { compress: true }, MI.UINT8],
  ['big-endian, labels stored as int16', { bigEndian: true }, MI.INT16],
  ['big-endian and compressed', { bigEndian: true, compress: true }, MI.DOUBLE],
];

describe('parseMat on generated fixtures', () => {
  for (const [label, options, yStorage] of variants) {
    it(`reads SVHN-like X and y (${label})`, () => {
      const bytes = writeMat(svhnVariables([10, 3, 1], yStorage), options);
      const variables = parseMat(bytes, 'fixture.mat');
      expect([...variables.keys()]).toEqual(['X', 'y']);
      const X = variables.get('X')!;
      expect(X.className).toBe('uint8');
      expect(X.dims).toEqual([32, 32, 3, 3]);
      expect(X.real![5 + 32 * 9 + 1024 * 2 + 3072 * 1]).toBe(pixel(5, 9, 2, 1));
      const y = variables.get('y')!;
      expect(y.className).toBe('double');
      expect(Array.from(y.real!)).toEqual([10, 3, 1]);

      const dataset = svhnFromMat(variables, 'fixture.mat');
      expect(dataset.n).toBe(3);
      expect(dataset.shape).toEqual([32, 32, 3]);
      expect(Array.from(dataset.y)).toEqual([0, 3, 1]);
      // NHWC: image n, row r, column c, channel ch.
      const at = (n: number, r: number, c: number, ch: number) => dataset.x[n * 3072 + (r * 32 + c) * 3 + ch];
      expect(at(1, 5, 9, 2)).toBe(pixel(5, 9, 2, 1));
      expect(at(2, 31, 0, 1)).toBe(pixel(31, 0, 1, 2));
      expect(at(0, 0, 31, 0)).toBe(pixel(0, 31, 0, 0));
      // Row and column are not swapped: these two differ for this fixture.
      expect(pixel(5, 9, 2, 1)).not.toBe(pixel(9, 5, 2, 1));
      let wrong = 0;
      for (let n = 0; n < 3; n++)
        for (let r = 0; r < 32; r++) for (let c = 0; c < 32; c++) for (let ch = 0; ch < 3; ch++) if (at(n, r, c, ch) !== pixel(r, c, ch, n)) wrong++;
      expect(wrong).toBe(0);
    });
  }

  it('decodes each storage type, including values narrower than their class', () => {
    const bytes = writeMat([
      { name: 'a', classId: MX.DOUBLE, dims: [2, 3], storage: MI.INT16, values: [-3, 1, 2, 300, -32768, 7] },
      { name: 'b', classId: MX.SINGLE, dims: [1, 2], storage: MI.SINGLE, values: [0.5, -2.25] },
      { name: 'c', classId: MX.INT32, dims: [1, 1], storage: MI.INT32, values: [-123456] },
      { name: 'd', classId: MX.DOUBLE, dims: [1, 2], storage: MI.INT8, values: [-1, 5] },
      { name: 'eleven_chars', classId: MX.UINT16, dims: [1, 3], storage: MI.UINT16, values: [65535, 0, 9] },
    ], { compress: true });
    const v = parseMat(bytes, 'types.mat');
    expect(Array.from(v.get('a')!.real!)).toEqual([-3, 1, 2, 300, -32768, 7]);
    expect(v.get('a')!.dims).toEqual([2, 3]);
    expect(Array.from(v.get('b')!.real!)).toEqual([0.5, -2.25]);
    expect(Array.from(v.get('c')!.real!)).toEqual([-123456]);
    expect(Array.from(v.get('d')!.real!)).toEqual([-1, 5]);
    expect(Array.from(v.get('eleven_chars')!.real!)).toEqual([65535, 0, 9]);
  });

  it('lists non-numeric arrays without data', () => {
    const le = true;
    const flags = new Uint8Array(8);
    flags[0] = MX.CELL;
    const dims = new Uint8Array(8);
    new DataView(dims.buffer).setInt32(0, 0, le);
    const body = new Uint8Array([...element(MI.UINT32, flags, le), ...element(MI.INT32, dims, le), ...element(MI.INT8, new TextEncoder().encode('cc'), le)]);
    const bytes = new Uint8Array([...header(le), ...element(MI.MATRIX, body, le), ...writeMat(svhnVariables([1])).subarray(128)]);
    const v = parseMat(bytes, 'cells.mat');
    expect(v.get('cc')).toMatchObject({ className: 'cell', real: null });
    expect(v.get('X')!.dims).toEqual([32, 32, 3, 1]);
  });
});

describe('malformed MAT-files are named with what is wrong', () => {
  const good = writeMat(svhnVariables([1, 2]));

  it('too short, not a MAT-file, HDF5 (v7.3), bad endian indicator', () => {
    expect(() => parseMat(good.subarray(0, 60), 'a.mat')).toThrow('a.mat: 60 bytes is too short for a MAT-file header (128 bytes)');
    const text = good.slice();
    text.set(new TextEncoder().encode('HELLO'), 0);
    expect(() => parseMat(text, 'b.mat')).toThrow(/b\.mat: not a Level 5 MAT-file/);
    expect(() => parseMat(writeMat([], { headerText: 'MATLAB 7.3 MAT-file, Platform: GLNXA64' }), 'c.mat')).toThrow(/c\.mat: is a MATLAB 7\.3 \(HDF5\) MAT-file/);
    const endian = good.slice();
    endian[126] = 0x41;
    expect(() => parseMat(endian, 'd.mat')).toThrow(/d\.mat: bad endian indicator/);
  });

  it('truncated data', () => {
    expect(() => parseMat(good.subarray(0, 3000), 'short.mat')).toThrow(/short\.mat: top-level element at byte 128 \(type 14\) claims \d+ bytes, only 2864 remain/);
    expect(() => parseMat(good.subarray(0, 132), 'tag.mat')).toThrow(/tag\.mat: truncated top-level element tag at byte 128/);
  });

  it('a compressed element that does not inflate', () => {
    const broken = writeMat(svhnVariables([1]), { compress: true });
    broken.fill(0x55, 140, 160);
    expect(() => parseMat(broken, 'z.mat')).toThrow(/z\.mat: compressed element at byte 128 does not inflate/);
  });

  it('a real part whose length does not match the dimensions', () => {
    const bytes = writeMat([{ name: 'X', classId: MX.UINT8, dims: [32, 32, 3, 2], storage: MI.UINT8, values: new Uint8Array(3072) }]);
    expect(() => parseMat(bytes, 'n.mat')).toThrow('n.mat: variable at byte 128: "X": real part holds 3072 values, dimensions 32×32×3×2 need 6144');
  });

  it('a compressed element holding something other than an array', () => {
    const le = true;
    const inner = element(MI.DOUBLE, new Uint8Array(8), le);
    const bytes = new Uint8Array([...header(le), ...element(MI.COMPRESSED, deflateSync(inner), le)]);
    expect(() => parseMat(bytes, 'w.mat')).toThrow('w.mat: element at byte 128 has type 9, expected miMATRIX (14)');
  });

  it('SVHN variables that are missing or have the wrong shape or labels', () => {
    const [X, y] = svhnVariables([1, 2]);
    const check = (vars: FixtureVariable[]) => () => svhnFromMat(parseMat(writeMat(vars), 's.mat'), 's.mat');
    expect(check([X])).toThrow('s.mat: no variable y (found: X)');
    expect(check([{ ...X, dims: [32, 3, 32, 2] }, y])).toThrow('s.mat: X has dimensions 32×3×32×2, expected 32×32×3×N');
    expect(check([X, { ...y, dims: [3, 1], values: [1, 2, 3] }])).toThrow('s.mat: y has dimensions 3×1, expected 2×1 (one label per image of X)');
    expect(check([X, { ...y, values: [1, 0] }])).toThrow('s.mat: y holds 0 at index 1, expected labels 1-10');
    expect(check([X, { ...y, values: [11, 2] }])).toThrow('s.mat: y holds 11 at index 0, expected labels 1-10');
  });
});

describe('loadSvhn', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dgr-svhn-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads train and test files from a folder', () => {
    writeFileSync(join(dir, 'train_32x32.mat'), writeMat(svhnVariables([10, 4, 10, 7]), { compress: true }));
    writeFileSync(join(dir, 'test_32x32.mat'), writeMat(svhnVariables([2, 10])));
    const { train, test } = loadSvhn({ dir });
    expect(Array.from(train.y)).toEqual([0, 4, 0, 7]);
    expect(Array.from(test.y)).toEqual([2, 0]);
    expect(train.x[3 * 3072 + (7 * 32 + 20) * 3 + 1]).toBe(pixel(7, 20, 1, 3));
    expect(loadSvhn({ dir })).toEqual({ train, test });
  });

  it('says where to put a missing file and where to get it', () => {
    const empty = mkdtempSync(join(tmpdir(), 'dgr-svhn-empty-'));
    try {
      expect(() => loadSvhn({ dir: empty })).toThrow(
        new RegExp(`SVHN file not found: .*train_32x32\\.mat\\. Download train_32x32\\.mat and test_32x32\\.mat .*http://ufldl\\.stanford\\.edu/housenumbers/ and put them in ${empty}`),
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('names a malformed file', () => {
    const path = join(dir, 'broken.mat');
    writeFileSync(path, writeMat(svhnVariables([1])).subarray(0, 500));
    expect(() => readSvhnFile(path)).toThrow(/^broken\.mat: top-level element at byte 128/);
  });
});
