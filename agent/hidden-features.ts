/**
 * The features hidden replay replays (van de Ven, Siegelmann & Tolias 2020's "internal replay"; Daniels et al.
 * 2022 found replay of hidden features the best of their replays for RL): the scholar's convolution is the first
 * game's learner's, frozen, so a feature means the same on every game; its generator learns the convolution's
 * features of each game instead of the frames, and its dreams go through the layers above the convolution.
 *
 * core's generators learn inputs held as bytes and read in [0, 1]. A feature is kept as its share of its
 * channel's largest value on the first game's observations (a byte; a later game's larger values clip at 1), and
 * a dream is read back by that scale.
 */
import * as tf from '@tensorflow/tfjs-core';
import { floatArrays, type CheckpointArray } from '../core/checkpoint.ts';
import type { Inputs } from '../core/data/types.ts';
import { readWeights, writeWeights } from '../core/nn/weights.ts';
import type { Solver } from '../core/solvers/solver.ts';
import { GRID, OBSERVATION_SIZE } from '../env/layout.ts';
import { observationTensor, qNetworkOf } from './network.ts';

/** Observations pass through the convolution this many at a time (bounds the memory of a 20 000-frame game). */
const CHUNK = 2_000;

export class FeatureCode {
  /** Per channel, its largest feature on the first game (null until `fit`). */
  private scale: Float32Array | null = null;

  constructor(readonly channels: number) {}

  /** The shape of a game's features, as core's generators take inputs: the grid with one channel per filter. */
  get shape(): readonly [number, number, number] {
    return [GRID, GRID, this.channels];
  }

  /** Sets the scale from the first game's observations, through `scholar`'s (frozen) convolution. */
  fit(scholar: Solver, observations: Uint8Array): void {
    const scale = new Float32Array(this.channels);
    forEachChunk(scholar, observations, (features) => {
      for (let i = 0; i < features.length; i++) scale[i % this.channels] = Math.max(scale[i % this.channels], features[i]);
    });
    // A filter silent on the first game (all features 0) keeps scale 1: its later values stay as they are, clipped.
    this.scale = scale.map((s) => (s > 0 ? s : 1));
  }

  /** A game's features as core's inputs for the generator: bytes of feature / scale, clipped to [0, 1]. */
  inputs(scholar: Solver, observations: Uint8Array): Inputs {
    const scale = this.fitted();
    const n = observations.length / OBSERVATION_SIZE;
    const size = GRID * GRID * this.channels;
    const x = new Uint8Array(n * size);
    let row = 0;
    forEachChunk(scholar, observations, (features) => {
      for (let i = 0; i < features.length; i++) x[row * size + i] = Math.round(Math.min(1, features[i] / scale[i % this.channels]) * 255);
      row += features.length / size;
    });
    return { x, n, shape: this.shape, scale: 255 };
  }

  /** Dreams [n, 100 · channels] in [0, 1] as features, in the convolution's units. */
  decode(dreams: tf.Tensor2D): tf.Tensor2D {
    const scale = this.fitted();
    return tf.tidy(() => tf.mul(dreams, tf.reshape(tf.tile(tf.tensor1d(scale), [GRID * GRID]), [1, -1])) as tf.Tensor2D);
  }

  arrays(): Record<string, CheckpointArray[]> {
    return this.scale ? { featureScale: [this.scale] } : {};
  }

  restore(arrays: Record<string, CheckpointArray[]>): void {
    const saved = floatArrays(arrays, 'featureScale')?.[0];
    if (saved && saved.length !== this.channels) throw new Error(`checkpoint: hidden replay's feature scale has ${saved.length} channels, the network ${this.channels}`);
    this.scale = saved ?? null;
  }

  private fitted(): Float32Array {
    if (!this.scale) throw new Error('hidden replay: the feature scale is set on the first game, before anything is replayed');
    return this.scale;
  }
}

/** Copies the learner's convolution into the scholar's (whose optimiser leaves it frozen from then on). */
export function adoptConvolution(scholar: Solver, learner: Solver): void {
  const owner = "hidden replay: the scholar's convolution (it takes the learner's network channels)";
  writeWeights(qNetworkOf(scholar).featureVariables(), readWeights(qNetworkOf(learner).featureVariables()), owner);
}

/** The convolution's features of `observations`, a chunk at a time (flat HWC rows). */
function forEachChunk(scholar: Solver, observations: Uint8Array, visit: (features: Float32Array) => void): void {
  const network = qNetworkOf(scholar);
  const n = observations.length / OBSERVATION_SIZE;
  for (let start = 0; start < n; start += CHUNK) {
    const count = Math.min(CHUNK, n - start);
    const chunk = observations.subarray(start * OBSERVATION_SIZE, (start + count) * OBSERVATION_SIZE);
    const features = tf.tidy(() => network.features(observationTensor(chunk, count)));
    visit(features.dataSync() as Float32Array);
    features.dispose();
  }
}
