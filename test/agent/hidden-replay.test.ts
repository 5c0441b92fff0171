/**
 * Hidden replay (the gr-hidden arm) on the real engine: the features its generator learns are the convolution's,
 * coded against a hand computation; the scholar's convolution is the first game's learner's and stays so through
 * every game while the layers above it learn; its dreams are features in the convolution's range; a run stopped
 * after the first game resumes to the uninterrupted numbers; no tensor outlives the run.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HiddenDreams } from '../../agent/arms/hidden-dreams.ts';
import { parseAgentConfig } from '../../agent/config.ts';
import { agentPreset } from '../../agent/presets.ts';
import { FeatureCode } from '../../agent/hidden-features.ts';
import { createQSolver, observationTensor, qNetworkOf } from '../../agent/network.ts';
import type { AgentResult } from '../../agent/result.ts';
import { runAgent, RunStopped } from '../../agent/run.ts';
import { floatArrays, loadCheckpoint } from '../../core/checkpoint.ts';
import { Si } from '../../core/regularisers/si.ts';
import { useBackend } from '../../core/engine/backend.ts';
import { Rng } from '../../core/engine/random.ts';
import { GRID } from '../../env/layout.ts';
import { numbers, playedFrames, tinyConfig } from './helpers.ts';

const config = tinyConfig(['gr-hidden', 'gr']);
const root = mkdtempSync(join(tmpdir(), 'dgr-hidden-'));
const dir = join(root, 'run');
const cache = join(root, 'learners');
let uninterrupted: AgentResult;
let resumed: AgentResult;
let tensorsBefore = 0;
let tensorsAfter = 0;
let convAfterGame0: number[][];
let convAtEnd: number[][];
let denseAfterGame0: number[][];
let denseAtEnd: number[][];

/** The gr-hidden scholar's weights in the run's checkpoint: its convolution (filter, bias) and the layers above. */
function hiddenScholar(): { conv: number[][]; dense: number[][] } {
  const saved = loadCheckpoint(dir, { parseConfig: parseAgentConfig });
  const solver = floatArrays(saved.arrays, 'gr-hidden.solver');
  if (!solver) throw new Error('no gr-hidden solver in the checkpoint');
  const list = solver.map((a) => Array.from(a));
  return { conv: list.slice(0, 2), dense: list.slice(2) };
}

/** The first game's learner, as the learner cache keeps it: its convolution (filter, bias). */
function firstLearnerConv(): number[][] {
  const entry = readdirSync(cache).find((name) => name.startsWith(`seed-${config.seed}-game-0-`));
  if (!entry) throw new Error('no cached learner of game 0');
  const saved = loadCheckpoint(join(cache, entry), { parseConfig: (raw) => raw });
  const network = floatArrays(saved.arrays, 'network');
  if (!network) throw new Error('cached learner has no network');
  return network.slice(0, 2).map((a) => Array.from(a));
}

describe('hidden replay (gr-hidden)', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    tensorsBefore = tf.memory().numTensors;
    uninterrupted = await runAgent(config, { backend: 'wasm', learnerCache: cache });
    tensorsAfter = tf.memory().numTensors;
    // Phases: game 0's learner, its consolidation (both arms); stop there, then go on to the end.
    await expect(runAgent(config, { backend: 'wasm', checkpointDir: dir, learnerCache: cache, stopAfterPhases: 2 })).rejects.toBeInstanceOf(RunStopped);
    ({ conv: convAfterGame0, dense: denseAfterGame0 } = hiddenScholar());
    resumed = await runAgent(config, { backend: 'wasm', checkpointDir: dir, learnerCache: cache });
    ({ conv: convAtEnd, dense: denseAtEnd } = hiddenScholar());
  }, 900_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("codes a game's features as bytes of each channel's share of its largest value on the first game", () => {
    const solver = createQSolver({ channels: 4, hidden: 8 }, { lr: 1e-3, beta1: 0.9, beta2: 0.999 }, new Rng(3));
    const frames = playedFrames('breakout', 50, 1, 1);
    const later = playedFrames('freeway/steady', 20, 2, 1);
    const features = (obs: Uint8Array) => tf.tidy(() => qNetworkOf(solver).features(observationTensor(obs, obs.length / 700)).arraySync() as number[][]);
    const first = features(frames);
    const max = [0, 1, 2, 3].map((c) => Math.max(...first.flatMap((row) => row.filter((_, i) => i % 4 === c))));
    const code = new FeatureCode(4);
    code.fit(solver, frames);
    const inputs = code.inputs(solver, later);
    expect(inputs.shape).toEqual([GRID, GRID, 4]);
    expect(inputs.scale).toBe(255);
    const hand = features(later).flatMap((row) => row.map((f, i) => Math.round(Math.min(1, f / (max[i % 4] > 0 ? max[i % 4] : 1)) * 255)));
    expect(Array.from(inputs.x)).toEqual(hand);
    // Read back, a coded feature is the feature to within half a byte of its channel's scale (or its clip).
    const decoded = tf.tidy(() => code.decode(tf.div(tf.tensor2d(Float32Array.from(inputs.x), [20, 400]), 255) as tf.Tensor2D).arraySync() as number[][]);
    features(later).forEach((row, r) => row.forEach((f, i) => expect(decoded[r][i]).toBeCloseTo(Math.min(f, max[i % 4] > 0 ? max[i % 4] : 1), 1)));
    solver.dispose();
  });

  it("keeps the first game's learner's convolution, frozen, while the layers above it learn", () => {
    const learner = firstLearnerConv();
    expect(convAfterGame0).toEqual(learner);
    expect(convAtEnd).toEqual(learner);
    expect(denseAtEnd).not.toEqual(denseAfterGame0);
    // Its network has the learner's filters, not the wider scholar's of the other arms.
    expect(convAtEnd[1]).toHaveLength(config.learner.network.channels);
  });

  it('replays features in the convolution’s range, taught through the layers above it', () => {
    const source = new HiddenDreams(config.learner.network.channels);
    const saved = loadCheckpoint(dir, { parseConfig: parseAgentConfig });
    source.restore(Object.fromEntries(Object.entries(saved.arrays).filter(([n]) => n.startsWith('gr-hidden.')).map(([n, a]) => [n.slice('gr-hidden.'.length), a])));
    const scale = source.code.arrays().featureScale?.[0] as Float32Array;
    expect(scale).toHaveLength(config.learner.network.channels);
    expect(Math.min(...scale)).toBeGreaterThan(0);
    const dreams = { sample: (n: number) => tf.fill([n, GRID * GRID * scale.length], 1) as tf.Tensor2D } as never;
    const before = tf.memory().numTensors;
    const previous = createQSolver(config.learner.network, config.scholar.adam, new Rng(1));
    // Inside a tidy, as the consolidation's loop samples (the layers' intermediate tensors go with it).
    let features: true | undefined;
    const sampled = tf.tidy(() => {
      const b = source.sample(3, { previous, dreams, current: tf.zeros([3, 700]) }, new Rng(0));
      if (!b) throw new Error('nothing replayed');
      features = b.features;
      return { x: b.x, targets: b.targets };
    });
    const batch = { x: sampled.x.arraySync() as number[][], targets: sampled.targets.arraySync() as number[][], features };
    tf.dispose(sampled);
    previous.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(batch?.features).toBe(true);
    // A dream of all ones is each channel at its scale.
    expect(batch?.x[0].slice(0, scale.length)).toEqual(Array.from(scale).map((s) => expect.closeTo(s, 5)));
    expect(batch?.targets[0]).toHaveLength(6);
  });

  it('resumes to exactly the numbers of a run never stopped, beside GR, with no tensor left over', () => {
    // The learners are the same (the first run trained them into the cache, the others loaded them): the arms' numbers.
    expect(numbers(resumed).arms).toEqual(numbers(uninterrupted).arms);
    expect(uninterrupted.arms.map((a) => a.arm)).toEqual(['gr-hidden', 'gr']);
    // The audit of dreamt frames is GR's alone; both measure the actions kept on the real audit frames.
    const [hidden, gr] = uninterrupted.arms;
    expect(hidden.dreams.every((d) => d === null)).toBe(true);
    expect(gr.dreams.some((d) => d !== null)).toBe(true);
    expect(hidden.actionsKept?.[1]?.real).toHaveLength(1);
    expect(hidden.actionsKept?.[1]?.dreams).toBeNull();
    expect(tensorsAfter).toBe(tensorsBefore);
  });
});

describe('a Q-network with a frozen convolution', () => {
  it("takes optimiser steps with SI's gradient hook over the weights it trains, leaving the convolution as it was", async () => {
    await useBackend('wasm');
    const solver = createQSolver({ channels: 4, hidden: 8 }, { lr: 1e-2, beta1: 0.9, beta2: 0.999 }, new Rng(5), true);
    const si = new Si(solver, 1, 0.1);
    const conv = qNetworkOf(solver).featureVariables().map((v) => Array.from(v.dataSync()));
    const x = observationTensor(playedFrames('breakout', 16, 1, 1), 16);
    for (let step = 0; step < 3; step++) {
      tf.tidy(() => solver.optimizer.minimize(() => tf.mean(tf.square(solver.logits(x))) as tf.Scalar, si.beforeStep.bind(si)));
      si.afterStep();
    }
    si.endTask();
    expect(qNetworkOf(solver).featureVariables().map((v) => Array.from(v.dataSync()))).toEqual(conv);
    // Importance, anchor and ω for the dense layers' four tensors, then the task count; a penalty once they move.
    expect(si.state()).toHaveLength(3 * solver.trainable().length + 1);
    expect(solver.trainable()).toHaveLength(4);
    tf.tidy(() => solver.trainable()[0].assign(tf.add(solver.trainable()[0], 0.1)));
    expect(tf.tidy(() => si.penalty()?.dataSync()[0] ?? 0)).toBeGreaterThan(0);
    x.dispose();
    si.dispose();
    solver.dispose();
  });
});

describe("hidden replay's settings", () => {
  it('are refused by name when missing, or when they name a generator of 0/1 cells', () => {
    const { hidden: _hidden, ...without } = config;
    expect(() => parseAgentConfig(without, 'run.json')).toThrow(/hidden: the gr-hidden arm needs hidden\.model/);
    const gridVae = agentPreset('full', { arms: ['gr'] }).generator.model;
    expect(gridVae.kind).toBe('grid-vae');
    const grid = { ...config, hidden: { model: gridVae } };
    expect(() => parseAgentConfig(grid, 'run.json')).toThrow(/hidden\.model\.kind: features are values in \[0, 1\]/);
    const bernoulli = { ...config, hidden: { model: { kind: 'vae', hidden: [8], latent: 2, draw: 'bernoulli', adam: config.scholar.adam } } };
    expect(() => parseAgentConfig(bernoulli, 'run.json')).toThrow(/hidden\.model\.draw/);
    // The other arms need none.
    const { hidden: _h, ...gr } = tinyConfig(['gr']);
    expect(parseAgentConfig(gr, 'run.json').hidden).toBeUndefined();
  });
});
