/** `dgr bench rl`: the RL agent's step throughput beside ../shared/bench/torch_rl_reference.py, and whole-loop frames/s. */
import { Option, type Command } from 'commander';
import { benchJson, benchStarted } from '../bench-json.ts';
import { backendOption, intOption, nativeOption, startBackend } from '../options.ts';

// Listed here without importing agent/ (and tfjs) at start-up; agent/bench.ts's RL_BENCHMARKS is the same list (a test checks).
export const RL_BENCH_NAMES = ['dqn-step', 'act-16', 'distill-step', 'obs-vae-step', 'obs-grid-vae-step', 'obs-replay-sample', 'loop'] as const;
const NAMES = RL_BENCH_NAMES;

export function registerBenchRl(bench: Command): void {
  bench
    .command('rl')
    .description('RL step throughput, named and sized as torch_rl_reference.py: dqn-step, act-16, distill-step, obs-vae-step, obs-replay-sample; obs-grid-vae-step (the grid VAE, same batches); and loop (a Breakout learner\'s frames/s, acting + learning)')
    .addOption(backendOption())
    .addOption(nativeOption())
    .option('--json', 'print { backend, benchmarks: [{ name, msPerStep, stepsPerSecond }], provenance } (loop: ms and frames per second; provenance: the code, engine and machine that measured)')
    .addOption(new Option('--only <names...>', 'run only these benchmarks').choices(NAMES))
    // The reference's own timing: 20 warm-up steps, then the median of 7 repeats of 50 steps.
    .option('--repeats <n>', 'timed repeats per benchmark (the median is reported; the reference times 7)', intOption('--repeats', 1, 1000), 7)
    .option('--steps <n>', 'steps per timed repeat (the reference times 50)', intOption('--steps', 1, 10000), 50)
    .option('--loop-frames <n>', 'frames of the whole-loop benchmark', intOption('--loop-frames', 160, 10_000_000), 16_000)
    .action(async (opts: { backend: string; native: boolean; json?: boolean; only?: (typeof NAMES)[number][]; repeats: number; steps: number; loopFrames: number }) => {
      const backend = await startBackend(opts.backend as never, opts.native);
      const { benchRl } = await import('../../agent/bench.ts');
      const { engineOf } = await import('../../core/engine/backend.ts');
      const started = benchStarted(engineOf());
      const results = await benchRl({
        backend,
        repeats: opts.repeats,
        stepsPerRepeat: opts.steps,
        only: opts.only,
        loopFrames: opts.loopFrames,
        onResult: opts.json ? undefined : (r) => process.stderr.write(`  ${r.name}: ${r.msPerStep.toFixed(3)} ms\n`),
      });
      if (opts.json) {
        process.stdout.write(benchJson({ backend, benchmarks: results }, started));
        return;
      }
      process.stdout.write(`backend: ${backend}\n${'benchmark'.padEnd(18)} ${'ms/step'.padStart(9)} ${'steps/s'.padStart(10)}\n`);
      for (const r of results) process.stdout.write(`${r.name.padEnd(18)} ${r.msPerStep.toFixed(3).padStart(9)} ${r.stepsPerSecond.toFixed(1).padStart(10)}${r.name === 'loop' ? '  (per frame; frames/s)' : ''}\n`);
    });
}
