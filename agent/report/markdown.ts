/**
 * report.md of an RL run: what ran, how well each game's learner learnt it (beside MinAtar's DQN), the scholar's
 * R matrix and retention per arm, the replay audit, speed and wall time, and the anchors it answers to.
 */
import { spread } from '../../core/report/aggregate.ts';
import { duration } from '../../core/report/markdown.ts';
import { parseSchedule } from '../../env/schedule.ts';
import { gameKeys, type RlResultFile } from './result-file.ts';
import { retentionStatisticsMarkdown } from './retention-table.ts';
import { actionsKeptMarkdown } from './actions-kept-table.ts';
import { consolidationTimeMarkdown } from './time-table.ts';

/**
 * MinAtar's DQN (Young & Tian 2019, Fig. 2, read by eye; ../shared/PAPER.md §4 and issue 14): mean return of
 * the DQN at 1M frames and at the end of its 5M frames. Our games reimplement MinAtar's rules on a shared layout,
 * so these are anchors, not targets of equality.
 */
export const MINATAR_DQN: Record<string, { readonly at1M: number; readonly final: number }> = {
  breakout: { at1M: 9, final: 10 },
  asterix: { at1M: 5, final: 17 },
  freeway: { at1M: 47, final: 50 },
  'space-invaders': { at1M: 32, final: 43 },
  seaquest: { at1M: 2, final: 20 },
};

const pct = (x: number | null): string => (x === null || !Number.isFinite(x) ? '–' : `${(100 * x).toFixed(1)} %`);
const fixed = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toFixed(digits) : '–');

/** A GIF of an arm's final scholar playing an earlier game (./files.ts). */
export interface EpisodeGifEntry {
  readonly arm: string;
  readonly game: number;
  /** Path relative to the run folder. */
  readonly gif: string;
  readonly score: number;
  readonly steps: number;
  readonly ended: boolean;
  readonly seed: number;
}

export interface RlReportInput {
  readonly results: readonly RlResultFile[];
  readonly command: string;
  readonly plots: readonly { arm: string; title: string; png: string }[];
  /** The per-seed retention dots chart (./retention-dots.ts), relative to the report. */
  readonly retentionPlot?: string;
  readonly episodes?: readonly EpisodeGifEntry[];
}

/** A table of GIFs, one row per arm, one column per earlier game: the same episode of a game for every arm. */
function episodeTable(games: readonly string[], episodes: readonly EpisodeGifEntry[], seed: number): string[] {
  const shown = [...new Set(episodes.map((e) => e.game))].sort((a, b) => a - b);
  const arms = [...new Set(episodes.map((e) => e.arm))];
  const lines = ['## The scholars at the end, playing the earlier games', ''];
  lines.push(
    `Each arm's final scholar plays one greedy episode of each earlier game (seed ${seed}'s networks; every arm plays the same episode of a game), drawn with env's palette, the score above the board, cut after ${Math.max(...episodes.map((e) => e.steps))} steps at most.`,
    '',
  );
  lines.push(`| arm | ${shown.map((g) => games[g]).join(' | ')} |`, `|---|${shown.map(() => '---|').join('')}`);
  for (const arm of arms) {
    const cells = shown.map((g) => {
      const e = episodes.find((x) => x.arm === arm && x.game === g);
      return e ? `![${arm} playing ${games[g]}](${e.gif})<br>score ${e.score}${e.ended ? '' : ` after ${e.steps} steps (cut)`}` : '–';
    });
    lines.push(`| ${arm} | ${cells.join(' | ')} |`);
  }
  lines.push('');
  return lines;
}

export function rlReportMarkdown({ results, command, plots, retentionPlot, episodes = [] }: RlReportInput): string {
  const [first] = results;
  const { games, config } = first;
  const lines: string[] = [];
  lines.push(`# RL run: ${first.schedule} (${first.preset} preset)`, '');
  lines.push(`Command: \`${command}\``, '');
  lines.push(
    `Games: ${games.join(' → ')}, ${config.schedule.tasks.map((t) => `${(t.steps / 1000).toFixed(0)}k`).join(' / ')} frames; seeds ${first.seeds.join(', ')}; backend ${first.backend}; arms ${results.map((r) => r.arm).join(', ')}.`,
    '',
  );
  lines.push('Scores are normalised per game: (score − random) / (scripted − random), with env\'s reference policies.', '');

  lines.push('## Learning: each game\'s short-term learner at the end of its game', '');
  lines.push(
    "Greedy: the learner's mean greedy return at the end of its game. Training: the mean return of its last training (ε-greedy) episodes, the measure MinAtar's learning curves plot.",
    '',
  );
  lines.push('| game | frames | greedy (raw) | normalised | training (raw) | random | scripted | MinAtar DQN at 1M frames |', '|---|---|---|---|---|---|---|---|');
  const played = parseSchedule(config.schedule).tasks.map((t) => t.task.game);
  first.perSeed[0].learners.forEach((l, i) => {
    const learners = first.perSeed.map((s) => s.learners[i]);
    const training = learners.map((x) => x.trainingReturn).filter((x): x is number => x != null);
    const anchor = MINATAR_DQN[played[i]].at1M;
    lines.push(
      `| ${games[i]} | ${l.frames} | ${fixed(spread(learners.map((x) => x.score)).mean)} | ${pct(spread(learners.map((x) => x.normalised)).mean)} | ${training.length === learners.length ? fixed(spread(training).mean) : '–'} | ${fixed(first.reference[i].random)} | ${fixed(first.reference[i].scripted)} | ${anchor ?? '–'} |`,
    );
  });
  lines.push('');

  lines.push('## Retention of earlier games, per arm', '');
  const keys = gameKeys(games).slice(0, -1);
  lines.push(`| arm | ${keys.join(' | ')} | ACC | BWT | forgetting |`, `|---|${keys.map(() => '---|').join('')}---|---|---|`);
  for (const r of results) {
    const cells = keys.map((g) => `${pct(r.retention[g])}${r.retentionSem?.[g] != null ? ` ± ${fixed(100 * (r.retentionSem[g] as number), 1)}` : ''}`);
    lines.push(`| ${r.arm} | ${cells.join(' | ')} | ${pct(r.acc)} | ${pct(r.bwt)} | ${pct(r.forgetting)} |`);
  }
  lines.push('', 'Retention of game i is R[T][i] / R[i][i] in normalised scores: the share of what the scholar had right after its own game that it still has at the end; here the mean of per-seed ratios ± s.e.m. over seeds.', '');

  lines.push('## Retention over seeds: intervals, both ratios, both references', '');
  lines.push(retentionStatisticsMarkdown(results), '');
  if (retentionPlot) lines.push(`![retention per seed](${retentionPlot})`, '');
  lines.push(...actionsKeptMarkdown(results));

  for (const r of results) {
    lines.push(`## ${r.arm}: R[k][i], normalised score on game i after game k`, '');
    lines.push(`| after | ${games.join(' | ')} |`, `|---|${games.map(() => '---|').join('')}`);
    r.R.forEach((row, k) => lines.push(`| ${k === 0 ? 'start' : games[k - 1]} | ${row.map((v) => pct(v)).join(' | ')} |`));
    lines.push('');
    const audits = r.perSeed[0].audits;
    if (audits.some((a) => a !== null)) {
      lines.push('Replay audit (seed ' + r.seeds[0] + '): of 1000 raw dreams of the generator that replays to consolidate each game, the share valid for each earlier game (its invariants), exact frames of it, resembling it, and the agreement of the old network\'s actions on dreams and on real frames; with an exact keep, the exact dreams its replayed pool kept.', '');
      lines.push('| consolidating | game | valid | exact | resembles | action agreement | pool |', '|---|---|---|---|---|---|---|');
      audits.forEach((a, k) => {
        if (!a) return;
        const pool = (g: number): string => (a.pool ? `${a.pool.kept[g]} of ${a.pool.draws} draws` : '–');
        a.valid.forEach((v, g) => lines.push(`| ${games[k]} | ${games[g]} | ${pct(v)} | ${a.exact ? pct(a.exact[g]) : '–'} | ${pct(a.resembles[g])} | ${pct(a.agreement[g])} | ${pool(g)} |`));
      });
      lines.push('');
    }
    for (const p of plots.filter((x) => x.arm === r.arm)) lines.push(`![${p.title}](${p.png})`, '');
  }

  if (episodes.length > 0) lines.push(...episodeTable(games, episodes, first.seeds[0]));

  lines.push('## Speed', '');
  lines.push('| arm | seed | frames/s (learners) | learners | consolidations | whole run |', '|---|---|---|---|---|---|');
  for (const r of results) {
    for (const s of r.perSeed) lines.push(`| ${r.arm} | ${s.seed} | ${s.framesPerSecond.toFixed(0)} | ${duration(s.learnerSeconds)} | ${duration(s.consolidationSeconds)} | ${duration(s.seconds)} |`);
  }
  lines.push('', 'The learners are shared by every arm of a run, so their time appears once per run.');
  const reused = first.perSeed.filter((s) => s.learners.some((l) => l.reused)).map((s) => `seed ${s.seed}: ${s.learners.filter((l) => l.reused).map((l) => games[l.game]).join(', ')}`);
  if (reused.length > 0) {
    lines.push(`Learners loaded from a learner cache (\`--learner-cache\`), their time being that of the run that trained them: ${reused.join('; ')}. The whole run's time does not include them.`);
  }
  lines.push('');
  lines.push(...consolidationTimeMarkdown(results));

  lines.push('## Anchors', '');
  lines.push('- MinAtar DQN (Young & Tian 2019), by eye at 1M frames: Breakout ≈ 9, Freeway ≈ 47, Space Invaders ≈ 32 (5M frames: 10, 50, 43).');
  lines.push('- RePR (Atkinson et al. 2021): a long-term network taught by pseudo-rehearsal keeps three Atari games at the level of separately trained networks; without it, earlier games are forgotten.');
  lines.push('');
  return lines.join('\n');
}
