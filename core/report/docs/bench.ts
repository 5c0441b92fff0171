/**
 * README's speed table, from the benchmark outputs of record committed under docs/bench (`dgr bench --json`,
 * `dgr bench rl --json`, and ../shared/bench's PyTorch references at 1 and 2 threads; docs/BENCH.md says how
 * the window was taken). Each PyTorch step is the better of its two thread counts, as BENCH.md compares them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { table } from '../markdown.ts';
import { repoLink, type TableContext } from './document.ts';

const benchSchema = z.object({ benchmarks: z.array(z.object({ name: z.string(), msPerStep: z.number().positive() })) });
const BENCH_DIR = join('docs', 'bench');

/** Step name → ms per step of one committed benchmark output. */
function readBench(context: TableContext, file: string): Map<string, number> {
  const path = join(context.root, BENCH_DIR, file);
  const parsed = benchSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path}: not a benchmark output ({ benchmarks: [{ name, msPerStep }] })`);
  return new Map(parsed.data.benchmarks.map((b) => [b.name, b.msPerStep]));
}

function step(bench: Map<string, number>, name: string, file: string): number {
  const ms = bench.get(name);
  if (ms === undefined) throw new Error(`${file}: no step '${name}'`);
  return ms;
}

/** The better of PyTorch's 1- and 2-thread runs of a step. */
const bestTorch = (context: TableContext, base: string, name: string): number =>
  Math.min(...[`${base}-1thread.json`, `${base}-2threads.json`].map((f) => step(readBench(context, f), name, f)));

/** PyTorch's DGR iteration: its best solver-replay, generator-replay and replay-sample steps added up. */
const TORCH_DGR_ITERATION = ['solver-replay-step', 'generator-replay-step', 'replay-sample'];
const RL_STEPS = ['dqn-step', 'act-16', 'distill-step', 'obs-vae-step', 'obs-replay-sample'];

export function speed(context: TableContext): string {
  const openblas = readBench(context, 'dgr-bench-openblas.json');
  const pure = readBench(context, 'dgr-bench-pure-wasm.json');
  const rl = readBench(context, 'dgr-bench-rl-openblas.json');
  const torchIteration = TORCH_DGR_ITERATION.reduce((sum, name) => sum + bestTorch(context, 'torch-reference', name), 0);
  const iteration = step(openblas, 'dgr-iteration', 'dgr-bench-openblas.json');
  const rlRatios = RL_STEPS.map((name) => step(rl, name, 'dgr-bench-rl-openblas.json') / bestTorch(context, 'torch-rl-reference', name));
  const ms = (x: number): string => `${x.toFixed(1)} ms`;
  const rows = [
    ['one DGR iteration (solver and generator on 128 current + 128 replayed samples, plus replay sampling)', ms(iteration), ms(step(pure, 'dgr-iteration', 'dgr-bench-pure-wasm.json')), ms(torchIteration), `${(iteration / torchIteration).toFixed(2)}×`],
    [`the RL agent's steps (${RL_STEPS.map((s) => `\`${s}\``).join(', ')})`, '', '', '', `${Math.min(...rlRatios).toFixed(2)}-${Math.max(...rlRatios).toFixed(2)}×`],
    ['a Breakout learner\'s whole loop (acting, 16 games, an update every 4 frames)', `${(1000 / step(rl, 'loop', 'dgr-bench-rl-openblas.json')).toFixed(0)} frames/s`, '', '', ''],
  ];
  return [
    ...table(['', 'dgr, wasm + OpenBLAS', 'dgr, pure wasm', 'PyTorch 1.13 (best of 1 and 2 threads)', 'dgr ÷ PyTorch'], rows),
    '',
    `From ${repoLink(context, 'docs/bench', 'docs/bench/')} (\`dgr-bench-*.json\`, \`torch-*reference-*.json\`); how they were taken: ${repoLink(context, 'docs/BENCH.md')}.`,
  ].join('\n');
}
