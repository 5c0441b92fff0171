/** The worker's throttle on what an RL run emits faster than viewers can take (frames, episodes). */

/**
 * Keeps the newest frame offered and posts at most `rate` per second. A frame that arrives too soon replaces the
 * waiting one, which a timer posts when its slot comes (so the last frame before a pause is still shown).
 */
export class FrameThrottle<F> {
  private last = -Infinity;
  private waiting: F | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly rate: number,
    private readonly post: (frame: F) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  offer(frame: F): void {
    const gap = 1000 / this.rate;
    const t = this.now();
    if (t - this.last >= gap) {
      this.last = t;
      this.waiting = null;
      this.post(frame);
      return;
    }
    this.waiting = frame;
    this.timer ??= setTimeout(() => this.flush(), Math.max(0, gap - (t - this.last)));
  }

  private flush(): void {
    this.timer = null;
    if (this.waiting === null) return;
    const frame = this.waiting;
    this.waiting = null;
    this.last = this.now();
    this.post(frame);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
