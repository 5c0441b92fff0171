/**
 * The training benchmarks, named as ../shared/bench/torch_reference.py names them (kept free of tfjs imports).
 * `cnn-replay-step` and `conv-vae-replay-step` (the domain pairs' convolutional solver and generator) and the
 * `permuted-*` steps (permuted MNIST's 1000-unit solver and VAE) have no counterpart in the reference.
 */
export const TRAINING_BENCHMARKS = [
  'mlp-step',
  'solver-replay-step',
  'vae-step',
  'generator-replay-step',
  'replay-sample',
  'cnn-replay-step',
  'conv-vae-replay-step',
  'permuted-solver-replay-step',
  'permuted-generator-replay-step',
  'dgr-iteration',
] as const;
export type TrainingBenchmark = (typeof TRAINING_BENCHMARKS)[number];
