/**
 * The actions each consolidation kept (agent/actions-kept.ts), every arm side by side: per seed, consolidated
 * game k and earlier game i, the share of game i's real audit frames on which Q_k takes Q_(k−1)'s greedy action,
 * and the same share on the audited dreams that resemble game i. A replay that teaches the old policy on states
 * unlike the game's own shows as dreams ≫ real; a replay of real frames (er) has no dream column.
 */
import type { RlResultFile } from './result-file.ts';

const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : `${(100 * x).toFixed(1)} %`);

/** The section's lines, or none when no arm recorded the actions kept (results written before it was). */
export function actionsKeptMarkdown(results: readonly RlResultFile[]): string[] {
  const arms = results.filter((r) => r.perSeed.some((s) => s.actionsKept));
  if (arms.length === 0) return [];
  const games = arms[0].games;
  const lines = [
    '## Actions kept: Q_k against Q_(k−1), state by state',
    '',
    "After game k, per earlier game i: the share of the game's real audit frames (drawn from the observations its own consolidation learnt from) on which Q_k takes the greedy action Q_(k−1) took before game k, and after the slash the same share on the replay audit's dreams that resemble game i (arms with a generator). High on dreams and low on real frames means the replay teaches the old policy on states the game does not show.",
    '',
    `| seed | consolidating | game | ${arms.map((r) => `${r.arm}: real / dreams`).join(' | ')} |`,
    `|---|---|---|${arms.map(() => '---|').join('')}`,
  ];
  for (const seed of arms[0].perSeed.map((s) => s.seed)) {
    const kept = arms.map((r) => r.perSeed.find((s) => s.seed === seed)?.actionsKept);
    games.forEach((consolidating, k) => {
      if (k === 0) return;
      for (let i = 0; i < k; i++) {
        const cells = kept.map((per) => {
          const at = per?.[k];
          if (!at) return '–';
          return at.dreams ? `${pct(at.real[i])} / ${pct(at.dreams[i])}` : pct(at.real[i]);
        });
        lines.push(`| ${seed} | ${consolidating} | ${games[i]} | ${cells.join(' | ')} |`);
      }
    });
  }
  lines.push('');
  return lines;
}
