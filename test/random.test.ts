import { describe, expect, it } from 'vitest';
import { Rng } from '../core/engine/random.ts';

describe('Rng', () => {
  it('repeats a stream for the same seed and differs for another', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const c = new Rng(8);
    const sa = Array.from({ length: 50 }, () => a.nextUint32());
    expect(Array.from({ length: 50 }, () => b.nextUint32())).toEqual(sa);
    expect(Array.from({ length: 50 }, () => c.nextUint32())).not.toEqual(sa);
  });

  it('resumes exactly from a saved state', () => {
    const a = new Rng(3);
    for (let i = 0; i < 10; i++) a.uniform();
    const b = Rng.fromState(a.state());
    expect(Array.from({ length: 20 }, () => b.uniform())).toEqual(Array.from({ length: 20 }, () => a.uniform()));
  });

  it('draws normals with mean 0 and variance 1, and true permutations', () => {
    const rng = new Rng(1);
    const xs = rng.fillNormal(new Float32Array(20000));
    const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
    const variance = xs.reduce((s, v) => s + (v - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    const p = Array.from(rng.permutation(100));
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(p).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});
