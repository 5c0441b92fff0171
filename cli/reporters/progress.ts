/** An experiment run's progress in `dgr`'s output: on a terminal, a bar with ETA, task, iteration, losses and the
 * latest accuracy beside the log's task-end lines; in a file or a pipe, the log's lines (runner/progress-log.ts). */
import { SingleBar } from 'cli-progress';
import type { ContinualEvent } from '../../core/run-events.ts';
import { progressLog, type ProgressBar, type ProgressReporter } from '../../runner/progress-log.ts';
import type { SeedRunOptions } from '../../runner/seed-folders.ts';
import { noticeLog } from '../../runner/watchers.ts';

/** The terminal's bar, labelled `label`. */
function terminalBar(label: string, out: NodeJS.WriteStream): ProgressBar {
  return new SingleBar({
    format: `${label} [{bar}] {percentage}% ETA {left} | task {task} it {it} | loss {loss} | gen {gen} | acc {acc}`,
    stream: out,
    hideCursor: true,
    barsize: 24,
  });
}

export function progressReporter(label: string, out: NodeJS.WriteStream = process.stderr): ProgressReporter {
  return progressLog(label, out, out.isTTY ? () => terminalBar(label, out) : undefined);
}

/** How `dgr experiment` and `dgr rerun` watch an experiment run into a folder: each seed's progress, and the
 * folder's notices, on stderr. */
export function experimentOutput(): Pick<SeedRunOptions<ContinualEvent>, 'watch' | 'notice'> {
  return { watch: ({ label }) => [progressReporter(label)], notice: noticeLog() };
}
