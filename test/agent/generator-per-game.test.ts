/**
 * GR with one generator per game (config generator.perGame): on the real engine, game 1's consolidation trains
 * game 1's generator and leaves game 0's exactly as game 0 left it; the arm's checkpoint says which have learnt;
 * and a run stopped after game 0 resumes to exactly the uninterrupted numbers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAgentConfig } from '../../agent/config.ts';
import type { AgentResult } from '../../agent/result.ts';
import { OBSERVATION_SHAPE } from '../../agent/scholar.ts';
import { runAgent, RunStopped } from '../../agent/run.ts';
import { floatArrays, loadCheckpoint } from '../../core/checkpoint.ts';
import { useBackend } from '../../core/engine/backend.ts';
import { Rng } from '../../core/engine/random.ts';
import { createGenerator } from '../../core/generators/create.ts';
import { numbers, tinyConfig } from './helpers.ts';

const base = tinyConfig(['gr']);
const config = { ...base, generator: { ...base.generator, perGame: true as const } };
const dir = mkdtempSync(join(tmpdir(), 'dgr-per-game-'));
let uninterrupted: AgentResult;
let resumed: AgentResult;
let afterGame0: Float32Array[];
let atEnd: Float32Array[];
let tensorsPerGenerator = 0;

const generatorArrays = (): Float32Array[] => {
  const saved = loadCheckpoint(dir, { parseConfig: parseAgentConfig });
  const arrays = floatArrays(saved.arrays, 'gr.generator');
  if (!arrays) throw new Error('no generator arrays in the checkpoint');
  return arrays;
};

describe('GR with one generator per game', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    const one = createGenerator(config.generator.model, OBSERVATION_SHAPE, new Rng(0));
    tensorsPerGenerator = one.weights().values.length;
    one.dispose();
    uninterrupted = await runAgent(config, { backend: 'wasm' });
    // Phases: game 0's learner, its consolidation; stop there, then go on to the end.
    await expect(runAgent(config, { backend: 'wasm', checkpointDir: dir, stopAfterPhases: 2 })).rejects.toBeInstanceOf(RunStopped);
    afterGame0 = generatorArrays();
    resumed = await runAgent(config, { backend: 'wasm', checkpointDir: dir });
    atEnd = generatorArrays();
  }, 900_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps game 0's generator exactly as game 0 left it while game 1's learns", () => {
    const games = config.schedule.tasks.length;
    expect(afterGame0).toHaveLength(games * tensorsPerGenerator + 1);
    expect(Array.from(afterGame0[afterGame0.length - 1])).toEqual([1, 0]);
    expect(Array.from(atEnd[atEnd.length - 1])).toEqual([1, 1]);
    const game0 = (arrays: Float32Array[]) => arrays.slice(0, tensorsPerGenerator).map((a) => Array.from(a));
    const game1 = (arrays: Float32Array[]) => arrays.slice(tensorsPerGenerator, 2 * tensorsPerGenerator).map((a) => Array.from(a));
    expect(game0(atEnd)).toEqual(game0(afterGame0));
    expect(game1(atEnd)).not.toEqual(game1(afterGame0));
  });

  it('resumes to exactly the numbers of a run never stopped', () => {
    expect(numbers(resumed)).toEqual(numbers(uninterrupted));
    expect(uninterrupted.config.generator.perGame).toBe(true);
  });
});
