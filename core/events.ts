/**
 * Observers as an event stream: a run emits small, serialisable events (start, progress, curve point, task end,
 * end, error, ...) and any number of subscribers watch it — a progress bar, a JSON log, a WebSocket server.
 * The run never calls an observer by name, and a subscriber can neither slow nor break it: a subscriber that
 * throws is detached and reported to the others as a `subscriber-error` event (Avalanche's loggers, STYLE.md).
 */

/** Every event has a `type`; payloads are plain data (numbers, strings, typed arrays), never datasets. */
export interface RunEventBase {
  readonly type: string;
}

/** Emitted in place of an event a subscriber failed on; that subscriber is detached. */
export interface SubscriberError {
  readonly type: 'subscriber-error';
  readonly event: string;
  readonly message: string;
}

export type Subscriber<E> = (event: E | SubscriberError) => void;

export class EventStream<E extends RunEventBase> {
  private subscribers: Subscriber<E>[] = [];

  /** Adds a subscriber; returns the function that removes it. */
  subscribe(subscriber: Subscriber<E>): () => void {
    this.subscribers.push(subscriber);
    return () => {
      this.subscribers = this.subscribers.filter((s) => s !== subscriber);
    };
  }

  get size(): number {
    return this.subscribers.length;
  }

  emit(event: E): void {
    const failed: { event: string; message: string }[] = [];
    for (const subscriber of [...this.subscribers]) {
      try {
        subscriber(event);
      } catch (error) {
        this.subscribers = this.subscribers.filter((s) => s !== subscriber);
        failed.push({ event: event.type, message: error instanceof Error ? error.message : String(error) });
      }
    }
    for (const f of failed) this.report(f);
  }

  /** Tells the remaining subscribers that one was detached; one that throws on this is detached silently. */
  private report(failure: { event: string; message: string }): void {
    const notice: SubscriberError = { type: 'subscriber-error', ...failure };
    for (const subscriber of [...this.subscribers]) {
      try {
        subscriber(notice);
      } catch {
        this.subscribers = this.subscribers.filter((s) => s !== subscriber);
      }
    }
  }
}
