/**
 * Ctrl-C (or SIGTERM) while a command runs: the first asks the run to stop at its next checkpoint (an RL learner
 * mid-game or a consolidation between two reports checkpoints where it stands), so the same command resumes it; a second quits at once with status 130
 * (what a shell reports for an interrupted command), losing what the run did since its last checkpoint. A signal
 * is handled only when the event loop turns, so every long step of a run lets it turn now and then
 * (core/event-loop.ts).
 */

/** Ends the process now, saying what is lost: the second Ctrl-C of a command (`who` names it in the message). */
export function quitAtOnce(who: string, signal: string): never {
  process.stderr.write(`\n${who}: ${signal} again: quitting at once; nothing after the run's last checkpoint is kept (the same command resumes from that checkpoint)\n`);
  process.exit(130);
}

/** Runs `run` with the two-step Ctrl-C: its `shouldStop` turns true at the first signal, the second quits. */
export async function stoppableRun<T>(run: (shouldStop: () => boolean) => Promise<T>): Promise<T> {
  let stop = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stop) quitAtOnce('dgr', signal);
    stop = true;
    process.stderr.write(`\ndgr: ${signal}: stopping at the next checkpoint (again to quit at once)\n`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await run(() => stop);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Says where a run that stopped at the first Ctrl-C left its checkpoint and how to resume it (a command without
 *  --out writes to a new folder each time), and ends the command with status 130. */
export function sayStopped(out: string, outGiven: boolean): void {
  const resume = outGiven ? 'the same command resumes it' : `the same command with --out ${out} resumes it`;
  process.stderr.write(`dgr: stopped with a checkpoint in ${out}; ${resume}\n`);
  process.exitCode = 130;
}
