/**
 * A per-kernel profile of one closure: tf.profile's kernel records summed by kernel name.
 *
 * Times are wall-clock per kernel as the backend reports them (wasm and cpu time synchronously, so the sum is
 * close to the closure's own time; tfjs adds bookkeeping between kernels that belongs to no kernel).
 */
import * as tf from '@tensorflow/tfjs-core';

export interface KernelStat {
  name: string;
  totalMs: number;
  count: number;
}

export interface KernelProfile<T> {
  /** Kernels by name, slowest total first. */
  kernels: KernelStat[];
  /** Sum of all kernel times. */
  kernelMs: number;
  /** Wall-clock time of the closure, profiling overhead included. */
  wallMs: number;
  /** Tensors the closure left alive (its result included). */
  newTensors: number;
  result: T;
}

export async function profileKernels<T extends tf.TensorContainer>(
  closure: () => T | Promise<T>,
): Promise<KernelProfile<T>> {
  const start = performance.now();
  const info = await tf.profile(closure);
  const wallMs = performance.now() - start;
  const byName = new Map<string, KernelStat>();
  for (const kernel of info.kernels) {
    // tf.profile has awaited every kernel's time by the time it resolves.
    const ms = kernel.kernelTimeMs as number | { error: string };
    if (typeof ms !== 'number') throw new Error(`kernel ${kernel.name} has no time: ${ms.error}`);
    const stat = byName.get(kernel.name) ?? { name: kernel.name, totalMs: 0, count: 0 };
    stat.totalMs += ms;
    stat.count += 1;
    byName.set(kernel.name, stat);
  }
  const kernels = [...byName.values()].sort((a, b) => b.totalMs - a.totalMs);
  const kernelMs = kernels.reduce((sum, k) => sum + k.totalMs, 0);
  return { kernels, kernelMs, wallMs, newTensors: info.newTensors, result: info.result as T };
}

/** One line per kernel: name, total ms, calls, share of the kernel time. */
export function formatKernelProfile(profile: Pick<KernelProfile<unknown>, 'kernels' | 'kernelMs'>): string {
  const width = Math.max(6, ...profile.kernels.map((k) => k.name.length));
  const lines = profile.kernels.map((k) => {
    const share = profile.kernelMs > 0 ? (100 * k.totalMs) / profile.kernelMs : 0;
    return `${k.name.padEnd(width)} ${k.totalMs.toFixed(2).padStart(9)} ms ${String(k.count).padStart(5)}x ${share.toFixed(1).padStart(5)}%`;
  });
  lines.push(`${'total'.padEnd(width)} ${profile.kernelMs.toFixed(2).padStart(9)} ms`);
  return lines.join('\n');
}
