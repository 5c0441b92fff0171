/** A run stopped after task 2 and resumed from its checkpoint ends exactly where an uninterrupted run ends. */
import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint, saveCheckpoint } from '../../core/checkpoint.ts';
import { parseRunConfig, sameRun, type RunConfig } from '../../core/config.ts';
import { runContinual, type RunResult } from '../../core/continual.ts';
import { useBackend } from '../../core/engine/backend.ts';
import { twoTaskSplit } from './helpers.ts';

const config = twoTaskSplit('gr', {
  stream: { kind: 'split-mnist', scenario: 'class', tasks: 3, limit: { train: 1500, test: 300 } },
  iterations: 40,
  generatorIterations: 40,
  evalEvery: 20,
});
const dir = mkdtempSync(join(tmpdir(), 'dgr-checkpoint-'));
let uninterrupted: RunResult;
let resumed: RunResult;
let resumedWithoutWorker: RunResult;
const sequentialDir = mkdtempSync(join(tmpdir(), 'dgr-checkpoint-sequential-'));

describe('checkpoints', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    uninterrupted = await runContinual(config, { backend: 'wasm' });
    const partial = await runContinual(config, { backend: 'wasm', checkpointDir: dir, stopAfterTasks: 2 });
    expect(partial.accuracyMatrix).toHaveLength(3); // at start + 2 tasks
    // Stopped with the generator in a worker, resumed once with the worker and once with it on the main thread.
    cpSync(dir, sequentialDir, { recursive: true });
    resumed = await runContinual(config, { backend: 'wasm', checkpointDir: dir });
    resumedWithoutWorker = await runContinual({ ...config, parallel: false }, { backend: 'wasm', checkpointDir: sequentialDir });
  }, 600_000);
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(sequentialDir, { recursive: true, force: true });
  });

  it('resumes a stopped run to the same accuracy matrix, curves and metrics', () => {
    expect(resumed.accuracyMatrix).toHaveLength(4);
    expect(resumed.accuracyMatrix).toEqual(uninterrupted.accuracyMatrix);
    expect(resumed.curves).toEqual(uninterrupted.curves);
    for (const key of ['acc', 'bwt', 'fwt', 'forgetting'] as const) expect(resumed[key]).toBe(uninterrupted[key]);
    expect(resumed.seconds).toBeGreaterThan(0);
  });

  it("keeps the tasks before the stop in the report: their samples, the solver's labels and the replay audit", () => {
    expect(resumed.samples.map((s) => s.length)).toEqual([64, 64, 64].map((n) => n * 784));
    expect(resumed.samples).toEqual(uninterrupted.samples);
    expect(resumed.sampleLabels).toEqual(uninterrupted.sampleLabels);
    expect(resumed.replay).toEqual(uninterrupted.replay);
    // After task 1 (digits 0/1) the solver can only answer 0 or 1; after task 2 it also knows 2 and 3.
    const [first, second] = uninterrupted.replay;
    expect([first?.units, second?.units]).toEqual([[0, 1], [0, 1, 2, 3]]);
    expect(first?.labelShare.slice(2).every((share) => share === 0)).toBe(true);
    expect(second?.labelShare.slice(4).every((share) => share === 0)).toBe(true);
    expect(second?.labelShare.slice(0, 4).filter((share) => share > 0).length).toBeGreaterThanOrEqual(3);
  });

  it('trains the generator on the main thread exactly as in the worker', () => {
    expect(config.parallel).toBe(true);
    expect(resumedWithoutWorker.accuracyMatrix).toEqual(uninterrupted.accuracyMatrix);
    expect(resumedWithoutWorker.curves).toEqual(uninterrupted.curves);
  });

  const reader = (expected: RunConfig) => ({ parseConfig: parseRunConfig, expected, same: sameRun });

  it('rejects a checkpoint of another config', () => {
    expect(() => loadCheckpoint(dir, reader({ ...config, seed: 2 }))).toThrow(/different run config/);
  });

  it('refuses a checkpoint whose progress was edited: the checksum covers the whole checkpoint', () => {
    const edited = mkdtempSync(join(tmpdir(), 'dgr-checkpoint-edited-'));
    try {
      cpSync(dir, edited, { recursive: true });
      const manifestPath = join(edited, 'checkpoint.json');
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      manifest.progress.accuracyMatrix[1][0] = 0.99;
      writeFileSync(manifestPath, JSON.stringify(manifest));
      expect(() => loadCheckpoint(edited, reader(config))).toThrow(/checksum mismatch/);
    } finally {
      rmSync(edited, { recursive: true, force: true });
    }
  });

  it('a progress section that does not fit the run is refused naming the file and the field, even with a valid checksum', async () => {
    const edited = mkdtempSync(join(tmpdir(), 'dgr-checkpoint-progress-'));
    try {
      const saved = loadCheckpoint<RunConfig, Record<string, unknown>>(dir, reader(config));
      // Written by code, not by hand: the checksum is right, the content is not (a task index past the stream).
      saveCheckpoint(edited, { ...saved, progress: { ...saved.progress, nextTask: 7 } });
      await expect(runContinual(config, { backend: 'wasm', checkpointDir: edited })).rejects.toThrow(
        `${join(edited, 'checkpoint.json')}: invalid progress:\n  progress.nextTask:`,
      );
      const rows = saved.progress.accuracyMatrix as number[][];
      saveCheckpoint(edited, { ...saved, progress: { ...saved.progress, accuracyMatrix: rows.slice(0, 2) } });
      await expect(runContinual(config, { backend: 'wasm', checkpointDir: edited })).rejects.toThrow(
        /invalid progress:\n {2}progress\.accuracyMatrix: 2 rows for \d finished tasks/,
      );
    } finally {
      rmSync(edited, { recursive: true, force: true });
    }
  });

  it('rejects a corrupt or truncated tensor file with a clear error', () => {
    const blob = join(dir, 'tensors.bin');
    const bytes = readFileSync(blob);
    bytes[100] ^= 0xff;
    writeFileSync(blob, bytes);
    expect(() => loadCheckpoint(dir, reader(config))).toThrow(/checksum mismatch/);
    truncateSync(blob, 1000);
    expect(() => loadCheckpoint(dir, reader(config))).toThrow(/tensors\.bin: expected \d+ bytes, found 1000/);
    writeFileSync(join(dir, 'checkpoint.json'), '{"version": 7}');
    expect(() => loadCheckpoint(dir, reader(config))).toThrow(/checkpoint\.json: not a dgr checkpoint/);
  });
});
