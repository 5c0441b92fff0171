import { Option, type Command } from 'commander';
import { TRAINING_BENCHMARKS, type TrainingBenchmark } from '../../core/bench/names.ts';
import type { BenchResult } from '../../core/bench/training.ts';
import { benchJson, benchStarted } from '../bench-json.ts';
import { backendOption, intOption, nativeOption, startBackend } from '../options.ts';
import { registerBenchEnv } from './bench-env.ts';
import { registerBenchRl } from './bench-rl.ts';
import { registerBenchServe } from './bench-serve.ts';

function table(results: readonly BenchResult[]): string {
  const width = Math.max('benchmark'.length, ...results.map((r) => r.name.length));
  const rows = results.map((r) => `${r.name.padEnd(width)} ${r.msPerStep.toFixed(2).padStart(9)} ${r.stepsPerSecond.toFixed(1).padStart(9)}`);
  return [`${'benchmark'.padEnd(width)} ${'ms/step'.padStart(9)} ${'steps/s'.padStart(9)}`, ...rows].join('\n');
}

export function registerBench(program: Command): void {
  const bench = program
    .command('bench')
    .description('benchmarks: training-step throughput (default), environment speed (`bench env`), the RL agent (`bench rl`), training with viewers (`bench serve`)');
  bench
    .command('train', { isDefault: true })
    .description(
      'training-step throughput at batch 128 with Adam: solver MLP 784-400-400-10, VAE 784-400-400-z100, replay, the domain pairs CNN solver and conv VAE on 32x32x3, permuted MNIST solver and VAE with 1000-unit layers, and one whole DGR iteration',
    )
    .addOption(backendOption())
    .addOption(nativeOption())
    .option('--json', "print { backend, engine (e.g. 'wasm + OpenBLAS'), benchmarks: [{ name, msPerStep, stepsPerSecond }], provenance } (provenance: the code, engine and machine that measured)")
    .addOption(new Option('--only <names...>', 'run only these benchmarks').choices(TRAINING_BENCHMARKS))
    .option('--repeats <n>', 'timed repeats per benchmark (the median is reported)', intOption('--repeats', 1, 1000), 5)
    .option('--steps <n>', 'steps per timed repeat', intOption('--steps', 1, 10000), 10)
    .option('--profile', 'also print a per-kernel profile of one step of each benchmark named by --only (default: the solver-replay, generator-replay, cnn-replay and conv-vae-replay steps)')
    .action(async (opts: { backend: string; native: boolean; json?: boolean; only?: TrainingBenchmark[]; repeats: number; steps: number; profile?: boolean }) => {
      const backend = await startBackend(opts.backend as never, opts.native);
      const { benchTraining } = await import('../../core/bench/training.ts');
      const { describeBackend, engineOf } = await import('../../core/engine/backend.ts');
      const engine = describeBackend();
      const started = benchStarted(engineOf());
      const results = await benchTraining({
        backend,
        repeats: opts.repeats,
        stepsPerRepeat: opts.steps,
        only: opts.only,
        onResult: opts.json ? undefined : (r) => process.stderr.write(`  ${r.name}: ${r.msPerStep.toFixed(2)} ms\n`),
      });
      if (opts.json) process.stdout.write(benchJson({ backend, engine, benchmarks: results }, started));
      else process.stdout.write(`backend: ${engine}\n${table(results)}\n`);
      if (opts.profile) await printProfiles(opts.only ?? PROFILED);
    });
  registerBenchEnv(bench);
  registerBenchRl(bench);
  registerBenchServe(bench);
}

const PROFILED: readonly TrainingBenchmark[] = ['solver-replay-step', 'generator-replay-step', 'cnn-replay-step', 'conv-vae-replay-step'];

/** Where the time of a step goes, kernel by kernel (tf.profile). */
async function printProfiles(names: readonly TrainingBenchmark[]): Promise<void> {
  const { benchSteps } = await import('../../core/bench/training.ts');
  const { formatKernelProfile, profileKernels } = await import('../../core/engine/profile.ts');
  const { steps, dispose } = benchSteps();
  // dgr-iteration is a whole run, not one step: it has no single-step profile.
  for (const [name, step] of steps.filter(([n]) => names.includes(n))) {
    step(); // warm-up
    const profile = await profileKernels(() => {
      step();
      return [];
    });
    process.stdout.write(`\nper-kernel profile of one ${name} (wall ${profile.wallMs.toFixed(1)} ms):\n${formatKernelProfile(profile)}\n`);
  }
  dispose();
}
