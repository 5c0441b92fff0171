/**
 * Where an RL run's consolidations spent their time (issue 30 asks a protocol seed to say so): per arm and game,
 * the loop's steps (core/continual.ts LessonSeconds) and what the arm's dream filter drew to replay what it did
 * (agent/valid-dreams.ts: a game whose valid dreams are rare costs many draws per replayed dream).
 */
import { duration } from '../../core/report/markdown.ts';
import type { ConsolidationSeconds } from '../result.ts';
import type { RlResultFile } from './result-file.ts';

/** The steps as the tables name them, in the loop's order. */
const STEPS = [
  ['prepare', 'audit of the replay'],
  ['generator', 'generator'],
  ['solver', 'scholar'],
  ['consolidate', 'anchor and memory'],
  ['evaluate', 'evaluation'],
  ['audit', 'dreams shown'],
] as const satisfies readonly (readonly [keyof ConsolidationSeconds, string])[];

/** The dream filter's cost: its samples drawn per dream replayed, and its share of the time. */
function filterCell(t: ConsolidationSeconds): string {
  if (t.dreams === null || t.dreams.replayed === 0) return '–';
  return `${(t.dreams.drawn / t.dreams.replayed).toFixed(1)} drawn a dream, ${duration(t.dreams.seconds)}`;
}

/** Steps summed over games (one arm of one seed). */
export function totalSeconds(time: readonly ConsolidationSeconds[]): ConsolidationSeconds {
  const sum = (pick: (t: ConsolidationSeconds) => number): number => time.reduce((a, t) => a + pick(t), 0);
  const filtered = time.filter((t) => t.dreams !== null);
  return {
    prepare: sum((t) => t.prepare),
    generator: sum((t) => t.generator),
    solver: sum((t) => t.solver),
    consolidate: sum((t) => t.consolidate),
    evaluate: sum((t) => t.evaluate),
    audit: sum((t) => t.audit),
    dreams:
      filtered.length === 0
        ? null
        : { drawn: sum((t) => t.dreams?.drawn ?? 0), replayed: sum((t) => t.dreams?.replayed ?? 0), seconds: sum((t) => t.dreams?.seconds ?? 0) },
  };
}

/** The run report's section: one row per (arm, seed, game) that recorded its time; none when no seed did. */
export function consolidationTimeMarkdown(results: readonly RlResultFile[]): string[] {
  const rows = results.flatMap((r) =>
    r.perSeed.flatMap((s) =>
      (s.consolidationTime ?? []).map((t, k) => `| ${r.arm} | ${s.seed} | ${r.games[k]} | ${STEPS.map(([key]) => duration(t[key])).join(' | ')} | ${filterCell(t)} |`),
    ),
  );
  if (rows.length === 0) return [];
  return [
    '## Where each consolidation spent its time',
    '',
    `| arm | seed | game | ${STEPS.map(([, name]) => name).join(' | ')} | dream filter (within generator and scholar) |`,
    `|---|---|---|${STEPS.map(() => '---|').join('')}---|`,
    ...rows,
    '',
    'The generator trains before the scholar on the run\'s thread (or beside it in a worker, its column then the wait for it); the dream filter draws the generator\'s samples until each game seen has its share of valid dreams, for the scholar\'s replay and the generator\'s own, so its time is inside those two columns.',
    '',
  ];
}
