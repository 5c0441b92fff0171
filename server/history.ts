/**
 * What a viewer that connects mid-run needs to draw the run so far: every curve point, the rows of R, the latest
 * episode per game, the last progress report, and the binary dreams and digit samples. Curves are sent
 * downsampled to the number of points the viewer asks for; stored curves are bounded by thinning.
 */
import type { CurvePoint, Episode, History, Progress, TaskEnd } from '../protocol/messages.ts';

/** Points kept per series; past it every other stored point is dropped (the curve keeps its shape). */
const MAX_STORED_POINTS = 20_000;
/** Binary messages kept (dreams after each consolidation, samples after each task); the oldest go first. */
const MAX_BINARIES = 500;

/** At most `n` of `points`, evenly spread, always keeping the first and the last. */
export function downsample<T>(points: readonly T[], n: number): T[] {
  if (points.length <= n) return [...points];
  if (n <= 1) return [points[points.length - 1]];
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(points[Math.round((i * (points.length - 1)) / (n - 1))]);
  return out;
}

export class RunHistory {
  private readonly series = new Map<string, CurvePoint[]>();
  private readonly taskEnds: Omit<TaskEnd, 'type'>[] = [];
  private readonly episodes = new Map<number, Omit<Episode, 'type'>>();
  private progress: Progress | null = null;
  private readonly binaries: Uint8Array[] = [];

  addPoint(point: CurvePoint): void {
    let list = this.series.get(point.series);
    if (!list) this.series.set(point.series, (list = []));
    list.push(point);
    if (list.length > MAX_STORED_POINTS) this.series.set(point.series, list.filter((_, i) => i % 2 === 0 || i === list!.length - 1));
  }

  addTaskEnd(end: TaskEnd): void {
    const { type: _, ...rest } = end;
    this.taskEnds.push(rest);
  }

  addEpisode(episode: Episode): void {
    const { type: _, ...rest } = episode;
    this.episodes.set(episode.game, rest);
  }

  setProgress(progress: Progress): void {
    this.progress = progress;
  }

  addBinary(bytes: Uint8Array): void {
    this.binaries.push(bytes);
    if (this.binaries.length > MAX_BINARIES) this.binaries.shift();
  }

  /** The `history` reply to a subscribe request and the binary messages that follow it. */
  snapshot(id: string, pointsPerSeries: number): { message: History; binaries: readonly Uint8Array[] } {
    const points = [...this.series.values()].flatMap((list) => downsample(list, pointsPerSeries));
    return {
      message: {
        type: 'history',
        id,
        points,
        taskEnds: [...this.taskEnds],
        episodes: [...this.episodes.values()],
        progress: this.progress,
        binaries: this.binaries.length,
      },
      binaries: [...this.binaries],
    };
  }
}
