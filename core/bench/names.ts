/** The training benchmarks, named as ../shared/bench/torch_reference.py names them (kept free of tfjs imports). */
export const TRAINING_BENCHMARKS = [
  'mlp-step',
  'solver-replay-step',
  'vae-step',
  'generator-replay-step',
  'replay-sample',
  'dgr-iteration',
] as const;
export type TrainingBenchmark = (typeof TRAINING_BENCHMARKS)[number];
