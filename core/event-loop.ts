/**
 * Long work on one thread and the event loop. Node handles a signal (a second Ctrl-C), a socket or a worker's
 * message only when the event loop turns, which synchronous work never lets it do; work done in steps (a greedy
 * evaluation's vector steps, a solver's iterations) lets it turn between them. A turn changes nothing the work
 * computes: it only lets what was queued meanwhile run.
 */

/** Resolves once the event loop has turned: signals, messages and timers queued meanwhile have been handled. */
export const turnEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** How often work in steps lets the event loop turn (ms): a turn costs microseconds, a step a millisecond or more,
 *  and 50 ms keeps a second Ctrl-C or a viewer's message prompt. */
export const TURN_EVERY_MS = 50;

/** Between steps of long work: a turn of the event loop once `everyMs` have passed since the last. */
export class EventLoopTurns {
  private last = performance.now();

  constructor(private readonly everyMs = TURN_EVERY_MS) {}

  async between(): Promise<void> {
    if (performance.now() - this.last < this.everyMs) return;
    await turnEventLoop();
    this.last = performance.now();
  }
}
