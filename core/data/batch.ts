/**
 * Minibatches as plain arrays (the trainer wraps them into tensors): images as floats in [0, 1], flattened to
 * [B, H*W*C] in NHWC order, and labels as Int32Array. The sampler walks seeded epochs forever.
 */
import type { Rng } from '../engine/random.ts';
import { pixelsPerImage } from './dataset.ts';
import type { Dataset, Inputs } from './types.ts';

export interface Batch {
  /** B*H*W*C floats in [0, 1]. */
  readonly x: Float32Array;
  /** B labels (output units). */
  readonly y: Int32Array;
  readonly size: number;
}

/** Byte → input lookup tables, one per scale (255 for pixels, 1 for binary grids). */
const tables = new Map<number, Float32Array>();
function byteTable(scale: number): Float32Array {
  let table = tables.get(scale);
  if (!table) {
    table = Float32Array.from({ length: 256 }, (_, v) => Math.min(1, v / scale));
    tables.set(scale, table);
  }
  return table;
}

/**
 * The images and labels at `indices`. Pass `into` (a batch of the same size) to reuse its buffers instead of
 * allocating new ones.
 */
export function fillBatch(dataset: Dataset, indices: ArrayLike<number>, into?: Batch): Batch {
  const b = indices.length;
  if (into && into.size !== b) throw new Error(`fillBatch: reusing a batch of ${into.size} for ${b} indices`);
  const x = fillInputs(dataset, indices, into?.x);
  const y = into?.y ?? new Int32Array(b);
  for (let k = 0; k < b; k++) y[k] = dataset.y[indices[k]];
  return { x, y, size: b };
}

/** The inputs at `indices` as floats in [0, 1], flattened to [B, H*W*C]; into `into` when given. */
export function fillInputs(inputs: Inputs, indices: ArrayLike<number>, into?: Float32Array): Float32Array {
  const size = pixelsPerImage(inputs.shape);
  const b = indices.length;
  const x = into ?? new Float32Array(b * size);
  if (x.length !== b * size) throw new Error(`fillBatch: reused image buffer holds ${x.length} floats, need ${b * size}`);
  const toUnit = byteTable(inputs.scale ?? 255);
  for (let k = 0; k < b; k++) {
    const i = indices[k];
    if (!(i >= 0 && i < inputs.n)) throw new Error(`fillBatch: index ${i} out of range 0..${inputs.n - 1}`);
    const src = i * size;
    const dst = k * size;
    for (let p = 0; p < size; p++) x[dst + p] = toUnit[inputs.x[src + p]];
  }
  return x;
}

/**
 * An endless stream of minibatches of indices into a dataset of n samples. Each epoch is a fresh seeded
 * permutation, so every sample is drawn exactly once per epoch; a batch that runs past the end of an epoch is
 * completed from the next one, so every batch is full even when n < batchSize.
 */
export class EpochSampler implements Iterable<Int32Array> {
  private order: Int32Array;
  private position = 0;
  /** Completed epochs. */
  epoch = 0;

  constructor(
    readonly n: number,
    readonly batchSize: number,
    private readonly rng: Rng,
  ) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`EpochSampler: n must be a positive integer, got ${n}`);
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new Error(`EpochSampler: batchSize must be a positive integer, got ${batchSize}`);
    }
    this.order = rng.permutation(n);
  }

  nextBatch(): Int32Array {
    const batch = new Int32Array(this.batchSize);
    for (let k = 0; k < this.batchSize; k++) {
      if (this.position === this.n) {
        this.order = this.rng.permutation(this.n);
        this.position = 0;
        this.epoch++;
      }
      batch[k] = this.order[this.position++];
    }
    return batch;
  }

  *[Symbol.iterator](): Iterator<Int32Array> {
    for (;;) yield this.nextBatch();
  }
}
