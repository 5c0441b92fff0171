/**
 * Episodes as GIFs: the bytes gifenc writes, read back with a minimal reader (./gif-reader.ts), show each step's
 * grid in env's palette, cell by cell, with the score line above; `dgr env record --gif` writes one per recording.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { episodeGif, framePixels, gifSize, SCORE_STRIP, TEXT_INDEX, type EpisodeFrame } from '../../env/episode-gif.ts';
import { ScriptedPolicy } from '../../env/policies/scripted.ts';
import { parseRecording, recordEpisode, replayEpisode } from '../../env/recording.ts';
import { resolveTask } from '../../env/task.ts';
import { dgrRun } from '../cli/helpers.ts';
import { cellMismatches, readGif, type DecodedGif } from './gif-reader.ts';

const work = mkdtempSync(join(tmpdir(), 'dgr-gif-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function framesOf(game: string, seed: number): EpisodeFrame[] {
  const task = resolveTask(game);
  const frames: EpisodeFrame[] = [];
  replayEpisode(recordEpisode(task, seed, new ScriptedPolicy(task.game)), (observation, score) => frames.push({ observation, score }));
  return frames;
}

const strip = (gif: DecodedGif, i: number): string => gif.images[i].indices.subarray(0, SCORE_STRIP * gif.width).join('');

describe('episode GIFs', () => {
  it("draw every step of an episode in env's palette with the score above the board", () => {
    const frames = framesOf('space-invaders', 4);
    const gif = readGif(episodeGif(frames));
    expect({ width: gif.width, height: gif.height }).toEqual(gifSize());
    expect(gif.images).toHaveLength(frames.length);
    for (const [i, frame] of frames.entries()) {
      expect(gif.images[i].width).toBe(gif.width);
      expect(cellMismatches(gif, i, frame.observation)).toEqual([]);
      // Decoded indices are exactly what was drawn (gifenc's LZW round trip).
      if (i % 25 === 0) expect(gif.images[i].indices).toEqual(framePixels(frame));
    }
    // The score line is drawn, and changes when the score does (and only then: the step is not written).
    const scored = frames.findIndex((f) => f.score > 0);
    expect(scored).toBeGreaterThan(0);
    expect(gif.images[0].indices.subarray(0, SCORE_STRIP * gif.width).includes(TEXT_INDEX)).toBe(true);
    expect(strip(gif, scored)).not.toBe(strip(gif, scored - 1));
    expect(strip(gif, 1)).toBe(strip(gif, 0));
    // 10 steps a second, the last frame held longer, looping.
    expect(gif.images[0].delayMs).toBe(100);
    expect(gif.images.at(-1)!.delayMs).toBeGreaterThan(100);
  });

  it('dgr env record --gif writes the recorded episode as a GIF', () => {
    const json = join(work, 'breakout.json');
    const file = join(work, 'breakout.gif');
    const r = dgrRun('env', 'record', '--task', 'breakout', '--seed', '3', '--out', json, '--gif', file);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const recording = parseRecording(readFileSync(json, 'utf8'));
    const frames: EpisodeFrame[] = [];
    replayEpisode(recording, (observation, score) => frames.push({ observation, score }));
    expect(r.stdout).toContain(`${frames.length} frames → ${file}`);
    const gif = readGif(new Uint8Array(readFileSync(file)));
    expect(gif.images).toHaveLength(recording.actions.length + 1);
    for (const i of [0, Math.floor(frames.length / 2), frames.length - 1]) expect(cellMismatches(gif, i, frames[i].observation)).toEqual([]);
  });
});
