/**
 * Retention statistics of many RL runs (./retention-statistics.ts), as `dgr sweep report` and the docs' protocol
 * tables give them: a table per order of games (per schedule), and one pooled over the orders of the same games,
 * each cell mean [95 % CI] over seeds; a per-seed dots chart for each. Pooling keeps each (order, game) cell's
 * seeds as one stratum of the bootstrap, so an order run with more seeds does not lend the others its spread.
 */
import { join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { svgToPng } from '../../core/report/svg.ts';
import type { RlResultFile } from './result-file.ts';
import { retentionDotsOf } from './retention-dots.ts';
import { largestEvaluationSe, orderCells, type RetentionCell } from './retention-statistics.ts';
import { evaluationSeLine, iqmTable, retentionLegend, retentionTable } from './retention-table.ts';

/** One table's worth: an order of games (one schedule) or the orders of the same games pooled. */
export interface RetentionSection {
  readonly title: string;
  /** File name of its chart (without extension), unique in the report. */
  readonly chart: string;
  readonly cells: RetentionCell[];
  readonly largestSe: number | null;
}

const slug = (name: string): string => name.replace(/[^a-z0-9-]+/gi, '-');

/** A section per schedule, then one per set of games run in more than one order; `merged` holds one result per
 *  (schedule, arm), each merged over its seeds. */
export function retentionSections(merged: readonly RlResultFile[]): RetentionSection[] {
  const schedules = [...new Set(merged.map((r) => r.schedule))];
  const filesOf = (schedule: string) => merged.filter((r) => r.schedule === schedule);
  const perOrder = schedules.map((schedule): RetentionSection => {
    const files = filesOf(schedule);
    return { title: `order ${schedule} (${files[0].games.join(' → ')})`, chart: `retention-dots-${slug(schedule)}`, cells: orderCells(files), largestSe: largestEvaluationSe(files) };
  });
  const gameSet = (schedule: string): string => [...filesOf(schedule)[0].games].sort().join(', ');
  const pooled = [...new Set(schedules.map(gameSet))].flatMap((games, k): RetentionSection[] => {
    const orders = schedules.filter((s) => gameSet(s) === games);
    if (orders.length < 2) return [];
    const cells = orders.flatMap((s) => orderCells(filesOf(s)));
    return [{ title: `pooled over the orders ${orders.join(', ')} (games ${games})`, chart: `retention-dots-pooled-${k + 1}`, cells: poolCells(cells), largestSe: largestEvaluationSe(orders.flatMap(filesOf)) }];
  });
  return [...perOrder, ...pooled];
}

/** One cell per (arm, game) holding each order's seeds of that game as a stratum. */
function poolCells(cells: readonly RetentionCell[]): RetentionCell[] {
  const pooled = new Map<string, RetentionCell>();
  for (const cell of cells) {
    const key = JSON.stringify([cell.arm, cell.game]);
    const seen = pooled.get(key);
    pooled.set(key, seen ? { ...seen, strata: [...seen.strata, ...cell.strata] } : { arm: cell.arm, game: cell.game, strata: [...cell.strata] });
  }
  return [...pooled.values()];
}

/** The sections as markdown; `charts` (a folder relative to the report) links each section's chart. */
export function retentionSectionsMarkdown(sections: readonly RetentionSection[], charts: string | null): string[] {
  if (sections.length === 0) return [];
  const lines = ['RL retention over seeds. ' + retentionLegend(), ''];
  for (const section of sections) {
    lines.push(`RL retention, ${section.title}:`, '', ...retentionTable(section.cells), '', ...iqmTable(section.cells), '', evaluationSeLine(section.largestSe), '');
    if (charts !== null) lines.push(`![retention per seed, ${section.title}](${charts}/${section.chart}.png)`, '');
  }
  return lines;
}

/** Writes each section's dots chart as `<dir>/<chart>.svg` and `.png`; returns the PNGs' paths. */
export async function writeRetentionCharts(dir: string, sections: readonly RetentionSection[]): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const paths: string[] = [];
  for (const section of sections) {
    const svg = retentionDotsOf(section.cells, `retention per seed · ${section.title}`);
    writeFileSync(join(dir, `${section.chart}.svg`), svg);
    const png = join(dir, `${section.chart}.png`);
    writeFileSync(png, await svgToPng(svg));
    paths.push(png);
  }
  return paths;
}
