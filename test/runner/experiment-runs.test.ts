/**
 * A run into a folder prints nothing: each seed's events go to the watchers its caller attaches (asked for as the
 * seed starts, finished as it ends), and what it notices of the folder's other seeds goes to the caller's notice.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { useBackend } from '../../core/engine/backend.ts';
import { runArm } from '../../runner/experiment-runs.ts';
import type { WatchedSeed } from '../../runner/watchers.ts';
import { twoTaskSplit } from '../core/helpers.ts';

const config = twoTaskSplit('none', { stream: { kind: 'split-mnist', scenario: 'class', tasks: 2, limit: { train: 400, test: 100 } }, iterations: 10 });
const dir = join(mkdtempSync(join(tmpdir(), 'dgr-runner-')), 'none');

/** What one call of runArm told its caller, and what it wrote to the process's own output meanwhile. */
interface Told {
  readonly seeds: WatchedSeed[];
  readonly events: Map<number, string[]>;
  readonly finished: number[];
  readonly notices: string[];
  readonly printed: string[];
}

async function run(seed: number): Promise<Told & { result: Awaited<ReturnType<typeof runArm>> }> {
  const told: Told = { seeds: [], events: new Map(), finished: [], notices: [], printed: [] };
  const print = (chunk: unknown): boolean => (told.printed.push(String(chunk)), true);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(print);
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(print);
  try {
    const result = await runArm({ ...config, seed }, [seed], 'wasm', dir, 'test', {
      watch: (watched) => {
        told.seeds.push(watched);
        const types: string[] = [];
        told.events.set(watched.seed, types);
        return [{ subscriber: (event) => void types.push(event.type), finish: () => void told.finished.push(watched.seed) }];
      },
      notice: (line) => told.notices.push(line),
    });
    return { ...told, result };
  } finally {
    stderr.mockRestore();
    stdout.mockRestore();
  }
}

describe('a run into a folder', () => {
  let first: Awaited<ReturnType<typeof run>>;
  let second: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    await useBackend('wasm');
    first = await run(1);
    second = await run(2);
  }, 600_000);
  afterAll(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('prints nothing: its seeds are watched by the watchers asked for, each finished once', () => {
    expect(first.printed).toEqual([]);
    expect(first.seeds).toEqual([{ seed: 1, label: 'split-mnist/none', joining: false }]);
    const events = first.events.get(1)!;
    expect(events[0]).toBe('start');
    expect(events.filter((type) => type === 'task-end')).toHaveLength(2);
    expect(first.finished).toEqual([1]);
    expect(first.notices).toEqual([]);
  });

  it('tells its notice of a seed another run finished, and reads that seed back as a joining one', () => {
    expect(second.printed).toEqual([]);
    expect(second.notices).toEqual([`seed 1, finished earlier in ${dir}, joins the result`]);
    expect(second.seeds).toEqual([
      { seed: 2, label: 'split-mnist/none', joining: false },
      { seed: 1, label: 'split-mnist/none', joining: true },
    ]);
    expect(second.finished).toEqual([2, 1]);
    expect(second.result).not.toBe('stopped');
    expect(JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')).seeds).toEqual([1, 2]);
  });
});
