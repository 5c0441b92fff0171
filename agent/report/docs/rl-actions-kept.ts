/**
 * Issue 30's actions-kept diagnostic as a docs table (docs/RESULTS.md): for development runs of the
 * Space-Invaders-first order, how often each consolidation kept the previous scholar's greedy action on each
 * earlier game's real frames, and for GR on its dreams, every arm side by side (../actions-kept-table.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RESULTS_DIR, resultLink, type TableContext } from '../../../core/report/docs/document.ts';
import { table } from '../../../core/report/markdown.ts';
import { actionsKeptRows, armsWithActionsKept } from '../actions-kept-table.ts';
import { gameTitle, readRl } from './rl-files.ts';

/** A diagnostic run: how the table names it, its folder under docs/results and its seed. */
export interface DiagnosticRun {
  readonly label: string;
  readonly folder: string;
  readonly seed: number;
}

const ARMS = ['gr', 'er', 'none'] as const;

export function actionsKeptTable(context: TableContext, runs: readonly DiagnosticRun[]): string {
  const body = runs.flatMap(({ label, folder, seed }) => {
    const files = ARMS.map((arm) => `${folder}/${arm}/result.json`);
    const present = files.filter((f) => existsSync(join(context.root, RESULTS_DIR, f)));
    if (present.length === 0) return [[label, 'not run yet', '', ...ARMS.map(() => ''), '–']];
    const results = armsWithActionsKept(present.map((f) => readRl(context, f)));
    const rows = actionsKeptRows(results, seed);
    const byArm = (row: string[]) => ARMS.map((arm) => {
      const at = results.findIndex((r) => r.arm === arm);
      return at < 0 ? '–' : row[2 + at];
    });
    const links = present.map((f) => resultLink(context, f, f.split('/').at(-2))).join(' ');
    return rows.map((row) => [label, gameTitle(row[0]), gameTitle(row[1]), ...byArm(row), links]);
  });
  return table(['run', 'consolidating', 'game', ...ARMS.map((arm) => `${arm}: real / dreams`), 'files'], body).join('\n');
}
