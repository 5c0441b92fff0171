/**
 * Each arm on real MNIST, 2-task class-incremental split (0/1 then 2/3), on the wasm backend: the paper's
 * qualitative result (§4.3). Accuracy on task 1 after learning task 2 is R[2][0].
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ArmName } from '../../core/arms.ts';
import { runContinual, type RunResult } from '../../core/continual.ts';
import { useBackend } from '../../core/engine/backend.ts';
import { twoTaskSplit } from './helpers.ts';

const results = new Map<ArmName, RunResult>();
async function run(arm: ArmName): Promise<RunResult> {
  const result = await runContinual(twoTaskSplit(arm), { backend: 'wasm' });
  results.set(arm, result);
  return result;
}
const keptTask1 = (r: RunResult): number => r.accuracyMatrix[2][0];

describe('comparison arms on a 2-task split MNIST (wasm)', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('None learns each task and forgets task 1 almost completely', async () => {
    const r = await run('none');
    expect(r.accuracyMatrix[1][0]).toBeGreaterThan(0.97); // task 1 learned
    expect(r.accuracyMatrix[2][1]).toBeGreaterThan(0.95); // task 2 learned
    expect(keptTask1(r)).toBeLessThan(0.1);
  });

  it('ER (real past inputs) keeps task 1', async () => {
    const r = await run('er');
    expect(keptTask1(r)).toBeGreaterThan(0.9);
    expect(r.accuracyMatrix[2][1]).toBeGreaterThan(0.9);
  });

  it('Noise does not help: task 1 is mostly lost', async () => {
    const r = await run('noise');
    expect(keptTask1(r)).toBeLessThan(0.5);
  });

  it('GR keeps most of task 1, far above None and Noise, while learning task 2', async () => {
    const r = await run('gr');
    expect(keptTask1(r)).toBeGreaterThan(0.7);
    expect(r.accuracyMatrix[2][1]).toBeGreaterThan(0.9);
    expect(keptTask1(r)).toBeGreaterThan(keptTask1(results.get('none')!) + 0.5);
    expect(keptTask1(r)).toBeGreaterThan(keptTask1(results.get('noise')!) + 0.25);
    // The metrics agree with the matrix: ACC is the mean of the last row.
    expect(r.acc).toBeCloseTo((r.accuracyMatrix[2][0] + r.accuracyMatrix[2][1]) / 2, 10);
    expect(r.bwt).toBeCloseTo(r.accuracyMatrix[2][0] - r.accuracyMatrix[1][0], 10);
    expect(r.samples[1].length).toBe(64 * 784);
  });

  it('GR with distilled targets keeps task 1 as well, over every class so far', async () => {
    const r = await run('gr-distill');
    expect(keptTask1(r)).toBeGreaterThan(0.7);
    expect(r.accuracyMatrix[2][1]).toBeGreaterThan(0.9);
  });
});
