import type { Command } from 'commander';
// Placeholder until the env work lands: adds `dgr bench env` to the bench command group.
export function registerBenchEnv(_bench: Command): void {}
