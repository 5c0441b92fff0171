/**
 * The run's numbers on plain canvases: per-game (or per-task) score curves over the whole run with the game
 * boundaries marked, and R over time — every game's score at each evaluation as a heatmap, where forgetting
 * shows as a row fading after its game ends.
 */
import type { CurvePoint } from '../../protocol/messages.ts';

/** One colour per game or task (up to 10, then repeating). */
export const SERIES_COLOURS = ['#5ec8f0', '#f0c83c', '#f06a6a', '#7bdc78', '#c48cf0', '#f09a4a', '#4ad0b0', '#e880c0', '#a0a8c8', '#d0e060'];

export interface ChartInput {
  readonly points: readonly CurvePoint[];
  readonly names: readonly string[];
  /** x where each game starts, then where the run ends. */
  readonly boundaries: readonly number[];
  /** Label of the y values (normalised score, accuracy). */
  readonly yLabel: string;
  readonly xLabel: string;
  /** How far the run has got (the last evaluation's cell reaches it). */
  readonly now: number;
  /** Points drawn thin behind the main ones (the RL learner's own curve behind an arm's). */
  readonly behind?: readonly CurvePoint[];
}

const PAD = { left: 44, right: 12, top: 12, bottom: 30 };

function setupCanvas(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas context');
  ctx.fillStyle = '#10131f';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.font = '11px ui-monospace, Menlo, Consolas, monospace';
  return ctx;
}

function compact(x: number): string {
  if (x >= 1e6) return `${(x / 1e6).toFixed(x >= 1e7 ? 0 : 1)}M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(x >= 1e4 ? 0 : 1)}k`;
  return x.toFixed(0);
}

export function drawCurves(canvas: HTMLCanvasElement, input: ChartInput): void {
  const ctx = setupCanvas(canvas);
  const w = canvas.width - PAD.left - PAD.right;
  const h = canvas.height - PAD.top - PAD.bottom;
  const xMax = Math.max(1, input.boundaries[input.boundaries.length - 1] ?? 0, ...input.points.map((p) => p.x));
  let yMin = 0;
  let yMax = 1;
  for (const p of [...input.points, ...(input.behind ?? [])]) for (const v of p.values) if (v !== null) ((yMin = Math.min(yMin, v)), (yMax = Math.max(yMax, v)));
  const X = (x: number): number => PAD.left + (x / xMax) * w;
  const Y = (y: number): number => PAD.top + h - ((y - yMin) / (yMax - yMin)) * h;

  // Axes, the 0 and 1 lines, game boundaries with each game's name.
  ctx.strokeStyle = '#262c40';
  ctx.lineWidth = 1;
  for (const y of [0, 1]) {
    ctx.beginPath();
    ctx.moveTo(PAD.left, Y(y));
    ctx.lineTo(PAD.left + w, Y(y));
    ctx.stroke();
  }
  ctx.fillStyle = '#7f89a8';
  ctx.textAlign = 'right';
  for (const y of new Set([yMin, 0, 1, yMax].map((v) => Number(v.toFixed(1)) || 0))) ctx.fillText(y.toFixed(1), PAD.left - 4, Y(y) + 4);
  ctx.setLineDash([4, 4]);
  ctx.textAlign = 'left';
  input.boundaries.forEach((b, k) => {
    ctx.strokeStyle = '#3a4360';
    ctx.beginPath();
    ctx.moveTo(X(b), PAD.top);
    ctx.lineTo(X(b), PAD.top + h);
    ctx.stroke();
    if (k < input.names.length) {
      ctx.fillStyle = SERIES_COLOURS[k % SERIES_COLOURS.length];
      ctx.fillText(input.names[k], X(b) + 4, PAD.top + 10);
    }
  });
  ctx.setLineDash([]);
  ctx.fillStyle = '#7f89a8';
  ctx.textAlign = 'center';
  ctx.fillText(`${input.xLabel} (${compact(xMax)})`, PAD.left + w / 2, canvas.height - 8);
  ctx.save();
  ctx.translate(12, PAD.top + h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(input.yLabel, 0, 0);
  ctx.restore();

  // One line per game; a game's line starts where it was first evaluated. Points are marked: an arm is evaluated
  // only at the ends of games.
  const lines = (points: readonly CurvePoint[], width: number, alpha: number, marks: boolean): void => {
    ctx.lineWidth = width;
    ctx.globalAlpha = alpha;
    for (let g = 0; g < input.names.length; g++) {
      const colour = SERIES_COLOURS[g % SERIES_COLOURS.length];
      ctx.strokeStyle = colour;
      ctx.fillStyle = colour;
      ctx.beginPath();
      let drawing = false;
      for (const p of points) {
        const v = p.values[g];
        if (v === null || v === undefined) continue;
        if (drawing) ctx.lineTo(X(p.x), Y(v));
        else ctx.moveTo(X(p.x), Y(v));
        drawing = true;
      }
      ctx.stroke();
      if (!marks) continue;
      for (const p of points) {
        const v = p.values[g];
        if (v === null || v === undefined) continue;
        ctx.beginPath();
        ctx.arc(X(p.x), Y(v), 3, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
    ctx.globalAlpha = 1;
  };
  if (input.behind) lines(input.behind, 1.5, 0.45, false);
  lines(input.points, 2, 1, input.points.length < 60);
}

/** Score → colour: from the page's dark navy at 0 (or below), through teal at ½, to warm yellow at 1 (or above). */
function heat(v: number): string {
  const stops = [
    [0, [24, 32, 64]],
    [0.5, [38, 140, 140]],
    [1, [250, 214, 80]],
  ] as const;
  const t = Math.max(0, Math.min(1, v));
  const k = t <= 0.5 ? 0 : 1;
  const [t0, c0] = stops[k];
  const [t1, c1] = stops[k + 1];
  const f = (t - t0) / (t1 - t0);
  return `rgb(${c0.map((c, i) => Math.round(c + f * (c1[i] - c))).join(', ')})`;
}

export function drawHeatmap(canvas: HTMLCanvasElement, input: ChartInput): void {
  const ctx = setupCanvas(canvas);
  const left = 110;
  const w = canvas.width - left - PAD.right;
  const h = canvas.height - PAD.top - PAD.bottom;
  const rows = input.names.length;
  if (rows === 0) return;
  const xMax = Math.max(1, input.boundaries[input.boundaries.length - 1] ?? 0, ...input.points.map((p) => p.x));
  const rowH = h / rows;
  ctx.textAlign = 'right';
  input.names.forEach((name, g) => {
    ctx.fillStyle = SERIES_COLOURS[g % SERIES_COLOURS.length];
    ctx.fillText(name.length > 16 ? `${name.slice(0, 15)}…` : name, left - 6, PAD.top + g * rowH + rowH / 2 + 4);
  });
  // Each evaluation fills the span until the next one, so cells are as wide as the time they stood for.
  const points = input.points;
  for (let i = 0; i < points.length; i++) {
    const x0 = left + (points[i].x / xMax) * w;
    const x1 = i + 1 < points.length ? left + (points[i + 1].x / xMax) * w : left + (Math.max(points[i].x, input.now) / xMax) * w;
    for (let g = 0; g < rows; g++) {
      const v = points[i].values[g];
      if (v === null || v === undefined) continue;
      ctx.fillStyle = heat(v);
      ctx.fillRect(x0, PAD.top + g * rowH + 1, Math.max(1, x1 - x0), rowH - 2);
    }
  }
  ctx.strokeStyle = '#ffffff55';
  ctx.setLineDash([3, 3]);
  for (const b of input.boundaries) {
    const x = left + (b / xMax) * w;
    ctx.beginPath();
    ctx.moveTo(x, PAD.top);
    ctx.lineTo(x, PAD.top + h);
    ctx.stroke();
  }
  ctx.setLineDash([]);
  ctx.fillStyle = '#7f89a8';
  ctx.textAlign = 'center';
  ctx.fillText(`${input.xLabel} → · ${input.yLabel}: navy 0 → yellow 1`, left + w / 2, canvas.height - 8);
}
