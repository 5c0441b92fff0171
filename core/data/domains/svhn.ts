/**
 * SVHN (Street View House Numbers, cropped digits) from the user's own train_32x32.mat / test_32x32.mat.
 * In those MAT-files X is a 32×32×3×N uint8 array in MATLAB's column-major order (X(row, col, channel, n)) and
 * y an N×1 array of labels 1-10, where 10 stands for the digit 0. Here images become NHWC bytes and labels 0-9.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makeDataset } from '../dataset.ts';
import { MatFormatError, readMatFile, type MatVariable } from '../mat.ts';
import type { Dataset } from '../types.ts';
import { DIGIT_DOMAIN_SHAPE } from './mnist-rgb.ts';

export const SVHN_FILES = { train: 'train_32x32.mat', test: 'test_32x32.mat' } as const;
export const SVHN_URL = 'http://ufldl.stanford.edu/housenumbers/';
/** Where SVHN is looked for when no directory is given, relative to the working directory. */
export const DEFAULT_SVHN_DIR = 'data/svhn';

export interface SvhnSplits {
  readonly train: Dataset;
  readonly test: Dataset;
}

const cache = new Map<string, SvhnSplits>();

/** The SVHN files absent from `dir` (the default folder when none is given), as full paths. */
export function missingSvhnFiles(dir?: string): string[] {
  const base = resolve(dir ?? DEFAULT_SVHN_DIR);
  return Object.values(SVHN_FILES)
    .map((file) => join(base, file))
    .filter((path) => !existsSync(path));
}

/** 73,257 training and 26,032 test images, 32×32×3 bytes, labels 0-9. Read once per directory per process. */
export function loadSvhn(options: { dir?: string } = {}): SvhnSplits {
  const dir = resolve(options.dir ?? DEFAULT_SVHN_DIR);
  const cached = cache.get(dir);
  if (cached) return cached;
  const splits = { train: readSvhnFile(join(dir, SVHN_FILES.train)), test: readSvhnFile(join(dir, SVHN_FILES.test)) };
  cache.set(dir, splits);
  return splits;
}

/** One SVHN MAT-file as a Dataset. */
export function readSvhnFile(path: string): Dataset {
  if (!existsSync(path)) {
    throw new Error(
      `SVHN file not found: ${path}. Download ${SVHN_FILES.train} and ${SVHN_FILES.test} ` +
        `(format 2, cropped digits) from ${SVHN_URL} and put them in ${resolve(path, '..')}, ` +
        `or give the folder that holds them as the run's svhnDir.`,
    );
  }
  const file = path.split(/[\\/]/).pop() ?? path;
  return svhnFromMat(readMatFile(path), file);
}

/** Converts the X and y variables of an SVHN MAT-file; `file` is only used in error messages. */
export function svhnFromMat(variables: Map<string, MatVariable>, file: string): Dataset {
  const fail = (what: string): never => {
    throw new MatFormatError(`${file}: ${what}`);
  };
  const X = variables.get('X') ?? fail(`no variable X (found: ${[...variables.keys()].join(', ') || 'none'})`);
  const Y = variables.get('y') ?? fail(`no variable y (found: ${[...variables.keys()].join(', ') || 'none'})`);
  if (!X.real) fail(`X is a ${X.className} array, expected uint8 images`);
  if (!Y.real) fail(`y is a ${Y.className} array, expected numeric labels`);
  const [h, w, c, n = 1, ...rest] = X.dims;
  if (h !== 32 || w !== 32 || c !== 3 || rest.some((d) => d !== 1)) {
    fail(`X has dimensions ${X.dims.join('×')}, expected 32×32×3×N`);
  }
  if (Y.real!.length !== n || Y.dims.filter((d) => d !== 1).length > 1) {
    fail(`y has dimensions ${Y.dims.join('×')}, expected ${n}×1 (one label per image of X)`);
  }

  const src = X.real!;
  if (!(src instanceof Uint8Array)) {
    const bad = src.findIndex((v: number) => !(v >= 0 && v <= 255 && Number.isInteger(v)));
    if (bad >= 0) fail(`X holds ${src[bad]} at element ${bad}, expected bytes 0-255`);
  }
  const size = 32 * 32 * 3;
  const x = new Uint8Array(n * size);
  // Column-major X(r, c, ch, i) sits at r + 32c + 1024ch + 3072i; NHWC puts it at 3072i + (32r + c)*3 + ch.
  let at = 0;
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < 3; ch++) {
      for (let col = 0; col < 32; col++) {
        for (let r = 0; r < 32; r++) {
          x[i * size + (r * 32 + col) * 3 + ch] = src[at++];
        }
      }
    }
  }
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const label = Y.real![i];
    if (!(Number.isInteger(label) && label >= 1 && label <= 10)) fail(`y holds ${label} at index ${i}, expected labels 1-10`);
    y[i] = label === 10 ? 0 : label;
  }
  return makeDataset(x, y, DIGIT_DOMAIN_SHAPE);
}
