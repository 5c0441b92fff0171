/** An RL run's progress in `dgr`'s output: on a terminal, one line rewritten in place beside the log's other
 * lines; in a file or a pipe, the log's lines (runner/rl-progress-log.ts). */
import type { AgentEvent } from '../../agent/events.ts';
import { rlProgressLog, type LiveLine } from '../../runner/rl-progress-log.ts';
import type { SeedRunOptions } from '../../runner/seed-folders.ts';
import { noticeLog } from '../../runner/watchers.ts';

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

export function rlProgressReporter(label: string, out: NodeJS.WriteStream = process.stderr): ReturnType<typeof rlProgressLog> {
  return rlProgressLog(label, out, out.isTTY ? liveLine(out) : undefined);
}

/** How `dgr rl` and `dgr rerun` watch an RL run into a folder: each seed's progress (but a seed read back only to
 * join the result), and the folder's notices, on stderr. */
export function rlOutput(): Pick<SeedRunOptions<AgentEvent>, 'watch' | 'notice'> {
  return { watch: ({ label, joining }) => (joining ? [] : [rlProgressReporter(label)]), notice: noticeLog() };
}
