/**
 * A second Ctrl-C quits `dgr rl` at once, even in the middle of a long greedy evaluation (which used to hold the
 * event loop, so the signal waited until the evaluation and the next checkpoint were done). A real `dgr rl` on a
 * tiny one-game config whose evaluations are long (64 greedy Freeway episodes of 2500 steps): once the learner's
 * phase is checkpointed, the consolidation (one iteration) is over at once and the evaluation follows; two SIGINTs
 * then must end the process with status 130 and the message, the checkpoint still the learner's.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { agentPreset } from '../../agent/presets.ts';
import { dgr, root } from './helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'dgr-second-ctrl-c-'));
const out = join(work, 'run');
const checkpoint = join(out, 'seed-1', 'checkpoint', 'checkpoint.json');

function longEvaluationConfig(): string {
  const quick = agentPreset('quick', { arms: ['none'], schedule: { name: 'one-game', tasks: [{ task: 'freeway/slow', steps: 1_000 }] }, iterations: 1 });
  const config = {
    ...quick,
    learner: { ...quick.learner, bufferSize: 1_000, learningStarts: 200 },
    scholar: { ...quick.scholar, batchSize: 8, observations: 200 },
    // Freeway's episodes last 2500 steps whatever the player does: each evaluation is 2500 vector steps.
    evaluation: { every: 0, episodes: 64, maxSteps: 2_500, referenceEpisodes: 2 },
  };
  const file = join(work, 'config.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Where the run's checkpoint stands: game, learner done, arms done. */
const position = (): unknown => JSON.parse(readFileSync(checkpoint, 'utf8')).progress.position;

describe('a second Ctrl-C during a greedy evaluation', () => {
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('quits dgr rl at once with status 130, the checkpoint left where it was', async () => {
    const child = spawn(process.execPath, [dgr, 'rl', '--config', longEvaluationConfig(), '--backend', 'wasm', '--no-parallel', '--out', out], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    // The learner's phase is checkpointed; what follows is one consolidation step, then the long evaluation.
    while (!existsSync(checkpoint) && child.exitCode === null) await sleep(20);
    expect(position()).toEqual({ game: 0, learned: true, armsDone: 0 });
    child.kill('SIGINT');
    while (!stderr.includes('stopping at the next step') && child.exitCode === null) await sleep(20);
    child.kill('SIGINT');
    const { code, signal } = await exited;
    expect({ code, signal }, stderr).toEqual({ code: 130, signal: null });
    // It quit inside the evaluation: the arm's row never came, its phase never reached its checkpoint.
    expect(stderr).not.toContain('none after freeway/slow');
    expect(position()).toEqual({ game: 0, learned: true, armsDone: 0 });
    expect(existsSync(join(out, 'none', 'result.json'))).toBe(false);
    expect(stderr).toContain("SIGINT again: quitting at once; nothing after the run's last checkpoint is kept");
  }, 600_000);
});
