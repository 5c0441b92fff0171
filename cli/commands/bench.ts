import type { Command } from 'commander';
import { registerBenchEnv } from './bench-env.ts';

export function registerBench(program: Command): void {
  const bench = program.command('bench').description('benchmarks: training-step throughput, environment speed');
  registerBenchEnv(bench);
}
