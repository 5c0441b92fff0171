/**
 * One connected viewer and what the server owes it. Frames are the only messages that may be dropped: while the
 * socket's unsent bytes (`bufferedAmount`) are over the cap, a new frame replaces the one waiting of its kind
 * (latest wins: one learner or scholar frame, one set of arm frames) instead of queueing. Arm frames go only to a
 * viewer that asked for the arms side by side. Everything else (history, curves, control replies) is always sent. A viewer that stays
 * over the cap for `stuckMs`, or whose backlog passes the hard cap, is disconnected, so one stalled reader costs
 * the server a bounded amount of memory and the run nothing.
 */
import type { WebSocket } from 'ws';
import { OPCODE_ARM_FRAMES } from '../protocol/binary.ts';
import type { ServerMessage } from '../protocol/messages.ts';

export interface BackpressureLimits {
  /** Unsent bytes over which frames are held back. */
  readonly frameCap: number;
  /** Unsent bytes over which the viewer is disconnected at once. */
  readonly hardCap: number;
  /** How long a viewer may stay over frameCap before it is disconnected. */
  readonly stuckMs: number;
}

export class Viewer {
  subscribed = false;
  /** Asked for the arms side by side. */
  sideBySide = false;
  /** Answered a ping since the last heartbeat. */
  alive = true;
  framesSent = 0;
  framesDropped = 0;
  /** Largest backlog seen (for tests and the bench). */
  maxBuffered = 0;
  /** The frame waiting to be sent, per kind (its opcode). */
  private readonly waiting = new Map<number, Uint8Array>();
  private overSince: number | null = null;

  constructor(
    readonly socket: WebSocket,
    private readonly limits: BackpressureLimits,
  ) {}

  send(message: ServerMessage): void {
    this.write(JSON.stringify(message));
  }

  /** A message already serialised (one JSON.stringify for every viewer of a broadcast). */
  sendText(text: string): void {
    this.write(text);
  }

  sendBinary(bytes: Uint8Array): void {
    this.write(bytes);
  }

  /** A game frame (or arm frames): sent now, or kept as the one waiting of its kind if the viewer is behind. */
  offerFrame(bytes: Uint8Array): void {
    if (!this.subscribed || (bytes[0] === OPCODE_ARM_FRAMES && !this.sideBySide)) return;
    if (this.socket.bufferedAmount > this.limits.frameCap) {
      if (this.waiting.has(bytes[0])) this.framesDropped++;
      this.waiting.set(bytes[0], bytes);
      return;
    }
    this.waiting.delete(bytes[0]);
    this.framesSent++;
    this.write(bytes);
  }

  /** Called on a timer: sends the waiting frames once the backlog has drained; disconnects a stuck viewer. */
  tick(now: number): void {
    const buffered = this.socket.bufferedAmount;
    this.maxBuffered = Math.max(this.maxBuffered, buffered);
    if (buffered <= this.limits.frameCap) {
      this.overSince = null;
      for (const frame of this.waiting.values()) {
        this.framesSent++;
        this.write(frame);
      }
      this.waiting.clear();
      return;
    }
    this.overSince ??= now;
    if (now - this.overSince > this.limits.stuckMs) this.socket.terminate();
  }

  private write(data: string | Uint8Array): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    this.socket.send(data);
    const buffered = this.socket.bufferedAmount;
    this.maxBuffered = Math.max(this.maxBuffered, buffered);
    if (buffered > this.limits.hardCap) this.socket.terminate();
  }
}
