import type { ArmName } from '../../core/arms.ts';
import type { RunConfig } from '../../core/config.ts';
import { findExperiment } from '../../core/experiments/presets.ts';

/** A 2-task class-incremental split MNIST (digits 0/1 then 2/3) at test scale, from the quick preset. */
export function twoTaskSplit(arm: ArmName, overrides: Partial<RunConfig> = {}): RunConfig {
  const preset = findExperiment('split-mnist').build('quick', { arm, seed: 1, scenario: 'class' });
  return {
    ...preset,
    stream: { kind: 'split-mnist', scenario: 'class', tasks: 2, limit: { train: 4000, test: 500 } },
    iterations: 200,
    generatorIterations: 200,
    evalEvery: 0,
    ...overrides,
  };
}
