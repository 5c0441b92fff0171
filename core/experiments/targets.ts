/**
 * Pinned results of the quick presets: what `dgr check` expects, so a change that silently breaks learning
 * (or a replay arm) fails CI. Each value was measured on this code (wasm backend with OpenBLAS, seed 1; re-measured
 * when the native Adam step, the fused convolution and the VAE's cross-entropy changed the rounding, 2026-11-30) and is given a band
 * wide enough for backend and library differences, narrow enough to catch a broken arm: the bands keep the
 * arms apart (GR above None and Noise, ER near the top).
 */
import type { ArmName } from '../arms.ts';
import type { Scenario } from '../data/types.ts';

export interface Target {
  readonly experiment: string;
  readonly arm: ArmName;
  readonly scenario?: Scenario;
  /** ACC measured when the target was pinned. */
  readonly measured: number;
  readonly min: number;
  readonly max: number;
}

const band = (experiment: string, arm: ArmName, scenario: Scenario | undefined, measured: number, width = 0.05): Target => ({
  experiment,
  arm,
  ...(scenario ? { scenario } : {}),
  measured,
  min: Math.max(0, measured - width),
  max: Math.min(1, measured + width),
});

export const QUICK_TARGETS: readonly Target[] = [
  // Paper §4.3: GR well above None and Noise, ER near the top.
  band('split-mnist', 'gr', 'class', 0.7122),
  band('split-mnist', 'er', 'class', 0.9682),
  band('split-mnist', 'noise', 'class', 0.2526),
  band('split-mnist', 'none', 'class', 0.1974),
  // Paper §4.1 (3 tasks at this scale): GR above None.
  band('permuted-mnist', 'gr', 'domain', 0.9143, 0.04),
  band('permuted-mnist', 'none', 'domain', 0.824, 0.04),
  // Paper Table 1 (3 generations at this scale, CNN solver): the last solver, taught only by scholars.
  band('scholar-chain', 'gr', undefined, 0.873),
];
