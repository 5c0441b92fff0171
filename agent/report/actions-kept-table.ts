/**
 * The actions each consolidation kept (agent/actions-kept.ts), every arm side by side: per consolidated game k
 * and earlier game i, the share of game i's real audit frames on which Q_k takes Q_(k−1)'s greedy action, and the
 * same share on the audited dreams that resemble game i. A replay that teaches the old policy on states unlike
 * the game's own shows as dreams ≫ real; a replay of real frames (er) has no dream column.
 */
import { pct as percent } from '../../core/report/docs/format.ts';
import type { RlResultFile } from './result-file.ts';

const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : `${percent(x, 1)} %`);

/** What the table says under its title. */
export const ACTIONS_KEPT_LEGEND =
  "After game k, per earlier game i: the share of game i's real audit frames (drawn from the observations its own consolidation learnt from) on which Q_k takes the greedy action Q_(k−1) took before game k, and after the slash the same share on the replay audit's dreams that resemble game i (arms with a generator). High on dreams and low on real frames means the replay teaches the old policy on states the game does not show.";

/** The arms (one file each) that recorded the actions kept. */
export const armsWithActionsKept = (results: readonly RlResultFile[]): RlResultFile[] => results.filter((r) => r.perSeed.some((s) => s.actionsKept));

/** One row per (consolidated game, earlier game) of one seed: the two games, then each arm's "real / dreams". */
export function actionsKeptRows(arms: readonly RlResultFile[], seed: number): string[][] {
  const games = arms[0].games;
  const kept = arms.map((r) => r.perSeed.find((s) => s.seed === seed)?.actionsKept);
  return games.flatMap((consolidating, k) =>
    games.slice(0, k).map((game, i) => [
      consolidating,
      game,
      ...kept.map((per) => {
        const at = per?.[k];
        if (!at) return '–';
        return at.dreams ? `${pct(at.real[i])} / ${pct(at.dreams[i])}` : pct(at.real[i]);
      }),
    ]),
  );
}

/** The run report's section, or none when no arm recorded the actions kept (results written before it was). */
export function actionsKeptMarkdown(results: readonly RlResultFile[]): string[] {
  const arms = armsWithActionsKept(results);
  if (arms.length === 0) return [];
  const lines = [
    '## Actions kept: Q_k against Q_(k−1), state by state',
    '',
    ACTIONS_KEPT_LEGEND,
    '',
    `| seed | consolidating | game | ${arms.map((r) => `${r.arm}: real / dreams`).join(' | ')} |`,
    `|---|---|---|${arms.map(() => '---|').join('')}`,
  ];
  for (const seed of arms[0].perSeed.map((s) => s.seed)) for (const row of actionsKeptRows(arms, seed)) lines.push(`| ${seed} | ${row.join(' | ')} |`);
  lines.push('');
  return lines;
}
