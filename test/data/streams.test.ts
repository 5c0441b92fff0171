import { describe, expect, it } from 'vitest';
import { labelHistogram, subset } from '../../core/data/dataset.ts';
import { loadMnist } from '../../core/data/mnist.ts';
import { activeUnits, mnistPermutations, permutedMnist, permutePixels, splitMnist } from '../../core/data/streams.ts';
import { Rng } from '../../core/engine/random.ts';
import { sameBytes } from './helpers/bytes.ts';

const mnist = loadMnist();
const sorted = (xs: ArrayLike<number>) => Array.from(xs).sort((a, b) => a - b);
const identity = (n: number) => Array.from({ length: n }, (_, i) => i);
const distinct = (xs: ArrayLike<number>) => sorted([...new Set(Array.from(xs))]);

describe('permuted MNIST permutations', () => {
  it('are bijections on the 784 pixels, the first one the identity by default', () => {
    const perms = mnistPermutations({ tasks: 4, seed: 1 });
    expect(perms).toHaveLength(4);
    expect(Array.from(perms[0])).toEqual(identity(784));
    for (const p of perms.slice(1)) {
      expect(sorted(p)).toEqual(identity(784));
      expect(Array.from(p)).not.toEqual(identity(784));
    }
    expect(Array.from(perms[1])).not.toEqual(Array.from(perms[2]));
  });

  it('permute the first task too when asked, leaving the others unchanged', () => {
    const plain = mnistPermutations({ tasks: 3, seed: 1 });
    const all = mnistPermutations({ tasks: 3, seed: 1, permuteFirst: true });
    expect(Array.from(all[0])).not.toEqual(identity(784));
    expect(sorted(all[0])).toEqual(identity(784));
    expect(Array.from(all[1])).toEqual(Array.from(plain[1]));
    expect(Array.from(all[2])).toEqual(Array.from(plain[2]));
  });

  it('repeat for a seed, differ for another, and do not depend on the number of tasks', () => {
    const a = mnistPermutations({ tasks: 3, seed: 42 });
    const b = mnistPermutations({ tasks: 5, seed: 42 });
    const c = mnistPermutations({ tasks: 3, seed: 43 });
    expect(Array.from(b[1])).toEqual(Array.from(a[1]));
    expect(Array.from(b[2])).toEqual(Array.from(a[2]));
    expect(Array.from(c[1])).not.toEqual(Array.from(a[1]));
  });
});

describe('permutedMnist', () => {
  it('gives every task exactly the permuted pixels of the same images', () => {
    const stream = permutedMnist({ tasks: 2, seed: 5 });
    const perm = mnistPermutations({ tasks: 2, seed: 5 })[1];
    const [first, second] = stream.tasks;
    expect(first.train.x).toBe(mnist.train.x); // identity task shares the bytes
    expect(second.train.n).toBe(60000);
    expect(second.test.n).toBe(10000);
    expect(sameBytes(second.train.y, mnist.train.y)).toBe(true);
    const src = mnist.train.x;
    const dst = second.train.x;
    let mismatches = 0;
    for (let i = 0; i < 60000; i++) {
      const base = i * 784;
      for (let j = 0; j < 784; j++) if (dst[base + j] !== src[base + perm[j]]) mismatches++;
    }
    expect(mismatches).toBe(0);
    expect(sameBytes(dst, src)).toBe(false);
  });

  it('maps labels and units per scenario', () => {
    const limit = { train: 200, test: 50 };
    const domain = permutedMnist({ tasks: 3, seed: 1, limit });
    expect(domain.scenario).toBe('domain');
    expect(domain.outputs).toBe(10);
    expect(domain.tasks.map((t) => t.units)).toEqual([identity(10), identity(10), identity(10)]);
    expect(domain.tasks.map((t) => t.name)).toEqual(['permutation 1 (identity)', 'permutation 2', 'permutation 3']);

    for (const scenario of ['task', 'class'] as const) {
      const stream = permutedMnist({ tasks: 3, seed: 1, scenario, limit });
      expect(stream.outputs).toBe(30);
      stream.tasks.forEach((task, t) => {
        expect(task.units).toEqual(identity(10).map((u) => u + 10 * t));
        expect(Math.min(...task.train.y)).toBeGreaterThanOrEqual(10 * t);
        expect(Math.max(...task.train.y)).toBeLessThan(10 * t + 10);
        // Same images and digits as the domain-IL stream, labels shifted onto the task's head.
        expect(Array.from(task.train.y)).toEqual(Array.from(domain.tasks[t].train.y, (d) => d + 10 * t));
        expect(sameBytes(task.train.x, domain.tasks[t].train.x)).toBe(true);
      });
    }
  });

  it('limits each task to a seeded subset', () => {
    const a = permutedMnist({ tasks: 2, seed: 9, limit: { train: 300, test: 40 } });
    const b = permutedMnist({ tasks: 2, seed: 9, limit: { train: 300, test: 40 } });
    const c = permutedMnist({ tasks: 2, seed: 10, limit: { train: 300, test: 40 } });
    expect(a.tasks[1].train.n).toBe(300);
    expect(a.tasks[1].test.n).toBe(40);
    expect(sameBytes(a.tasks[1].train.x, b.tasks[1].train.x)).toBe(true);
    expect(sameBytes(a.tasks[1].train.x, c.tasks[1].train.x)).toBe(false);
    expect(sameBytes(a.tasks[0].train.y, a.tasks[1].train.y)).toBe(false); // each task draws its own subset
  });

  it('permutes every channel of a pixel together', () => {
    const rgb = { x: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), y: Uint8Array.from([0]), n: 1, shape: [2, 2, 2] as const };
    expect(Array.from(permutePixels(rgb, Int32Array.from([3, 0, 2, 1])).x)).toEqual([7, 8, 1, 2, 5, 6, 3, 4]);
    expect(() => permutePixels(rgb, Int32Array.from([0, 1]))).toThrow('permutation of 2 pixels for images of 2×2');
  });
});

describe('splitMnist', () => {
  it('has five tasks of two digits with the labels of each scenario', () => {
    const task = splitMnist({ scenario: 'task' });
    const domain = splitMnist({ scenario: 'domain' });
    const klass = splitMnist({ scenario: 'class' });
    expect([task.outputs, domain.outputs, klass.outputs]).toEqual([10, 2, 10]);
    for (const stream of [task, domain, klass]) {
      expect(stream.name).toBe('split-mnist');
      expect(stream.tasks.map((t) => t.name)).toEqual(['digits 0/1', 'digits 2/3', 'digits 4/5', 'digits 6/7', 'digits 8/9']);
    }
    task.tasks.forEach((t, i) => {
      expect(t.units).toEqual([2 * i, 2 * i + 1]);
      expect(distinct(t.train.y)).toEqual([2 * i, 2 * i + 1]);
      expect(t.train.n).toBe(labelHistogram(mnist.train, 10)[2 * i] + labelHistogram(mnist.train, 10)[2 * i + 1]);
      expect(t.test.n).toBe(labelHistogram(mnist.test, 10)[2 * i] + labelHistogram(mnist.test, 10)[2 * i + 1]);
    });
    domain.tasks.forEach((t, i) => {
      expect(t.units).toEqual([0, 1]);
      expect(distinct(t.train.y)).toEqual([0, 1]);
      expect(Array.from(t.train.y)).toEqual(Array.from(task.tasks[i].train.y, (l) => l % 2));
    });
    klass.tasks.forEach((t, i) => {
      expect(t.units).toEqual([2 * i, 2 * i + 1]);
      expect(sameBytes(t.train.y, task.tasks[i].train.y)).toBe(true);
      expect(sameBytes(t.train.x, task.tasks[i].train.x)).toBe(true);
    });
  });

  it('follows a class order: labels are positions in it', () => {
    const order = [3, 7, 0, 9, 1, 8, 2, 6, 4, 5];
    const stream = splitMnist({ scenario: 'class', classOrder: order });
    expect(stream.tasks.map((t) => t.name)).toEqual(['digits 3/7', 'digits 0/9', 'digits 1/8', 'digits 2/6', 'digits 4/5']);
    const first = stream.tasks[0];
    const keep = identity(60000).filter((i) => mnist.train.y[i] === 3 || mnist.train.y[i] === 7);
    expect(first.train.n).toBe(6131 + 6265);
    expect(Array.from(first.train.y)).toEqual(keep.map((i) => (mnist.train.y[i] === 3 ? 0 : 1)));
    const i = keep[10];
    expect(sameBytes(first.train.x.subarray(10 * 784, 11 * 784), mnist.train.x.subarray(i * 784, (i + 1) * 784))).toBe(true);
    // In domain-IL the same order gives the first and second digit of each pair labels 0 and 1.
    const domain = splitMnist({ scenario: 'domain', classOrder: order });
    const second = domain.tasks[1];
    const zeros = identity(10000).filter((k) => mnist.test.y[k] === 0).length;
    expect(labelHistogram(second.test, 2)).toEqual([zeros, 1009]);
  });

  it('rejects a class order that is not a permutation of 0-9, and a bad task count', () => {
    expect(() => splitMnist({ scenario: 'class', classOrder: [0, 1, 2, 3, 4, 5, 6, 7, 8, 8] })).toThrow(/permutation of 0-9/);
    expect(() => splitMnist({ scenario: 'class', classOrder: [0, 1, 2] })).toThrow(/permutation of 0-9/);
    expect(() => splitMnist({ scenario: 'class', tasksCount: 6 })).toThrow(/tasksCount must be an integer in 1..5/);
  });

  it('can stop after fewer pairs and keep fewer samples', () => {
    const stream = splitMnist({ scenario: 'class', tasksCount: 2, limit: { train: 100, test: 30 }, seed: 3 });
    expect(stream.tasks).toHaveLength(2);
    expect(stream.outputs).toBe(4);
    expect(stream.tasks.map((t) => [t.train.n, t.test.n])).toEqual([[100, 30], [100, 30]]);
    const again = splitMnist({ scenario: 'class', tasksCount: 2, limit: { train: 100, test: 30 }, seed: 3 });
    expect(sameBytes(again.tasks[1].train.x, stream.tasks[1].train.x)).toBe(true);
    const other = splitMnist({ scenario: 'class', tasksCount: 2, limit: { train: 100, test: 30 }, seed: 4 });
    expect(sameBytes(other.tasks[1].train.x, stream.tasks[1].train.x)).toBe(false);
  });
});

describe('activeUnits', () => {
  it('is the task head in task-IL, the union so far in class-IL, every output in domain-IL', () => {
    const limit = { train: 10, test: 10 };
    expect(activeUnits(splitMnist({ scenario: 'task', limit }), 2)).toEqual([4, 5]);
    expect(activeUnits(splitMnist({ scenario: 'class', limit }), 2)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(activeUnits(splitMnist({ scenario: 'domain', limit }), 3)).toEqual([0, 1]);
    expect(activeUnits(permutedMnist({ tasks: 3, seed: 0, scenario: 'class', limit }), 1)).toEqual(identity(20));
  });
});

describe('subset', () => {
  it('draws distinct samples in their original order, the same for the same seed', () => {
    const small = subset(mnist.test, 500, new Rng(1));
    expect(small.n).toBe(500);
    expect(sameBytes(subset(mnist.test, 500, new Rng(1)).x, small.x)).toBe(true);
    expect(sameBytes(subset(mnist.test, 500, new Rng(2)).x, small.x)).toBe(false);
    expect(subset(mnist.test, 20000, new Rng(1))).toBe(mnist.test);
    expect(() => subset(mnist.test, 0, new Rng(1))).toThrow(/positive integer/);
    // Every picked image is one of the test images, and the picks are not just the first 500.
    expect(sameBytes(small.y, mnist.test.y.subarray(0, 500))).toBe(false);
  });
});
