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

  it('the domain pairs and the scholar chain default to a CNN solver; split and permuted MNIST to the MLP; either can be asked for', () => {
    const pair = findExperiment('mnist-synthetic');
    expect(pair.build('paper', { arm: 'gr', seed: 1 }).solver.kind).toBe('cnn');
    const mlp = pair.build('paper', { arm: 'gr', seed: 1, solver: 'mlp' }).solver;
    expect(mlp).toMatchObject({ kind: 'mlp', hidden: [1000, 1000] });
    const split = findExperiment('split-mnist');
    expect(split.build('paper', { arm: 'gr', seed: 1 }).solver).toMatchObject({ kind: 'mlp', hidden: [400, 400] });
    const cnn = split.build('paper', { arm: 'gr', seed: 1, solver: 'cnn' }).solver;
    expect(cnn.kind).toBe('cnn');
    expect(cnn.adam.lr).toBe(1e-3);
    expect(findExperiment('permuted-mnist').build('paper', { arm: 'gr', seed: 1 }).solver).toMatchObject({ kind: 'mlp', hidden: [1000, 1000] });
    const chain = findExperiment('scholar-chain');
    expect(chain.build('paper', { arm: 'gr', seed: 1 }).solver).toMatchObject({ kind: 'cnn', channels: [32, 64], dense: 128 });
    expect(chain.build('paper', { arm: 'gr', seed: 1, solver: 'mlp' }).solver).toMatchObject({ kind: 'mlp', hidden: [400, 400] });
  });

  it('the VAE is sized like the MLP solver and shares its learning rate (van de Ven & Tolias); --generator swaps it', () => {
    const vae = (name: string, options = {}) => findExperiment(name).build('paper', { arm: 'gr', seed: 1, ...options }).generator;
    expect(vae('permuted-mnist')).toMatchObject({ kind: 'vae', hidden: [1000, 1000], latent: 100, adam: { lr: 1e-4 } });
    expect(vae('split-mnist')).toMatchObject({ kind: 'vae', hidden: [400, 400], adam: { lr: 1e-3 } });
    expect(vae('scholar-chain')).toMatchObject({ kind: 'vae', hidden: [400, 400], adam: { lr: 1e-3 } });
    expect(vae('mnist-synthetic')).toMatchObject({ kind: 'vae', hidden: [400, 400], adam: { lr: 1e-3 } });
    expect(vae('permuted-mnist', { generator: 'vae' })).toMatchObject({ hidden: [1000, 1000], adam: { lr: 1e-4 } });
    const gan = vae('permuted-mnist', { generator: 'wgan-gp' });
    expect(gan).toMatchObject({ kind: 'wgan-gp', criticSteps: 5, penalty: 10, adam: { lr: 1e-4, beta1: 0.5, beta2: 0.9 } });
    expect(vae('mnist-synthetic', { generator: 'conv-vae' })).toMatchObject({ kind: 'vae', channels: [32, 64], hidden: [400] });
    for (const experiment of EXPERIMENTS) {
      for (const preset of PRESETS) {
        for (const generator of ['wgan-gp', 'conv-vae'] as const) {
          const config = experiment.build(preset, { arm: experiment.arms[0], seed: 1, generator });
          expect(() => parseRunConfig(config, `${experiment.name}/${preset}/${generator}`)).not.toThrow();
        }
      }
    }
  });

  it('the scholar chain refuses any arm but generative replay, instead of running GR under another name', () => {
    const chain = findExperiment('scholar-chain');
    expect(chain.build('quick', { arm: 'gr', seed: 1 }).arm).toBe('gr');
    expect(() => chain.build('quick', { arm: 'none', seed: 1 })).toThrow(/scholar-chain runs only the gr arm, not 'none'/);
    // The other experiments take any arm on request (paper §4.1: "and the other arms").
    expect(findExperiment('permuted-mnist').build('quick', { arm: 'ewc', seed: 1 }).arm).toBe('ewc');
  });
});
