/** Convolution geometries the engine's kernels are checked on (the pure wasm repairs and the OpenBLAS path alike). */
import type * as tf from '@tensorflow/tfjs-core';

export type ConvCase = {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

export const CONV_CASES: readonly ConvCase[] = [
  { name: '3x3 stride 1 same', x: [2, 7, 7, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { name: '3x3 stride 1 valid', x: [2, 7, 6, 2], filter: [3, 3, 2, 5], strides: 1, pad: 'valid' },
  { name: '4x4 stride 2 same, even input (DCGAN)', x: [3, 8, 8, 2], filter: [4, 4, 2, 3], strides: 2, pad: 'same' },
  { name: '5x5 stride 2 same, odd input', x: [2, 9, 7, 3], filter: [5, 5, 3, 2], strides: 2, pad: 'same' },
  { name: '3x3 stride 2 valid, rows left unread', x: [2, 8, 8, 2], filter: [3, 3, 2, 3], strides: 2, pad: 'valid' },
  { name: '5x3 strides [2,1], numeric pad 1', x: [3, 10, 6, 2], filter: [5, 3, 2, 3], strides: [2, 1], pad: 1 },
  { name: 'numeric pad 2, ceil rounding, stride 3', x: [1, 9, 10, 2], filter: [3, 3, 2, 2], strides: 3, pad: 2, dimRoundingMode: 'ceil' },
  { name: 'explicit asymmetric padding, stride 2', x: [2, 7, 8, 3], filter: [3, 2, 3, 2], strides: 2, pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
  { name: '1x1 stride 2', x: [2, 6, 6, 4], filter: [1, 1, 4, 3], strides: 2, pad: 'valid' },
  { name: 'filter as large as the input', x: [2, 5, 5, 2], filter: [5, 5, 2, 3], strides: 1, pad: 'valid' },
  // The agent's layer: 7 channels, taps copied a row at a time inside the input and one by one at its edges.
  { name: 'the Q-network, 3x3 same on 10x10x7', x: [4, 10, 10, 7], filter: [3, 3, 7, 16], strides: 1, pad: 'same' },
];
