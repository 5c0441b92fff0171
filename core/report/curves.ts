/**
 * Test accuracy on every task against the global solver iteration, as in the paper's Figs. 3-5: one line per
 * task, starting where that task starts (its first point is its accuracy before training on it), dashed lines
 * at the task boundaries. The task-end accuracies (the accuracy matrix, full test sets) are always drawn, so a
 * run without intermediate curves (evalEvery 0) still has lines; intermediate points use `curveSamples`.
 */
import type { RunConfig } from '../config.ts';
import type { RunResult } from '../continual.ts';
import { runTitle } from './run.ts';
import { el, esc, FONT, num, svgDocument, taskColour, text, textWidth } from './svg.ts';

export interface LinePoint {
  /** Global iteration: task index × iterations + iteration within the task. */
  readonly x: number;
  readonly accuracy: number;
  /** From the accuracy matrix (a task start or end) rather than an intermediate evaluation. */
  readonly matrix: boolean;
}

/**
 * The points of task i's line (0-based): matrix rows k ≥ i at x = k·iterations (row i is the accuracy before
 * task i is trained), and curve points recorded while training tasks ≥ i. A matrix point replaces a curve point
 * at the same x (it is measured on the full test set).
 */
export function taskLine(result: Pick<RunResult, 'accuracyMatrix' | 'curves'>, iterations: number, task: number): LinePoint[] {
  const byX = new Map<number, LinePoint>();
  for (const p of result.curves) {
    if (p.task < task) continue;
    const x = p.task * iterations + p.iteration;
    byX.set(x, { x, accuracy: p.accuracies[task], matrix: false });
  }
  result.accuracyMatrix.forEach((row, k) => {
    if (k < task) return;
    const x = k * iterations;
    byX.set(x, { x, accuracy: row[task], matrix: true });
  });
  return [...byX.values()].filter((p) => Number.isFinite(p.accuracy)).sort((a, b) => a.x - b.x);
}

/** Tick labels in thousands ("2k", "12.5k") once the axis reaches 10 000, so one axis uses one style. */
function iterationLabel(x: number, xMax: number): string {
  return xMax >= 10_000 ? `${num(x / 1000)}k` : String(x);
}

export interface CurvesOptions {
  /** Replaces the default title (experiment · arm · scenario, seed). */
  readonly title?: string;
}

export function curvesSvg(
  result: Pick<RunResult, 'accuracyMatrix' | 'curves' | 'taskNames'>,
  config: Pick<RunConfig, 'experiment' | 'arm' | 'stream' | 'seed' | 'iterations'>,
  options: CurvesOptions = {},
): string {
  const T = result.taskNames.length;
  const iterations = config.iterations;
  const legendFont = T > 12 ? 10 : 12;
  const legendWidth = Math.max(110, 36 + Math.max(...result.taskNames.map((n) => textWidth(n, legendFont))));
  const plotW = 640;
  const plotH = 320;
  const left = 64;
  const top = 62;
  const width = left + plotW + 24 + legendWidth;
  const height = top + plotH + 58;
  const xMax = Math.max(1, T * iterations);
  const px = (x: number): number => left + (x / xMax) * plotW;
  const py = (y: number): number => top + (1 - Math.min(1, Math.max(0, y))) * plotH;

  const body: string[] = [];
  const title = options.title ?? `${runTitle(config)} · seed ${config.seed}`;
  body.push(text(left + plotW / 2, 24, title, { 'font-size': 16, 'font-weight': 'bold', 'text-anchor': 'middle' }));

  // Grid: a line every 0.1, labelled every 0.2.
  for (let g = 0; g <= 10; g++) {
    const y = py(g / 10);
    const major = g % 2 === 0;
    body.push(el('line', { x1: left, x2: left + plotW, y1: y, y2: y, stroke: major ? '#d0d0d0' : '#ececec', 'stroke-width': 1 }));
    if (major) body.push(text(left - 8, y + 4, (g / 10).toFixed(1), { 'text-anchor': 'end', 'font-size': 11, fill: '#444' }));
  }

  // Task segments: boundaries (dashed), iteration ticks, and each task's name above its segment.
  for (let k = 0; k <= T; k++) {
    const x = px(k * iterations);
    body.push(el('line', { x1: x, x2: x, y1: top + plotH, y2: top + plotH + 5, stroke: '#444' }));
    body.push(text(x, top + plotH + 19, iterationLabel(k * iterations, xMax), { 'text-anchor': 'middle', 'font-size': 11, fill: '#444' }));
    if (k > 0 && k < T) {
      body.push(
        el('line', { class: 'boundary', x1: x, x2: x, y1: top, y2: top + plotH, stroke: '#777', 'stroke-width': 1, 'stroke-dasharray': '5 4' }),
      );
    }
    if (k < T) {
      const segment = plotW / T;
      const label = segment > 70 ? `task ${k + 1}` : String(k + 1);
      body.push(text(x + segment / 2, top - 8, label, { 'text-anchor': 'middle', 'font-size': 11, fill: '#555' }));
    }
  }
  body.push(el('rect', { x: left, y: top, width: plotW, height: plotH, fill: 'none', stroke: '#444', 'stroke-width': 1 }));

  // One line per task, with markers on the accuracy-matrix points.
  for (let i = 0; i < T; i++) {
    const colour = taskColour(i, T);
    const points = taskLine(result, iterations, i);
    if (points.length === 0) continue;
    body.push(
      el('polyline', {
        class: 'task-line',
        'data-task': i + 1,
        points: points.map((p) => `${num(px(p.x))},${num(py(p.accuracy))}`).join(' '),
        fill: 'none',
        stroke: colour,
        'stroke-width': 2,
        'stroke-linejoin': 'round',
      }),
    );
    for (const p of points.filter((q) => q.matrix)) {
      body.push(el('circle', { cx: px(p.x), cy: py(p.accuracy), r: 3.2, fill: colour, stroke: '#fff', 'stroke-width': 1 }));
    }
  }

  // Axis labels.
  body.push(text(left + plotW / 2, top + plotH + 44, 'solver iteration (all tasks)', { 'text-anchor': 'middle', 'font-size': 13 }));
  const yMid = top + plotH / 2;
  body.push(
    `<text x="18" y="${num(yMid)}" font-family="${esc(FONT)}" font-size="13" fill="#222" text-anchor="middle" transform="rotate(-90 18 ${num(yMid)})">test accuracy</text>`,
  );

  // Legend.
  const lx = left + plotW + 24;
  body.push(text(lx, top + 4, 'task', { 'font-size': legendFont, 'font-weight': 'bold' }));
  result.taskNames.forEach((name, i) => {
    const y = top + 22 + i * (legendFont + 8);
    body.push(el('line', { x1: lx, x2: lx + 22, y1: y - 4, y2: y - 4, stroke: taskColour(i, T), 'stroke-width': 3 }));
    body.push(text(lx + 28, y, name, { 'font-size': legendFont, class: 'legend' }));
  });

  return svgDocument(width, height, body);
}
