import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../core/engine/backend.ts';
import { Rng } from '../../core/engine/random.ts';
import { WganGp } from '../../core/generators/wgan-gp.ts';

/**
 * The gradient penalty differentiates a gradient, so its own gradient is second order: compare it with central
 * finite differences, on every backend we support. Softplus keeps the critic smooth (at ReLU kinks finite
 * differences are meaningless).
 */
describe.each(['cpu', 'wasm'] as const)('WGAN-GP gradient penalty on %s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it('has the gradient finite differences give, for every critic weight tensor', () => {
    const gan = new WganGp(
      {
        inputSize: 6,
        hidden: [5, 4],
        latent: 3,
        criticSteps: 5,
        penalty: 10,
        adam: { lr: 1e-4, beta1: 0.5, beta2: 0.9 },
        criticActivation: 'softplus',
      },
      new Rng(1),
    );
    const data = new Rng(2);
    const real = tf.tensor2d(data.fillUniform(new Float32Array(8 * 6)), [8, 6]);
    const fake = tf.tensor2d(data.fillUniform(new Float32Array(8 * 6)), [8, 6]);
    // The same interpolation points on every evaluation.
    const penalty = (): tf.Scalar => {
      gan.reseed(new Rng(3));
      return gan.gradientPenalty(real, fake);
    };
    const variables = gan.critic.variables();
    const { grads } = tf.variableGrads(penalty, variables);
    const h = 1e-2;
    let checked = 0;
    for (const v of variables) {
      // The critic's output bias does not change its slope: no gradient, and finite differences agree (≈ 0).
      const analytic = grads[v.name]?.dataSync() ?? new Float32Array(v.size);
      const values = v.dataSync().slice() as Float32Array;
      for (const j of [0, Math.floor(values.length / 2), values.length - 1]) {
        const at = (delta: number): number => {
          const moved = values.slice();
          moved[j] += delta;
          v.assign(tf.tensor(moved, v.shape));
          return tf.tidy(() => penalty().dataSync()[0]);
        };
        const numeric = (at(h) - at(-h)) / (2 * h);
        v.assign(tf.tensor(values, v.shape));
        expect(Math.abs(analytic[j] - numeric)).toBeLessThan(2e-2 * Math.max(1, Math.abs(numeric)));
        checked++;
      }
    }
    expect(checked).toBe(variables.length * 3);
    // The penalty is not trivially zero, so the comparison above means something.
    expect(Math.abs(penalty().dataSync()[0])).toBeGreaterThan(1e-3);
    const norms = Object.values(grads).map((g) => tf.norm(g).dataSync()[0]);
    expect(norms.every((n) => n > 0)).toBe(true);
    for (const t of [real, fake, ...Object.values(grads)]) t.dispose();
    gan.dispose();
  });

  afterAll(() => {
    tf.disposeVariables();
  });
});
