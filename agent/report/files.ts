/**
 * What an RL run leaves in its folder, as `dgr experiment` does: config.json (enough to rerun it), per arm a
 * result.json, curves (per-game normalised score against frames), the R heatmap and the dream grids, and at the
 * top curves.csv and report.md. Files are renamed into place, so a reader (the viewer) never sees half a file.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { heatmapSvg } from '../../core/report/heatmap.ts';
import { svgToPng } from '../../core/report/svg.ts';
import { episodeGif } from '../../env/episode-gif.ts';
import { scholarEpisodes } from '../episodes.ts';
import type { AgentResult } from '../result.ts';
import { rlCurvesSvg } from './curves.ts';
import { dreamsSvg } from './dreams.ts';
import { rlReportMarkdown, type EpisodeGifEntry } from './markdown.ts';
import { retentionDotsOf } from './retention-dots.ts';
import { orderCells } from './retention-statistics.ts';
import type { RlResultFile } from './result-file.ts';

async function put(dir: string, name: string, data: string | Uint8Array): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  await writeFile(`${path}.tmp`, data);
  await rename(`${path}.tmp`, path);
  return path;
}

/** curves.csv: one row per evaluation — who was evaluated (an arm's scholar or the learner), when, and per game. */
export function rlCurvesCsv(seed: number, result: AgentResult, header: boolean): string {
  const games = result.games;
  const rows: string[] = header ? [`seed,who,frame,trained_game,${games.map((g) => `score_${g}`).join(',')}`] : [];
  const cells = (scores: readonly (number | null)[]): string => scores.map((s) => (s === null ? '' : s.toFixed(5))).join(',');
  for (const p of result.learnerCurves) rows.push(`${seed},learner,${p.frame},${p.game},${cells(games.map((_, i) => (i === p.game ? p.normalised : null)))}`);
  for (const a of result.arms) {
    rows.push(`${seed},${a.arm},0,-1,${cells(a.R[0])}`);
    for (const p of a.curves) rows.push(`${seed},${a.arm},${p.frame},${p.game},${cells(p.scores)}`);
  }
  return `${rows.join('\n')}\n`;
}

export interface RlRunFiles {
  readonly out: string;
  /** Each seed's full result (the first seed's curves and dreams are drawn). */
  readonly runs: readonly { seed: number; result: AgentResult }[];
  readonly files: readonly RlResultFile[];
  readonly command: string;
  /** The first seed's checkpoint after its last phase: its scholars play the earlier games for the GIFs. */
  readonly checkpoint?: string;
}

/** Each arm's scholar playing each earlier game, as `<arm>/episode-game<k>.gif`. */
async function writeEpisodeGifs(out: string, checkpoint: string): Promise<EpisodeGifEntry[]> {
  const entries: EpisodeGifEntry[] = [];
  for (const e of scholarEpisodes(checkpoint)) {
    const name = `episode-game${e.game + 1}.gif`;
    await put(join(out, e.arm), name, episodeGif(e.frames));
    entries.push({ arm: e.arm, game: e.game, gif: `${e.arm}/${name}`, score: e.score, steps: e.frames.length - 1, ended: e.ended, seed: e.seed });
  }
  return entries;
}

export async function writeRlRunFiles({ out, runs, files, command, checkpoint }: RlRunFiles): Promise<void> {
  const [first] = runs;
  await put(out, 'curves.csv', runs.map((r, k) => rlCurvesCsv(r.seed, r.result, k === 0)).join(''));
  const plots: { arm: string; title: string; png: string }[] = [];
  for (const file of files) {
    const dir = join(out, file.arm);
    await put(dir, 'result.json', `${JSON.stringify(file, null, 2)}\n`);
    const arm = first.result.arms.find((a) => a.arm === file.arm);
    if (!arm) continue;
    const chart = async (base: string, title: string, svg: string): Promise<void> => {
      await put(dir, `${base}.svg`, svg);
      await put(dir, `${base}.png`, await svgToPng(svg));
      plots.push({ arm: file.arm, title, png: `${file.arm}/${base}.png` });
    };
    await chart('curves', 'normalised score per game', rlCurvesSvg(first.result, arm, `${file.schedule} · ${file.arm} · seed ${first.seed}`));
    await chart('r-matrix', 'R matrix', heatmapSvg(file.R, file.games, { title: `R[k][i]: normalised score (%), ${file.arm}`, ...(file.RSem ? { sem: file.RSem } : {}) }));
    for (const [k, dream] of arm.dreams.entries()) {
      if (dream) await chart(`dreams-game${k + 1}`, `dreams after ${file.games[k]}`, dreamsSvg(dream.observations, dream.actions, `${file.arm}: dreams after ${file.games[k]}, with Q's greedy action`));
    }
  }
  // Each seed's retention as a dot, per game and arm (one order of games: the games as strata).
  const dots = retentionDotsOf(orderCells(files), `retention per seed · ${files[0].schedule}`);
  await put(out, 'retention-dots.svg', dots);
  await put(out, 'retention-dots.png', await svgToPng(dots));
  const episodes = checkpoint ? await writeEpisodeGifs(out, checkpoint) : [];
  await put(out, 'report.md', rlReportMarkdown({ results: files, command, plots, retentionPlot: 'retention-dots.png', episodes }));
}
