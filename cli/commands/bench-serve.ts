/** `dgr bench serve`: training frames per second with and without viewers of `dgr serve` (server/bench.ts). */
import type { Command } from 'commander';
import type { BackendRequest } from '../../core/engine/backend-names.ts';
import { benchJson, benchStarted } from '../bench-json.ts';
import { backendOption, intOption } from '../options.ts';

export function registerBenchServe(bench: Command): void {
  bench
    .command('serve')
    .description('RL training frames/s with no viewer vs. with N viewers of dgr serve, some of them stalled readers (phases alternate)')
    .addOption(backendOption())
    .option('--seconds <n>', 'seconds timed per phase', intOption('--seconds', 1, 3600), 20)
    .option('--rounds <n>', 'rounds of (no viewer, viewers)', intOption('--rounds', 1, 100), 2)
    .option('--viewers <n>', 'viewers in a watched phase', intOption('--viewers', 1, 30), 10)
    .option('--slow <n>', 'of them, stalled readers (subscribe, then never read)', intOption('--slow', 0, 30), 3)
    .option('--runs-page', 'also, in the watched phases, as many viewers of the runs page (dgr serve --runs) on the run\'s folder, polling it as the page does')
    .option('--side-by-side', 'a run of two arms (gr, none), and every viewer asks for the arms side by side (each arm\'s scholar playing for the viewers)')
    .option('--json', 'print the phases and the totals as JSON')
    .action(async (opts: { backend: string; seconds: number; rounds: number; viewers: number; slow: number; runsPage?: boolean; sideBySide?: boolean; json?: boolean }) => {
      if (opts.slow > opts.viewers) throw new Error(`--slow (${opts.slow}) cannot exceed --viewers (${opts.viewers})`);
      const { benchServe } = await import('../../server/bench.ts');
      // The run computes in the job's worker thread, on the backend it chooses from this request.
      const started = benchStarted(`the run's thread: backend ${opts.backend}`);
      const result = await benchServe({ ...opts, backend: opts.backend as BackendRequest, log: (line) => process.stderr.write(`${line}\n`) });
      if (opts.json) {
        process.stdout.write(benchJson(result, started, 2));
        return;
      }
      const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} %`;
      process.stdout.write(
        `training frames/s: ${Math.round(result.unwatched)} with no viewer, ${Math.round(result.watched)} with ${opts.viewers} (${opts.slow} stalled)` +
          `${opts.sideBySide ? ', all of them on the arms side by side' : ''}: ${pct(result.change)} (ratio ${(result.watched / result.unwatched).toFixed(3)})\n` +
          `frames per CPU second of the process: ${Math.round(result.unwatchedPerCpuSecond)} vs ${Math.round(result.watchedPerCpuSecond)}: ${pct(result.cpuChange)}\n` +
          `the viewers' cost: ${result.viewerCpuMsPerSecond.toFixed(1)} ms of the process's CPU per second (${(result.viewerCpuMsPerSecond / 10).toFixed(1)} % of a core)\n` +
          `last watched phase: ${result.framesSent} frames sent to viewers, ${result.framesDropped} held back for stalled ones\n` +
          (opts.runsPage ? `runs page: ${result.runsPageRequests} requests from ${opts.viewers} viewers, the folder read ${result.runsPageReads} times\n` : ''),
      );
    });
}
