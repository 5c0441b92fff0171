/**
 * Retention per seed as dots (Agarwal et al. 2021 ask for the runs themselves, not only their mean): one column
 * per (game, arm), one dot per seed, a bar for the mean over seeds and a thin line for its 95 % bootstrap
 * interval. Columns are grouped by game and coloured by arm; 100 % (all kept) and 0 % are drawn across.
 */
import { el, esc, FONT, num, svgDocument, taskColour, text, textWidth } from '../../core/report/svg.ts';
import { DEFAULT_BOOTSTRAP, type BootstrapSettings, type Interval } from '../../core/statistics.ts';
import { ratio, summariseRetention, type RetentionCell, type RetentionReference } from './retention-statistics.ts';

export interface DotColumn {
  /** The group the column is drawn in (a game, or "game (order)" when pooling orders). */
  readonly game: string;
  readonly arm: string;
  /** Each seed's retention (a fraction, 1 = all kept). */
  readonly values: readonly { seed: number; value: number }[];
  readonly mean: number | null;
  readonly interval: Interval | null;
}

const COLUMN = 34;
const GROUP_GAP = 26;

export function retentionDotsSvg(columns: readonly DotColumn[], title: string, yLabel: string): string {
  const arms = [...new Set(columns.map((c) => c.arm))];
  const games = [...new Set(columns.map((c) => c.game))];
  const all = [0, 1, ...columns.flatMap((c) => [...c.values.map((v) => v.value), ...(c.interval ? [c.interval.low, c.interval.high] : [])])];
  const yMin = Math.floor(Math.min(...all) * 5) / 5;
  const yMax = Math.ceil(Math.max(...all) * 5) / 5;
  // A group is as wide as its columns or its game's name, whichever is wider, so names never run together.
  const columnsWidth = arms.length * COLUMN;
  const groupWidth = Math.max(columnsWidth, ...games.map((g) => textWidth(g, 12) + 6));
  const plotW = Math.max(240, games.length * (groupWidth + GROUP_GAP) + GROUP_GAP);
  const plotH = 300;
  const left = 64;
  const top = 48;
  const py = (y: number): number => top + (1 - (y - yMin) / (yMax - yMin)) * plotH;
  // The title starts at the left edge and the picture widens to hold it: a pooled table's title is long.
  const body: string[] = [text(12, 24, title, { 'font-size': 15, 'font-weight': 'bold' })];
  for (let g = Math.round(yMin * 5); g <= Math.round(yMax * 5); g++) {
    const y = py(g / 5);
    body.push(el('line', { x1: left, x2: left + plotW, y1: y, y2: y, stroke: g === 0 || g === 5 ? '#909090' : '#ececec', 'stroke-width': 1 }));
    body.push(text(left - 8, y + 4, `${g * 20} %`, { 'text-anchor': 'end', 'font-size': 11, fill: '#444' }));
  }
  games.forEach((game, gi) => {
    const x0 = left + GROUP_GAP + gi * (groupWidth + GROUP_GAP);
    body.push(text(x0 + groupWidth / 2, top + plotH + 18, game, { class: 'game', 'text-anchor': 'middle', 'font-size': 12 }));
    const first = x0 + (groupWidth - columnsWidth) / 2;
    arms.forEach((arm, ai) => {
      const column = columns.find((c) => c.game === game && c.arm === arm);
      if (column) body.push(...columnMarks(column, first + ai * COLUMN + COLUMN / 2, taskColour(ai, arms.length), py));
    });
  });
  body.push(el('rect', { x: left, y: top, width: plotW, height: plotH, fill: 'none', stroke: '#444' }));
  const yMid = top + plotH / 2;
  body.push(`<text x="18" y="${num(yMid)}" font-family="${esc(FONT)}" font-size="13" fill="#222" text-anchor="middle" transform="rotate(-90 18 ${num(yMid)})">${esc(yLabel)}</text>`);
  const lx = left + plotW + 20;
  body.push(text(lx, top + 4, 'arm', { 'font-weight': 'bold' }));
  arms.forEach((arm, ai) => {
    const y = top + 22 + ai * 20;
    body.push(el('circle', { cx: lx + 8, cy: y - 4, r: 4, fill: taskColour(ai, arms.length) }));
    body.push(text(lx + 20, y, arm, { class: 'legend' }));
  });
  const note = top + 34 + arms.length * 20;
  body.push(text(lx, note, 'dot: a seed', { 'font-size': 11, fill: '#444' }), text(lx, note + 16, 'bar: mean, line: 95 % CI', { 'font-size': 11, fill: '#444' }));
  const legendWidth = 28 + Math.max(...[...arms, 'bar: mean, line: 95 % CI'].map((n) => textWidth(n, 12)));
  return svgDocument(Math.max(lx + legendWidth, 24 + textWidth(title, 15)), top + plotH + 34, body);
}

/** A column's seeds (spread sideways by seed order so equal values stay visible), mean bar and interval. */
function columnMarks(column: DotColumn, x: number, colour: string, py: (y: number) => number): string[] {
  const marks: string[] = [];
  if (column.interval) marks.push(el('line', { class: 'interval', x1: x, x2: x, y1: py(column.interval.low), y2: py(column.interval.high), stroke: colour, 'stroke-width': 1.5 }));
  if (column.mean !== null) marks.push(el('line', { class: 'mean', x1: x - 11, x2: x + 11, y1: py(column.mean), y2: py(column.mean), stroke: colour, 'stroke-width': 3 }));
  const n = column.values.length;
  column.values.forEach((v, k) => {
    const dx = n > 1 ? (k / (n - 1) - 0.5) * 14 : 0;
    marks.push(el('circle', { class: 'seed', 'data-seed': v.seed, cx: x + dx, cy: py(v.value), r: 3.5, fill: colour, 'fill-opacity': 0.75, stroke: '#222', 'stroke-width': 0.5 }));
  });
  return marks;
}

/** A column per cell: each seed's retention against `reference`, the mean of per-seed ratios and its interval. */
export function dotColumns(cells: readonly RetentionCell[], reference: RetentionReference, settings: BootstrapSettings = DEFAULT_BOOTSTRAP): DotColumn[] {
  return cells.map((cell) => {
    const summary = summariseRetention(cell.strata, reference, settings);
    const values = cell.strata.flat().flatMap((sample) => {
      const value = ratio(sample, reference);
      return value === null ? [] : [{ seed: sample.seed, value }];
    });
    return { game: cell.game, arm: cell.arm, values, mean: summary.meanOfRatios, interval: summary.interval };
  });
}

/** The dots chart of cells as PNG-ready SVG, retention against the scholar's own score (the tables' first measure). */
export function retentionDotsOf(cells: readonly RetentionCell[], title: string): string {
  return retentionDotsSvg(dotColumns(cells, 'scholar'), title, 'retention R[T][i] / R[i][i]');
}
