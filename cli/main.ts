/**
 * The `dgr` command line: one program, one file per subcommand under ./commands.
 * Errors are printed as one readable line (the wasm module would otherwise rethrow them as a screenful of
 * minified code) and set a non-zero exit status.
 */
import { Command, CommanderError } from 'commander';
import { registerBench } from './commands/bench.ts';
import { registerCheck } from './commands/check.ts';
import { registerEnv } from './commands/env.ts';
import { registerExperiment } from './commands/experiment.ts';

export function buildProgram(): Command {
  const program = new Command('dgr')
    .description('Continual learning with Deep Generative Replay: paper experiments, RL agents, live viewer.')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerBench(program);
  registerEnv(program);
  registerExperiment(program);
  registerCheck(program);
  return program;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const first = error.message.split('\n')[0] ?? '';
    // The wasm glue can throw errors whose message is its own minified source; keep the message readable.
    return first.length > 500 ? `${first.slice(0, 500)}…` : first;
  }
  return String(error);
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    process.stderr.write(`dgr: error: ${describe(error)}\n`);
    if (process.env.DGR_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exitCode = 1;
  }
}
