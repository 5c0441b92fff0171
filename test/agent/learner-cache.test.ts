/**
 * The learner cache: a run that finds its learners in the cache loads them instead of training, and ends with
 * exactly the result of the run that trained them; a run that changes only the scholar reuses them; a run that
 * changes the learner trains its own; a damaged entry is an error naming it; runs sharing a cache at once train
 * each learner once (one claims it, the other waits), and a claim left by a dead process is taken over.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../agent/events.ts';
import { claimLearner, learnerKey } from '../../agent/learner-cache.ts';
import { runAgent } from '../../agent/run.ts';
import type { AgentResult } from '../../agent/result.ts';
import type { AgentConfig } from '../../agent/config.ts';
import { useBackend } from '../../core/engine/backend.ts';
import { EventStream } from '../../core/events.ts';
import { parseSchedule } from '../../env/schedule.ts';
import { numbers, tinyConfig } from './helpers.ts';

const config = tinyConfig(['gr', 'none']);
const cache = mkdtempSync(join(tmpdir(), 'dgr-learners-'));

/** A run and what it did: how many learner steps it reported (none when every learner came from the cache), and
 *  the games whose learner it said it waited for. */
async function run(c: AgentConfig, learnerCache?: string): Promise<{ result: AgentResult; learnSteps: number; waited: number[] }> {
  const events = new EventStream<AgentEvent>();
  let learnSteps = 0;
  const waited: number[] = [];
  events.subscribe((e) => {
    if (e.type === 'progress' && e.phase === 'learn') learnSteps += 1;
    if (e.type === 'progress' && e.phase === 'wait') waited.push(e.task);
  });
  const result = await runAgent(c, { backend: 'wasm', events, learnerCache });
  return { result, learnSteps, waited };
}

const withoutReuse = (r: AgentResult) => {
  const n = numbers(r);
  return { ...n, learners: n.learners.map(({ reused: _r, ...rest }) => rest) };
};

let trainedHere: Awaited<ReturnType<typeof run>>;
let saving: Awaited<ReturnType<typeof run>>;
let loading: Awaited<ReturnType<typeof run>>;

describe('the learner cache', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    trainedHere = await run(config);
    saving = await run(config, cache);
    loading = await run(config, cache);
  }, 900_000);
  afterAll(() => rmSync(cache, { recursive: true, force: true }));

  it('saves each learner a run trains, and a run with the same settings loads them instead of training', () => {
    expect(readdirSync(cache).sort()).toEqual([expect.stringMatching(/^seed-1-game-0-[0-9a-f]{20}$/), expect.stringMatching(/^seed-1-game-1-[0-9a-f]{20}$/)]);
    expect(saving.learnSteps).toBeGreaterThan(0);
    expect(saving.result.learners.every((l) => l.reused === undefined)).toBe(true);
    expect(loading.learnSteps).toBe(0);
    expect(loading.result.learners.map((l) => l.reused)).toEqual([true, true]);
  });

  it('ends with exactly the result of the runs that trained their learners', () => {
    expect(numbers(saving.result)).toEqual(numbers(trainedHere.result));
    expect(withoutReuse(loading.result)).toEqual(withoutReuse(trainedHere.result));
    // A reused learner keeps the training time of the run that trained it; the run's own time is shorter.
    expect(loading.result.learnerSeconds).toBeCloseTo(saving.result.learnerSeconds, 6);
  });

  it('serves a run that changes only the scholar, not one that changes the learner', async () => {
    const scholar = await run({ ...config, arms: ['gr'], scholar: { ...config.scholar, iterations: 10 } }, cache);
    expect(scholar.learnSteps).toBe(0);
    expect(withoutReuse(scholar.result).learners).toEqual(withoutReuse(trainedHere.result).learners);
    expect(scholar.result.arms[0].R).not.toEqual(trainedHere.result.arms[0].R);

    const learner = await run({ ...config, arms: ['none'], learner: { ...config.learner, gamma: 0.9 } }, cache);
    expect(learner.learnSteps).toBeGreaterThan(0);
    expect(learner.result.learners.every((l) => l.reused === undefined)).toBe(true);
    expect(readdirSync(cache)).toHaveLength(4);
  }, 600_000);

  it('names a damaged entry rather than training past it', async () => {
    const damaged = mkdtempSync(join(tmpdir(), 'dgr-learners-damaged-'));
    try {
      await run({ ...config, arms: ['none'], seed: 7 }, damaged);
      const first = readdirSync(damaged).find((d) => d.startsWith('seed-7-game-0-')) as string;
      truncateSync(join(damaged, first, 'tensors.bin'), 100);
      await expect(run({ ...config, arms: ['none'], seed: 7 }, damaged)).rejects.toThrow(new RegExp(`${first}/tensors.bin: expected \\d+ bytes`));
    } finally {
      rmSync(damaged, { recursive: true, force: true });
    }
  }, 600_000);

  it('runs sharing a cache at once train each learner once: the other waits for it and ends with the same result', async () => {
    const shared = mkdtempSync(join(tmpdir(), 'dgr-learners-shared-'));
    try {
      const both = await Promise.all([run(config, shared), run({ ...config, arms: ['none'] }, shared)]);
      // Each game's learner is trained by one run and loaded by the other, which said it waited (its status shows it;
      // stderr's warning is for a claim another process holds, not one of this process's own runs).
      for (const k of [0, 1]) expect(both.map((b) => b.result.learners[k].reused ?? false).sort()).toEqual([false, true]);
      expect(both.flatMap((b) => b.waited).length).toBeGreaterThan(0);
      expect(withoutReuse(both[0].result).learners).toEqual(withoutReuse(trainedHere.result).learners);
      expect(withoutReuse(both[1].result).learners).toEqual(withoutReuse(trainedHere.result).learners);
      // No claim is left behind.
      expect(readdirSync(shared).filter((f) => f.endsWith('.training'))).toEqual([]);
    } finally {
      rmSync(shared, { recursive: true, force: true });
    }
  }, 900_000);

  it("holds a claim against other runs, honours another machine's, and takes over a dead process's", () => {
    const claims = mkdtempSync(join(tmpdir(), 'dgr-learner-claims-'));
    try {
      const { task, steps } = parseSchedule(config.schedule).tasks[0];
      const key = learnerKey(config, 0, task, steps, 'wasm');
      const first = claimLearner(claims, key);
      expect('claim' in first).toBe(true);
      const file = join(claims, readdirSync(claims).find((f) => f.endsWith('.training')) as string);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
      expect(claimLearner(claims, key)).toEqual({ heldBy: expect.stringContaining(`process ${process.pid} on ${hostname()}`), byThisProcess: true });
      if ('claim' in first) first.claim.release();
      const again = claimLearner(claims, key);
      expect('claim' in again).toBe(true);
      if ('claim' in again) again.claim.release();
      // A process that has exited: its claim is taken over. One on another machine cannot be checked: honoured.
      const dead = spawnSync(process.execPath, ['-e', '']).pid as number;
      writeFileSync(file, JSON.stringify({ pid: dead, host: hostname(), started: '2026-01-01T00:00:00.000Z' }));
      expect('claim' in claimLearner(claims, key)).toBe(true);
      writeFileSync(file, JSON.stringify({ pid: dead, host: 'elsewhere', started: '2026-01-01T00:00:00.000Z' }));
      expect(claimLearner(claims, key)).toEqual({ heldBy: `process ${dead} on elsewhere since 2026-01-01T00:00:00.000Z`, byThisProcess: false });
    } finally {
      rmSync(claims, { recursive: true, force: true });
    }
  });
});
