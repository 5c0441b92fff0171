/**
 * The training benchmarks, named as ../shared/bench/torch_reference.py names them (kept free of tfjs imports).
 * `cnn-replay-step` and `conv-vae-replay-step` (the domain pairs' convolutional solver and generator) have no
 * counterpart in the reference.
 */
export const TRAINING_BENCHMARKS = [
  'mlp-step',
  'solver-replay-step',
  'vae-step',
  'generator-replay-step',
  'replay-sample',
  'cnn-replay-step',
  'conv-vae-replay-step',
  'dgr-iteration',
] as const;
export type TrainingBenchmark = (typeof TRAINING_BENCHMARKS)[number];
