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
import { registerMerge } from './commands/merge.ts';
import { registerReport } from './commands/report.ts';
import { registerRerun } from './commands/rerun.ts';
import { registerRl } from './commands/rl.ts';
import { registerServe } from './commands/serve.ts';
import { registerSweep } from './commands/sweep.ts';
import { registerWorker } from './commands/worker.ts';

export function buildProgram(): Command {
  const program = new Command('dgr')
    .description('Continual learning with Deep Generative Replay: paper experiments, RL agents, live viewer.')
    .showHelpAfterError('(run with --help for usage)')
    // Options after a subcommand's name belong to it: `dgr sweep status --redis URL` is status's --redis.
    .enablePositionalOptions()
    .exitOverride();
  registerBench(program);
  registerEnv(program);
  registerExperiment(program);
  registerCheck(program);
  registerMerge(program);
  registerReport(program);
  registerRerun(program);
  registerRl(program);
  registerServe(program);
  registerSweep(program);
  registerWorker(program);
  return program;
}

/** Lines of an error message kept: a config with many bad fields lists one per line. */
const MAX_LINES = 30;
/** Longest line kept: the wasm glue can throw errors whose message is its own minified source. */
const MAX_LINE = 500;

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const lines = error.message.split('\n');
  const kept = lines.slice(0, MAX_LINES).map((line) => (line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line));
  if (lines.length > MAX_LINES) kept.push(`  … ${lines.length - MAX_LINES} more lines`);
  return kept.join('\n');
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
