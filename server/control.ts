/**
 * The job's controls in shared memory, so the server's thread changes them and the job's worker thread sees the
 * change at its next read — even while its event loop is busy training (a posted message would wait for it).
 * The RL agent reads an `AgentControl` object (agent/events.ts); `sharedAgentControl` is one whose fields are
 * views of this buffer. A classification run has no controls of its own: its observer waits here while paused.
 */
import type { AgentControl } from '../agent/events.ts';
import type { ControlState } from '../protocol/messages.ts';
import type { Watching } from './job.ts';

const PAUSED = 0;
/** watch + 1 (0: null). */
const WATCH = 1;
const STOP = 2;
/** Bumped on every change, so a paused worker can Atomics.wait on it. */
const SEQ = 3;
/** Whether any viewer is subscribed (frames are built only then). */
const WATCHED = 4;
/** Whether any subscribed viewer wants the arms side by side (those games are played only then). */
const SIDE_BY_SIDE = 5;
const INTS = 6;

export class SharedControl {
  readonly buffer: SharedArrayBuffer;
  private readonly ints: Int32Array;
  private readonly speed: Float64Array;

  constructor(buffer?: SharedArrayBuffer) {
    this.buffer = buffer ?? new SharedArrayBuffer(8 * 4);
    this.ints = new Int32Array(this.buffer, 0, INTS);
    this.speed = new Float64Array(this.buffer, 4 * INTS, 1);
  }

  state(): ControlState {
    const watch = Atomics.load(this.ints, WATCH);
    return { paused: Atomics.load(this.ints, PAUSED) === 1, framesPerSecond: this.speed[0], watch: watch === 0 ? null : watch - 1 };
  }

  get paused(): boolean {
    return Atomics.load(this.ints, PAUSED) === 1;
  }

  get stopRequested(): boolean {
    return Atomics.load(this.ints, STOP) === 1;
  }

  get watched(): boolean {
    return Atomics.load(this.ints, WATCHED) === 1;
  }

  get sideBySide(): boolean {
    return Atomics.load(this.ints, SIDE_BY_SIDE) === 1;
  }

  setPaused(paused: boolean): void {
    this.store(PAUSED, paused ? 1 : 0);
  }

  setSpeed(framesPerSecond: number): void {
    this.speed[0] = framesPerSecond;
    this.store(SEQ, Atomics.load(this.ints, SEQ) + 1);
  }

  setWatch(game: number | null): void {
    this.store(WATCH, game === null ? 0 : game + 1);
  }

  requestStop(): void {
    this.store(STOP, 1);
  }

  setWatched(watching: Watching): void {
    Atomics.store(this.ints, WATCHED, watching.frames ? 1 : 0);
    Atomics.store(this.ints, SIDE_BY_SIDE, watching.sideBySide ? 1 : 0);
  }

  /** In the worker: blocks the thread while paused (up to `ms` per wait), unless a stop is requested. */
  waitWhilePaused(ms = 200): void {
    while (this.paused && !this.stopRequested) Atomics.wait(this.ints, SEQ, Atomics.load(this.ints, SEQ), ms);
  }

  private store(index: number, value: number): void {
    Atomics.store(this.ints, index, value);
    if (index !== SEQ) Atomics.add(this.ints, SEQ, 1);
    Atomics.notify(this.ints, SEQ);
  }
}

/** An AgentControl whose fields read and write the shared buffer (what the agent's loop polls). */
export function sharedAgentControl(control: SharedControl): AgentControl {
  return {
    get paused() {
      return control.paused;
    },
    set paused(value: boolean) {
      control.setPaused(value);
    },
    get speed() {
      return control.state().framesPerSecond;
    },
    set speed(value: number) {
      control.setSpeed(value);
    },
    // With nobody watching, the scholar need not play for the viewers (a forward pass per step).
    get watch() {
      return control.watched ? control.state().watch : null;
    },
    set watch(value: number | null) {
      control.setWatch(value);
    },
    get sideBySide() {
      return control.sideBySide;
    },
    get stop() {
      return control.stopRequested;
    },
    set stop(value: boolean) {
      if (value) control.requestStop();
    },
  };
}
