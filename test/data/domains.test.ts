import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { domainPair, drawTexture, loadDomain, mnistToRgb, syntheticDigits, TEXTURE_KINDS } from '../../core/data/domains/index.ts';
import { MI, MX } from '../../core/data/mat.ts';
import { subset } from '../../core/data/dataset.ts';
import { loadMnist } from '../../core/data/mnist.ts';
import { Rng } from '../../core/engine/random.ts';
import { sameBytes } from './helpers/bytes.ts';
import { writeMat } from './helpers/mat-writer.ts';

const mnist = loadMnist();
const few = subset(mnist.test, 64, new Rng(0));
const limit = { train: 64, test: 32 };

describe('MNIST in the 32×32×3 frame', () => {
  const rgb = mnistToRgb(few);

  it('centres each digit with a 2-pixel border and copies it to the three channels', () => {
    expect(rgb.shape).toEqual([32, 32, 3]);
    expect(rgb.n).toBe(64);
    expect(rgb.y).toBe(few.y);
    let wrong = 0;
    for (let i = 0; i < rgb.n; i++) {
      for (let r = 0; r < 32; r++) {
        for (let c = 0; c < 32; c++) {
          const inside = r >= 2 && r < 30 && c >= 2 && c < 30;
          const expected = inside ? few.x[i * 784 + (r - 2) * 28 + (c - 2)] : 0;
          for (let k = 0; k < 3; k++) if (rgb.x[i * 3072 + (r * 32 + c) * 3 + k] !== expected) wrong++;
        }
      }
    }
    expect(wrong).toBe(0);
  });

  it('tints each digit with a seeded colour whose brightest channel keeps the stroke', () => {
    const a = mnistToRgb(few, { tint: new Rng(1) });
    const b = mnistToRgb(few, { tint: new Rng(1) });
    const c = mnistToRgb(few, { tint: new Rng(2) });
    expect(sameBytes(a.x, b.x)).toBe(true);
    expect(sameBytes(a.x, c.x)).toBe(false);
    expect(sameBytes(a.x, rgb.x)).toBe(false);
    for (let i = 0; i < 8; i++) {
      // The brightest pixel of the framed digit keeps its value in its brightest channel; channels differ.
      const image = a.x.subarray(i * 3072, (i + 1) * 3072);
      const plainMax = Math.max(...rgb.x.subarray(i * 3072, (i + 1) * 3072));
      expect(Math.max(...image)).toBe(plainMax);
      const sums = [0, 1, 2].map((k) => image.filter((_, p) => p % 3 === k).reduce((s, v) => s + v, 0));
      expect(new Set(sums).size).toBeGreaterThan(1);
    }
  });
});

describe('the synthetic domain', () => {
  it('draws every texture kind as a non-flat, seeded image', () => {
    for (const kind of TEXTURE_KINDS) {
      const a = new Uint8Array(3072);
      const b = new Uint8Array(3072);
      const c = new Uint8Array(3072);
      drawTexture(kind, new Rng(4), a);
      drawTexture(kind, new Rng(4), b);
      drawTexture(kind, new Rng(5), c);
      expect(sameBytes(a, b)).toBe(true);
      expect(sameBytes(a, c)).toBe(false);
      expect(new Set(a).size).toBeGreaterThan(8);
    }
  });

  it('is |texture − digit|: texture in the background, its inverse under full-ink strokes', () => {
    const framed = mnistToRgb(few);
    const synthetic = syntheticDigits(few, new Rng(7));
    expect(synthetic.shape).toEqual([32, 32, 3]);
    expect(synthetic.y).toBe(few.y);
    // Recreate image 0's texture from the same generator state: the first draw picks the kind.
    const rng = new Rng(7);
    const texture = new Uint8Array(3072);
    drawTexture(TEXTURE_KINDS[rng.int(TEXTURE_KINDS.length)], rng, texture);
    let wrong = 0;
    for (let p = 0; p < 3072; p++) if (synthetic.x[p] !== Math.abs(texture[p] - framed.x[p])) wrong++;
    expect(wrong).toBe(0);
    expect(synthetic.x[0]).toBe(texture[0]); // a corner is background
    expect(sameBytes(synthetic.x.subarray(0, 3072), framed.x.subarray(0, 3072))).toBe(false);
  });

  it('never contains MNIST: full-ink strokes are darker than the background in every channel of every image', () => {
    const framed = mnistToRgb(few);
    const synthetic = syntheticDigits(few, new Rng(8));
    for (let i = 0; i < few.n; i++) {
      let darkestBackground = 255;
      let lightestStroke = 0;
      for (let p = i * 3072; p < (i + 1) * 3072; p++) {
        if (framed.x[p] === 0) darkestBackground = Math.min(darkestBackground, synthetic.x[p]);
        if (framed.x[p] === 255) lightestStroke = Math.max(lightestStroke, synthetic.x[p]);
      }
      expect(lightestStroke).toBeLessThan(darkestBackground);
    }
  });

  it('is deterministic from the seed', () => {
    const a = loadDomain('synthetic', { seed: 3, limit });
    const b = loadDomain('synthetic', { seed: 3, limit });
    const c = loadDomain('synthetic', { seed: 4, limit });
    expect(sameBytes(a.train.x, b.train.x)).toBe(true);
    expect(sameBytes(a.test.x, b.test.x)).toBe(true);
    expect(sameBytes(a.train.x, c.train.x)).toBe(false);
    expect([a.train.n, a.test.n]).toEqual([64, 32]);
    expect(a.train.shape).toEqual([32, 32, 3]);
  });
});

describe('domainPair', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dgr-svhn-pair-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('makes two domain-incremental tasks with 10 shared outputs', () => {
    const stream = domainPair('mnist', 'synthetic', { seed: 1, limit });
    expect(stream.name).toBe('mnist-synthetic');
    expect(stream.scenario).toBe('domain');
    expect(stream.outputs).toBe(10);
    expect(stream.shape).toEqual([32, 32, 3]);
    expect(stream.tasks.map((t) => [t.index, t.name, t.train.n, t.test.n])).toEqual([[0, 'mnist', 64, 32], [1, 'synthetic', 64, 32]]);
    for (const task of stream.tasks) {
      expect(task.units).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(Math.max(...task.train.y)).toBeLessThanOrEqual(9);
      expect(task.train.x.length).toBe(64 * 3072);
    }
  });

  it('gives a domain the same data whichever pair and order it is in', () => {
    const forward = domainPair('mnist', 'synthetic', { seed: 2, limit });
    const backward = domainPair('synthetic', 'mnist', { seed: 2, limit });
    expect(backward.name).toBe('synthetic-mnist');
    expect(sameBytes(forward.tasks[0].train.x, backward.tasks[1].train.x)).toBe(true);
    expect(sameBytes(forward.tasks[1].test.x, backward.tasks[0].test.x)).toBe(true);
    const tinted = domainPair('mnist', 'synthetic', { seed: 2, limit, tint: true });
    expect(sameBytes(tinted.tasks[0].train.x, forward.tasks[0].train.x)).toBe(false);
    expect(sameBytes(tinted.tasks[1].train.x, forward.tasks[1].train.x)).toBe(true);
  });

  it('pairs MNIST with SVHN from a folder, and explains a missing SVHN', () => {
    const X = new Uint8Array(3072 * 3).map((_, i) => i % 251);
    const file = writeMat([
      { name: 'X', classId: MX.UINT8, dims: [32, 32, 3, 3], storage: MI.UINT8, values: X },
      { name: 'y', classId: MX.DOUBLE, dims: [3, 1], storage: MI.DOUBLE, values: [10, 5, 9] },
    ], { compress: true });
    writeFileSync(join(dir, 'train_32x32.mat'), file);
    writeFileSync(join(dir, 'test_32x32.mat'), file);
    const stream = domainPair('svhn', 'mnist', { seed: 0, limit, svhnDir: dir });
    expect(stream.name).toBe('svhn-mnist');
    expect(Array.from(stream.tasks[0].train.y)).toEqual([0, 5, 9]);
    expect(stream.tasks[1].train.n).toBe(64);
    expect(() => domainPair('mnist', 'svhn', { seed: 0, svhnDir: join(dir, 'nowhere') })).toThrow(/SVHN file not found: .*nowhere.*train_32x32\.mat\. Download/);
    expect(() => domainPair('mnist', 'mnist', { seed: 0 })).toThrow('domainPair: the two domains must differ, got mnist twice');
  });
});
