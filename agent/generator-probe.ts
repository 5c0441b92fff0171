/**
 * How often a generator of observations dreams frames a game could show: it learns real frames of a run's games
 * (each game played by its script with 30 % random actions, so the frames cover more than the script reaches, as
 * a learner's would), offline and with the same training code as a run's consolidation, then the replay audit's
 * rules judge 1000 of its samples: the share satisfying each game's invariants and the share that are exact
 * frames of it (./audit.ts). Compares today's preset VAE with the grid VAE (./grid-generator.ts) side by side.
 *
 *   nice -n 10 npx tsx agent/generator-probe.ts [iterations] [out.json]
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { describeBackend, useBackend } from '../core/engine/backend.ts';
import { Rng } from '../core/engine/random.ts';
import { createGenerator, type GeneratorSpec } from '../core/generators/create.ts';
import { trainGeneratorOnTask } from '../core/generators/train.ts';
import { playFrames } from '../env/frames.ts';
import { OBSERVATION_SIZE } from '../env/layout.ts';
import { EpsilonPolicy } from '../env/policies/epsilon.ts';
import { ScriptedPolicy } from '../env/policies/scripted.ts';
import { resolveTask } from '../env/task.ts';
import { isGameFrame, satisfiesInvariants } from '../env/games/index.ts';
import { agentPreset } from './presets.ts';
import { OBSERVATION_SHAPE } from './scholar.ts';

export interface ProbeSettings {
  readonly tasks: readonly string[];
  readonly framesPerGame: number;
  readonly randomShare: number;
  readonly iterations: number;
  readonly batchSize: number;
  readonly samples: number;
  readonly seed: number;
}

export interface GeneratorProbe {
  readonly spec: GeneratorSpec;
  readonly msPerStep: number;
  readonly finalLoss: number;
  /** Per task: share of the samples satisfying its game's invariants, and share that are exact frames of it. */
  readonly valid: Record<string, number>;
  readonly exact: Record<string, number>;
  /** Share of the samples valid (exact) for at least one of the games. */
  readonly validAny: number;
  readonly exactAny: number;
}

/** Real frames of each task, concatenated: framesPerGame each, played from `seed`. */
export function probeFrames(settings: ProbeSettings): Uint8Array {
  const { tasks, framesPerGame, randomShare, seed } = settings;
  const out = new Uint8Array(tasks.length * framesPerGame * OBSERVATION_SIZE);
  tasks.forEach((name, k) => {
    const policy = new EpsilonPolicy(new ScriptedPolicy(resolveTask(name).game), randomShare);
    out.set(playFrames(name, policy, framesPerGame, seed + 1000 * k), k * framesPerGame * OBSERVATION_SIZE);
  });
  return out;
}

/** Trains a fresh generator of `spec` on `frames` and audits its samples against the tasks' games. */
export async function probeGenerator(spec: GeneratorSpec, frames: Uint8Array, settings: ProbeSettings): Promise<GeneratorProbe> {
  const rng = new Rng(settings.seed);
  const generator = createGenerator(spec, OBSERVATION_SHAPE, rng.fork('generator'));
  const n = frames.length / OBSERVATION_SIZE;
  const data = { x: frames, y: new Uint8Array(n), n, shape: OBSERVATION_SHAPE, scale: 1 };
  let finalLoss = NaN;
  const start = performance.now();
  const { iterations, batchSize } = settings;
  await trainGeneratorOnTask(generator, null, data, { iterations, batchSize, r: 1, reportEvery: iterations }, rng.fork('batches'), (_, loss) => (finalLoss = loss));
  const msPerStep = (performance.now() - start) / iterations;
  const drawn = generator.sample(settings.samples);
  const samples = Uint8Array.from(drawn.dataSync());
  drawn.dispose();
  generator.dispose();
  const games = settings.tasks.map((t) => resolveTask(t).game);
  const valid: Record<string, number> = {};
  const exact: Record<string, number> = {};
  let validAny = 0;
  let exactAny = 0;
  for (let k = 0; k < settings.samples; k++) {
    const at = k * OBSERVATION_SIZE;
    const v = games.map((g) => satisfiesInvariants(g, samples, at));
    const e = games.map((g) => isGameFrame(g, samples, at));
    settings.tasks.forEach((t, i) => {
      valid[t] = (valid[t] ?? 0) + (v[i] ? 1 / settings.samples : 0);
      exact[t] = (exact[t] ?? 0) + (e[i] ? 1 / settings.samples : 0);
    });
    if (v.some(Boolean)) validAny += 1 / settings.samples;
    if (e.some(Boolean)) exactAny += 1 / settings.samples;
  }
  return { spec, msPerStep, finalLoss, valid, exact, validAny, exactAny };
}

async function main(): Promise<void> {
  const [iterationsArg, out = 'docs/results/rl/earlier/grid-generator-probe.json'] = process.argv.slice(2);
  await useBackend('wasm');
  const settings: ProbeSettings = {
    tasks: ['breakout', 'freeway/steady', 'space-invaders'],
    framesPerGame: 20_000,
    randomShare: 0.3,
    iterations: Number(iterationsArg ?? 5_000),
    batchSize: 128,
    samples: 1000,
    seed: 1,
  };
  const frames = probeFrames(settings);
  const specs = [agentPreset('full').generator.model, agentPreset('full', { generator: 'grid-vae' }).generator.model];
  const results: GeneratorProbe[] = [];
  for (const spec of specs) {
    const result = await probeGenerator(spec, frames, settings);
    console.log(spec.kind, JSON.stringify(result));
    results.push(result);
  }
  const record = {
    command: `nice -n 10 npx tsx agent/generator-probe.ts ${settings.iterations} ${out}`,
    date: new Date().toISOString(),
    backend: describeBackend(),
    note: 'Each generator learns the three games\' frames together (as G_3 would, offline), one seed; shares are of 1000 samples each, per game of all samples; msPerStep is wall time on a shared machine.',
    settings,
    generators: results,
    tensorsLeft: tf.memory().numTensors,
  };
  writeFileSync(out, `${JSON.stringify(record, null, 2)}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
