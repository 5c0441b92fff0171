import { describe, expect, it } from 'vitest';
import { FrameThrottle } from '../../server/throttle.ts';
import { downsample } from '../../server/history.ts';

describe('frame throttle (worker side)', () => {
  it('posts at most `rate` a second, and the newest of those offered in between once its slot comes', async () => {
    let now = 0;
    const posted: number[] = [];
    const throttle = new FrameThrottle<number>(10, (f) => posted.push(f), () => now);
    throttle.offer(1);
    for (let f = 2; f <= 60; f++) {
      now += 2; // 500 offers a second: frame f is offered at (f - 1) × 2 ms
      throttle.offer(f);
    }
    // The next slot opens at 100 ms: frame 51.
    expect(posted).toEqual([1, 51]);
    // The timer posts the newest one offered since (60), none of those in between.
    now += 100;
    await new Promise((r) => setTimeout(r, 150));
    expect(posted).toEqual([1, 51, 60]);
    throttle.dispose();
  });
});

describe('history downsampling', () => {
  it('keeps the first and the last, evenly spread, and everything when asked for more', () => {
    const points = Array.from({ length: 101 }, (_, i) => i);
    expect(downsample(points, 5)).toEqual([0, 25, 50, 75, 100]);
    expect(downsample(points, 2)).toEqual([0, 100]);
    expect(downsample(points, 500)).toEqual(points);
  });
});
