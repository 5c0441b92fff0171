/** Shared by the engine tests: both backends in one process, seeded inputs, and float32-aware comparisons. */
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { useBackend, type EngineOptions } from '../../core/engine/backend.ts';
import { Rng } from '../../core/engine/random.ts';

export const BOTH = ['cpu', 'wasm'] as const;
export type TestBackend = (typeof BOTH)[number];

/**
 * Runs `f` on `backend` and returns its outputs as plain arrays; every tensor it made is freed. `options`
 * chooses wasm's matrix-product path (OpenBLAS by default where it is built).
 */
export async function runOn(
  backend: TestBackend,
  f: () => tf.Tensor | tf.Tensor[],
  options: EngineOptions = {},
): Promise<Float32Array[]> {
  await useBackend(backend, options);
  const before = tf.memory().numTensors;
  const out = tf.tidy(f);
  const list = Array.isArray(out) ? out : [out];
  const values = list.map((t) => Float32Array.from(t.dataSync()));
  tf.dispose(list);
  expect(tf.memory().numTensors).toBe(before);
  return values;
}

export function randomArray(seed: number, n: number, std = 1): Float32Array {
  return new Rng(seed).fillNormal(new Float32Array(n), std);
}

/** |a − b| ≤ atol + rtol·max|b|, element-wise, with a readable failure. */
export function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, rtol = 1e-4, atol = 1e-5): void {
  expect(a.length).toBe(b.length);
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let worst = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const err = Math.abs(a[i] - b[i]);
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  const bound = atol + rtol * scale;
  expect(worst, `largest error ${worst} at ${at} (${a[at]} vs ${b[at]}), bound ${bound}`).toBeLessThanOrEqual(bound);
}

/** Runs `f` on cpu and on wasm (its matrix-product path chosen by `options`) and checks every output agrees. */
export async function expectSameOnBoth(
  f: () => tf.Tensor | tf.Tensor[],
  rtol = 1e-4,
  atol = 1e-5,
  options: EngineOptions = {},
): Promise<void> {
  const cpu = await runOn('cpu', f);
  const wasm = await runOn('wasm', f, options);
  expect(wasm.length).toBe(cpu.length);
  cpu.forEach((c, i) => expectClose(wasm[i], c, rtol, atol));
}
