/**
 * Who watches a run: a run into a folder prints nothing; each of its seeds is watched by what its caller attaches
 * (progress lines in a terminal or a worker's log, a sweep job's progress), and what it notices of the folder's
 * other seeds goes to the caller's notice.
 */
import type { AgentEvent } from '../agent/events.ts';
import { EventStream, type RunEventBase, type Subscriber } from '../core/events.ts';
import type { ClassificationEvent } from '../core/run-events.ts';

/** The events of a run of either kind (core/run-events.ts): what a watcher of any run takes. */
export type AnyRunEvent = ClassificationEvent | AgentEvent;

/** Watches one seed's run: its events, and its end, however the run ends (a progress bar is stopped). */
export interface SeedWatcher<Event> {
  readonly subscriber: Subscriber<Event>;
  finish?(): void;
}

/** The seed a watcher is asked for. */
export interface WatchedSeed {
  readonly seed: number;
  /** Names the run in progress lines: the options' label, else what runs (and the seed when there are several). */
  readonly label: string;
  /** The seed finished in another process and is read back from its checkpoint only to join the result. */
  readonly joining: boolean;
}

/** Runs `work` with a fresh event stream that the seed's watchers watch, in their order, and finishes them
 * however the work ends. */
export async function watching<Event extends RunEventBase, T>(
  watchers: readonly SeedWatcher<Event>[],
  work: (events: EventStream<Event>) => Promise<T>,
): Promise<T> {
  const events = new EventStream<Event>();
  for (const watcher of watchers) events.subscribe(watcher.subscriber);
  try {
    return await work(events);
  } finally {
    for (const watcher of watchers) watcher.finish?.();
  }
}

/** Notices as dgr's own messages, one line each on `out`: `dgr: <notice>` (a terminal, a worker's log). */
export function noticeLog(out: NodeJS.WritableStream = process.stderr): (line: string) => void {
  return (line) => {
    out.write(`dgr: ${line}\n`);
  };
}
