/** The experiments as data: each preset builds a valid run config, with the solver the experiment calls for. */
import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../core/config.ts';
import { EXPERIMENTS, findExperiment, PRESETS } from '../../core/experiments/presets.ts';

describe('experiment presets', () => {
  it('every experiment, preset and arm builds a config that passes validation', () => {
    for (const experiment of EXPERIMENTS) {
      for (const preset of PRESETS) {
        for (const arm of experiment.arms) {
          const config = experiment.build(preset, { arm, seed: 3 });
          expect(() => parseRunConfig(config, `${experiment.name}/${preset}/${arm}`)).not.toThrow();
          expect(config.solver.kind).toBe(experiment.solver);
          expect(config.seed).toBe(3);
        }
      }
    }
  });

  it('the domain pairs default to a CNN solver; MNIST-only experiments to the MLP; either can be asked for', () => {
    const pair = findExperiment('mnist-synthetic');
    expect(pair.build('paper', { arm: 'gr', seed: 1 }).solver.kind).toBe('cnn');
    const mlp = pair.build('paper', { arm: 'gr', seed: 1, solver: 'mlp' }).solver;
    expect(mlp).toMatchObject({ kind: 'mlp', hidden: [1000, 1000] });
    const split = findExperiment('split-mnist');
    expect(split.build('paper', { arm: 'gr', seed: 1 }).solver).toMatchObject({ kind: 'mlp', hidden: [400, 400] });
    const cnn = split.build('paper', { arm: 'gr', seed: 1, solver: 'cnn' }).solver;
    expect(cnn.kind).toBe('cnn');
    expect(cnn.adam.lr).toBe(1e-3);
  });
});
