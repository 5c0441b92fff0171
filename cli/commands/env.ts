import type { Command } from 'commander';
// Placeholder until the env work lands: `dgr env ...` subcommands are registered here.
export function registerEnv(_program: Command): void {}
