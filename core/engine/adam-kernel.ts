/**
 * One Adam update of one parameter as a single wasm kernel on the native path: the addon reads the parameter, its
 * gradient and both moments where they live on the wasm heap and writes the three new tensors in one pass.
 *
 * Why: written as tensor ops the update is a dozen elementwise kernels, each allocating a tensor and walking the
 * whole parameter; on the RL agent's small networks and the observation VAE they were a quarter of a training
 * step (`dgr bench rl`, profiled). PyTorch fuses the same update (its foreach Adam).
 *
 * The arithmetic is ../nn/adam.ts's (PyTorch's rule) in float32. A plain JavaScript loop was no faster than the
 * tensor ops (4 ns per parameter), so pure wasm keeps the ops.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { OpenBlas } from './openblas.ts';

export const ADAM_STEP = 'DgrAdamStep';

export interface AdamStepAttrs {
  readonly beta1: number;
  readonly beta2: number;
  /** lr / (1 − beta1^t) */
  readonly stepSize: number;
  /** sqrt(1 − beta2^t) */
  readonly correction2: number;
  readonly epsilon: number;
}

type KernelArgs = { inputs: Record<string, tf.TensorInfo>; backend: BackendWasm; attrs: tf.NamedAttrMap };

/** The kernel, computed by the native addon on the wasm heap (native/openblas.c's adamStep). */
function adamStep(blas: OpenBlas): (args: KernelArgs) => tf.TensorInfo[] {
  return ({ inputs, backend, attrs }) => {
    const { param, grad, m, v } = inputs;
    const { beta1, beta2, stepSize, correction2, epsilon } = attrs as unknown as AdamStepAttrs;
    const outputs = [param, m, v].map((t) => backend.makeOutput(t.shape, 'float32'));
    const n = tf.util.sizeFromShape(param.shape);
    if (n === 0) return outputs;
    const [p0, g0, m0, v0, p1, m1, v1] = [param, grad, m, v, ...outputs].map((t) => backend.getMemoryOffset(t.dataId));
    // The heap is read after makeOutput, which may grow the memory (and so replace its buffer).
    const heap = (backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.buffer as ArrayBuffer;
    blas.adamStep(heap, p0, g0, m0, v0, p1, m1, v1, n, beta1, beta2, stepSize, correction2, epsilon);
    return outputs;
  };
}

/** Registers the fused step on wasm when the addon is there, and removes it when not (--no-native). */
export function selectAdamStep(blas: OpenBlas | null): void {
  if (tf.getKernel(ADAM_STEP, 'wasm') != null) tf.unregisterKernel(ADAM_STEP, 'wasm');
  if (blas !== null) tf.registerKernel({ kernelName: ADAM_STEP, backendName: 'wasm', kernelFunc: adamStep(blas) as unknown as tf.KernelFunc });
}

/** The updated parameter and moments, or null where this backend has no fused step (then Adam uses tensor ops). */
export function fusedAdamStep(param: tf.Tensor, grad: tf.Tensor, m: tf.Tensor, v: tf.Tensor, attrs: AdamStepAttrs): [tf.Tensor, tf.Tensor, tf.Tensor] | null {
  if (param.dtype !== 'float32' || tf.getKernel(ADAM_STEP, tf.getBackend()) == null) return null;
  const inputs = { param, grad, m, v } as unknown as tf.NamedTensorMap;
  return tf.engine().runKernel(ADAM_STEP, inputs, attrs as unknown as tf.NamedAttrMap) as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
}
