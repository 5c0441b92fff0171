/**
 * The accuracy matrix R[k][i] as a heatmap: rows "at start", "after task 1", ..., columns the tasks, each cell
 * labelled with its value in %. The cell of the task just trained (i = k) is outlined. Rows a stopped run never
 * reached are drawn empty.
 */
import { el, svgDocument, text, textWidth } from './svg.ts';

/** Blues, light to dark, for accuracies 0 → 1. */
const STOPS: [number, number, number][] = [
  [247, 251, 255],
  [198, 219, 239],
  [107, 174, 214],
  [33, 113, 181],
  [8, 48, 107],
];

export function heatColour(value: number): string {
  const v = Math.min(1, Math.max(0, value)) * (STOPS.length - 1);
  const j = Math.min(STOPS.length - 2, Math.floor(v));
  const f = v - j;
  const rgb = STOPS[j].map((c, n) => Math.round(c + (STOPS[j + 1][n] - c) * f));
  return `rgb(${rgb.join(',')})`;
}

export function rowLabel(k: number): string {
  return k === 0 ? 'at start' : `after task ${k}`;
}

export interface HeatmapOptions {
  readonly title?: string;
  /** Same shape as the matrix: printed as "± x" under each value (several seeds). */
  readonly sem?: readonly (readonly number[])[];
}

/** `matrix` has up to T + 1 rows of T = taskNames.length values in [0, 1]. */
export function heatmapSvg(matrix: readonly (readonly number[])[], taskNames: readonly string[], options: HeatmapOptions = {}): string {
  const T = taskNames.length;
  const rows = T + 1;
  const cellW = Math.max(62, ...taskNames.map((n) => textWidth(n, 11) + 12));
  const cellH = options.sem ? 40 : 32;
  const top = 76;
  const title = options.title ?? 'Accuracy matrix R[k][i] (%)';
  const content = 104 + T * cellW + 20;
  const width = Math.max(content, textWidth(title, 15) + 40, 360);
  // Row labels take the first 104 pixels; a narrow matrix is centred under a wider title.
  const left = 104 + (width - content) / 2;
  const height = top + rows * cellH + 20;
  const body: string[] = [];
  body.push(text(width / 2, 24, title, { 'font-size': 15, 'font-weight': 'bold', 'text-anchor': 'middle' }));
  body.push(text(left + (T * cellW) / 2, 46, 'tested on task', { 'font-size': 12, 'text-anchor': 'middle', fill: '#555' }));

  taskNames.forEach((name, i) => {
    body.push(text(left + (i + 0.5) * cellW, top - 8, name, { 'font-size': 11, 'text-anchor': 'middle', class: 'column' }));
  });
  for (let k = 0; k < rows; k++) {
    const y = top + k * cellH;
    body.push(text(left - 8, y + cellH / 2 + 4, rowLabel(k), { 'font-size': 12, 'text-anchor': 'end', class: 'row' }));
    for (let i = 0; i < T; i++) {
      const x = left + i * cellW;
      const value = matrix[k]?.[i];
      const known = value !== undefined && Number.isFinite(value);
      body.push(
        el('rect', {
          class: 'cell',
          'data-row': k,
          'data-col': i,
          x,
          y,
          width: cellW,
          height: cellH,
          fill: known ? heatColour(value) : '#eeeeee',
          stroke: '#ffffff',
          'stroke-width': 1,
        }),
      );
      const ink = known && value > 0.55 ? '#ffffff' : '#111111';
      const sem = options.sem?.[k]?.[i];
      const labelY = y + cellH / 2 + (sem !== undefined ? -1 : 4);
      body.push(text(x + cellW / 2, labelY, known ? (value * 100).toFixed(1) : '–', { 'font-size': 12, 'text-anchor': 'middle', fill: ink, class: 'value' }));
      if (known && sem !== undefined && Number.isFinite(sem)) {
        body.push(text(x + cellW / 2, labelY + 14, `± ${(sem * 100).toFixed(1)}`, { 'font-size': 10, 'text-anchor': 'middle', fill: ink }));
      }
    }
  }
  // Outline the task just trained in each row: the diagonal R[k][k−1].
  for (let k = 1; k < rows; k++) {
    body.push(el('rect', { x: left + (k - 1) * cellW + 1, y: top + k * cellH + 1, width: cellW - 2, height: cellH - 2, fill: 'none', stroke: '#e6550d', 'stroke-width': 2 }));
  }
  return svgDocument(width, height, body);
}
