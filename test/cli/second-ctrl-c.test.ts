/**
 * A second Ctrl-C quits `dgr rl` at once, even in the middle of long work on the main thread: a greedy evaluation
 * or a generator's training (each used to hold the event loop, so the signal waited until it and the next
 * checkpoint were done). Real `dgr rl` runs of tiny one-game configs whose long part follows the learner's phase:
 * once that phase is checkpointed, two SIGINTs must end the process with status 130 and the message, the
 * checkpoint still the learner's.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AgentArm, AgentConfig } from '../../agent/config.ts';
import { agentPreset } from '../../agent/presets.ts';
import { dgr, root } from './helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'dgr-second-ctrl-c-'));

/** The quick preset on one game of 1000 frames, a tiny learner and scholar; `long` makes one part long. */
function oneGame(name: string, arm: AgentArm, long: (quick: AgentConfig) => Partial<AgentConfig>): string {
  const quick = agentPreset('quick', { arms: [arm], schedule: { name: 'one-game', tasks: [{ task: 'freeway/slow', steps: 1_000 }] }, iterations: 1 });
  const config = {
    ...quick,
    learner: { ...quick.learner, bufferSize: 1_000, learningStarts: 200 },
    scholar: { ...quick.scholar, batchSize: 8, observations: 200 },
    evaluation: { every: 0, episodes: 2, maxSteps: 100, referenceEpisodes: 2 },
    ...long(quick),
  };
  const file = join(work, `${name}.json`);
  writeFileSync(file, JSON.stringify(config));
  return file;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `dgr ...args`; once its first checkpoint is written sends SIGINT, waits for the first one's message
 *  (`heard`), and sends another. How it ended, what it said, and its checkpoint's progress when the first SIGINT
 *  went and at the end. */
async function twoCtrlCs(args: string[], checkpoint: string, heard = 'stopping at the next checkpoint'): Promise<{ code: number | null; signal: string | null; stderr: string; before: unknown; after: unknown }> {
  const progress = (): unknown => JSON.parse(readFileSync(checkpoint, 'utf8')).progress;
  const child = spawn(process.execPath, [dgr, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  let running = true;
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      running = false;
      resolve({ code, signal });
    }),
  );
  while (!existsSync(checkpoint) && running) await sleep(20);
  const before = progress();
  child.kill('SIGINT');
  while (!stderr.includes(heard) && running) await sleep(20);
  child.kill('SIGINT');
  return { ...(await exited), stderr, before, after: progress() };
}

/** `dgr rl` (or `dgr serve`) of a config into `out`, through two Ctrl-Cs after its learner's phase: where its
 *  checkpoint stands. */
async function rlTwoCtrlCs(config: string, out: string, serve = false): Promise<{ code: number | null; signal: string | null; stderr: string; position: unknown }> {
  const args = [...(serve ? ['serve', '--port', '0'] : ['rl']), '--config', config, '--backend', 'wasm', '--out', out];
  const end = await twoCtrlCs(args, join(out, 'seed-1', 'checkpoint', 'checkpoint.json'), serve ? 'SIGINT: stopping the job' : undefined);
  const position = (p: unknown): unknown => (p as { position: unknown }).position;
  expect(position(end.before), end.stderr).toEqual({ game: 0, learned: true, armsDone: 0 });
  return { ...end, position: position(end.after) };
}

const QUIT = "SIGINT again: quitting at once; nothing after the run's last checkpoint is kept";

describe('a second Ctrl-C', () => {
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('quits dgr rl at once during a greedy evaluation, the checkpoint left where it was', async () => {
    // Freeway's episodes last 2500 steps whatever the player does: the evaluation after the one consolidation
    // step is 2500 vector steps of 64 episodes.
    const config = oneGame('evaluation', 'none', () => ({ evaluation: { every: 0, episodes: 64, maxSteps: 2_500, referenceEpisodes: 2 } }));
    const out = join(work, 'evaluation');
    const end = await rlTwoCtrlCs(config, out);
    expect({ code: end.code, signal: end.signal }, end.stderr).toEqual({ code: 130, signal: null });
    // It quit inside the evaluation: the arm's row never came, its phase never reached its checkpoint.
    expect(end.stderr).not.toContain('none after freeway/slow');
    expect(end.position).toEqual({ game: 0, learned: true, armsDone: 0 });
    expect(existsSync(join(out, 'none', 'result.json'))).toBe(false);
    expect(end.stderr).toContain(QUIT);
  }, 600_000);

  it('quits dgr rl at once while a generator trains on the main thread', async () => {
    // gr keeping valid dreams trains its generator here, before the scholar: far more iterations than the test lasts.
    const config = oneGame('generator', 'gr', (quick) => ({ generator: { ...quick.generator, iterations: 1_000_000, batchSize: 8 } }));
    const end = await rlTwoCtrlCs(config, join(work, 'generator'));
    expect({ code: end.code, signal: end.signal }, end.stderr).toEqual({ code: 130, signal: null });
    expect(end.position).toEqual({ game: 0, learned: true, armsDone: 0 });
    expect(end.stderr).toContain(QUIT);
  }, 600_000);

  it('quits dgr experiment at once, the first having asked for a checkpoint at the end of the task', async () => {
    // Split MNIST's five tasks, fine-tuning, long tasks: the Ctrl-Cs come during the second.
    const out = join(work, 'experiment');
    const end = await twoCtrlCs(
      ['experiment', 'split-mnist', '--arm', 'none', '--iterations', '3000', '--eval-every', '0', '--backend', 'wasm', '--out', out],
      join(out, 'none', 'seed-1', 'checkpoint', 'checkpoint.json'),
    );
    expect({ code: end.code, signal: end.signal }, end.stderr).toEqual({ code: 130, signal: null });
    const nextTask = (p: unknown): unknown => (p as { nextTask: unknown }).nextTask;
    expect([nextTask(end.before), nextTask(end.after)]).toEqual([1, 1]);
    expect(end.stderr).toContain(QUIT);
  }, 600_000);

  it('quits dgr serve at once during a greedy evaluation of its job, saying the same', async () => {
    const config = oneGame('served', 'none', () => ({ evaluation: { every: 0, episodes: 64, maxSteps: 2_500, referenceEpisodes: 2 } }));
    const end = await rlTwoCtrlCs(config, join(work, 'served'), true);
    expect({ code: end.code, signal: end.signal }, end.stderr).toEqual({ code: 130, signal: null });
    expect(end.position).toEqual({ game: 0, learned: true, armsDone: 0 });
    expect(end.stderr).toContain(`dgr serve: ${QUIT}`);
  }, 600_000);
});
