/** A run's progress in `dgr`'s output, for both kinds of run: on a terminal, one line rewritten in place beside the
 * log's other lines; in a file or a pipe, the log's lines (runner/progress-log.ts). */
import { progressLog, type LiveLine, type ProgressReporter } from '../../runner/progress-log.ts';
import type { SeedRunOptions } from '../../runner/seed-folders.ts';
import { noticeLog, type AnyRunEvent } from '../../runner/watchers.ts';

/** The terminal's line: cleared and written again on each show. */
function liveLine(out: NodeJS.WriteStream): LiveLine {
  let shown = false;
  return {
    show(text) {
      out.write(`\r\x1b[2K${text}`);
      shown = true;
    },
    end() {
      if (shown) out.write('\n');
      shown = false;
    },
  };
}

export function progressReporter(label: string, out: NodeJS.WriteStream = process.stderr): ProgressReporter {
  return progressLog(label, out, out.isTTY ? liveLine(out) : undefined);
}

/** How `dgr experiment`, `dgr rl` and `dgr rerun` watch a run into a folder: each seed's progress (but a seed read
 * back only to join the result), and the folder's notices, on stderr. */
export function runOutput(): Pick<SeedRunOptions<AnyRunEvent>, 'watch' | 'notice'> {
  return { watch: ({ label, joining }) => (joining ? [] : [progressReporter(label)]), notice: noticeLog() };
}
