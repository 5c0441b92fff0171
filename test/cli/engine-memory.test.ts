/**
 * Issue 29: a batch the wasm engine cannot hold ends with an error naming the engine's memory and the batch size,
 * not the engine's bare "Aborted()" or "memory access out of bounds". The real case: the convolutional VAE at the
 * largest --batch-size the command line takes outgrows the generator worker's 4 GiB heap in its first step (one
 * iteration of each network: seconds of CPU, though the run holds some 6 GB of memory while it lasts).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sizedStep } from '../../core/engine/capacity.ts';
import { dgrRun } from './helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'dgr-engine-memory-'));

describe("a batch the engine's memory cannot hold", () => {
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('ends the run with the engine\'s memory and the batch size named, before any checkpoint', () => {
    const out = join(work, 'run');
    const r = dgrRun(
      'experiment', 'split-mnist', '--preset', 'quick', '--arm', 'gr', '--generator', 'conv-vae', '--batch-size', '65536',
      '--iterations', '1', '--generator-iterations', '1', '--eval-every', '0', '--backend', 'wasm', '--out', out,
    );
    expect(r.status, r.stderr).toBe(1);
    const last = r.stderr.trim().split('\n').at(-1)!;
    expect(last).toMatch(
      /^dgr: error: generator worker: batchSize 65536 is too large for the engine's memory \((memory access out of bounds|Aborted\(\))\): the wasm backend holds at most 4 GiB .*; choose smaller layers or a smaller batch$/,
    );
    expect(r.stderr).not.toContain('-sASSERTIONS');
    // No result, no report, no checkpoint: the run ended in its first task.
    expect(existsSync(join(out, 'gr', 'result.json'))).toBe(false);
    expect(existsSync(join(out, 'gr', 'seed-1', 'checkpoint', 'checkpoint.json'))).toBe(false);
  }, 1_200_000);

  it("names Emscripten's bare abort, the other way the engine's heap runs out, as the same", () => {
    // The wasm module's abort as it reaches JavaScript when its malloc cannot grow the heap (issue 29's report).
    const aborted = (): never => {
      throw new WebAssembly.RuntimeError('Aborted(). Build with -sASSERTIONS for more info.');
    };
    expect(() => sizedStep(30000, aborted)).toThrow(
      "batchSize 30000 is too large for the engine's memory (Aborted()): the wasm backend holds at most 4 GiB for weights, optimiser moments and activations; choose smaller layers or a smaller batch",
    );
    // Another abort is not taken for memory.
    expect(() =>
      sizedStep(30000, () => {
        throw new WebAssembly.RuntimeError('Aborted(Assertion failed: x). Build with -sASSERTIONS for more info.');
      }),
    ).toThrow(/^Aborted\(Assertion failed: x\)/);
  });
});
