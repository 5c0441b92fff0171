/**
 * The frames of the game the viewer has shown, grouped into episodes, so the page can offer the latest one as a
 * GIF (env/episode-gif.ts, the same picture `dgr env record --gif` and the RL report make). The server sends at
 * most its frame rate, so at a training speed above it the GIF holds the frames shown, not every step; at the
 * "watch" speed it holds every step.
 */
import type { EpisodeFrame } from '../../env/episode-gif.ts';
import type { Frame } from '../../protocol/binary.ts';

/** Frames kept of one episode: a Freeway episode's 2500 steps, and the GIF stays a few hundred KB. */
const MAX_FRAMES = 2500;

export interface RecordedEpisode {
  readonly game: number;
  readonly player: string;
  /** The run's frame counter at the episode's last frame shown. */
  frame: number;
  readonly frames: EpisodeFrame[];
  /** Whether the episode was seen to its end (a newer one started). */
  complete: boolean;
}

export class EpisodeRecorder {
  private current: RecordedEpisode | null = null;
  private lastStep = -1;
  /** The newest episode seen to its end. */
  finished: RecordedEpisode | null = null;

  add(f: Frame): void {
    const c = this.current;
    // A new episode: another game or player, or the step counter went back.
    if (!c || c.game !== f.game || c.player !== f.player || f.step < this.lastStep) {
      if (c && c.frames.length > 1) {
        c.complete = true;
        this.finished = c;
      }
      this.current = { game: f.game, player: f.player, frame: f.frame, frames: [], complete: false };
    }
    const e = this.current!;
    if (e.frames.length < MAX_FRAMES) e.frames.push({ observation: f.observation.slice(), score: f.score });
    e.frame = f.frame;
    this.lastStep = f.step;
  }

  /** The episode a download gives: the newest finished one, else the one under way. */
  latest(): RecordedEpisode | null {
    return this.finished ?? (this.current && this.current.frames.length > 0 ? this.current : null);
  }

  clear(): void {
    this.current = null;
    this.finished = null;
    this.lastStep = -1;
  }
}
