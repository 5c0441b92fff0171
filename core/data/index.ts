/** The data layer in one import: task streams, datasets and batches, all plain bytes and numbers (no tensors). */
export * from './types.ts';
export { labelHistogram, limitSplits, makeDataset, pixelsPerImage, select, subset, type Limit } from './dataset.ts';
export { IdxFormatError, parseIdxImages, parseIdxLabels, readIdxFile, readIdxImages, readIdxLabels, type IdxImages } from './idx.ts';
export { defaultMnistDir, loadMnist, MNIST_FILES, MNIST_SHAPE, type MnistSplits } from './mnist.ts';
export {
  activeUnits,
  checkClassOrder,
  mnistPermutations,
  permutedMnist,
  permutePixels,
  splitMnist,
  type PermutedMnistOptions,
  type SplitMnistOptions,
} from './streams.ts';
export { MatFormatError, parseMat, readMatFile, type MatClass, type MatVariable } from './mat.ts';
export * from './domains/index.ts';
export { EpochSampler, fillBatch, type Batch } from './batch.ts';
