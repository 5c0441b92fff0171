/**
 * The arms side by side: one board per arm, each arm's scholar playing the same earlier game from the same
 * episode seeds, with its score and its Q-values, so forgetting is seen rather than read off a table. Plain 2D
 * canvases (one per arm) drawn with env's palette; the server sends these frames only after the viewer asks.
 */
import { GRID } from '../../env/layout.ts';
import { BACKGROUND, cellColour } from '../../env/palette.ts';
import { ACTIONS } from '../../env/types.ts';
import type { Frame } from '../../protocol/binary.ts';
import { css, qBars } from './draw.ts';

/** Cell size in CSS pixels (five arms fit across the page), the Q-value strip under the board (a gap, the bars,
 *  two lines of labels), and the gap between cells. */
export const ARM_CELL = 18;
const Q_TOP = 6;
const Q_HEIGHT = 50;
const Q_LABELS = 26;
const GAP = 1;

export interface ArmView {
  readonly arm: string;
  readonly game: number;
  readonly score: number;
  readonly step: number;
}

export class ArmsPanel {
  private boards: { canvas: HTMLCanvasElement; caption: HTMLElement; arm: string }[] = [];
  /** What each board last drew, for tests (window.dgrViewer.sideBySide()). */
  shown: ArmView[] = [];

  constructor(private readonly container: HTMLElement) {}

  /** One board per arm, rebuilt when the run's arms change. */
  setArms(arms: readonly string[]): void {
    if (arms.length === this.boards.length && arms.every((a, i) => this.boards[i].arm === a)) return;
    this.boards = arms.map((arm) => {
      const figure = document.createElement('figure');
      figure.className = 'arm';
      figure.dataset.arm = arm;
      const caption = document.createElement('figcaption');
      caption.textContent = `${arm}: waiting for its game`;
      const canvas = document.createElement('canvas');
      canvas.width = GRID * ARM_CELL;
      canvas.height = GRID * ARM_CELL + Q_TOP + Q_HEIGHT + Q_LABELS;
      figure.append(caption, canvas);
      return { canvas, caption, arm };
    });
    this.container.replaceChildren(...this.boards.map((b) => b.canvas.parentElement!));
    this.shown = [];
  }

  /** The arms' frames (in run.arms order); `consolidated[a]` is how many games arm a's scholar has consolidated. */
  draw(frames: readonly Frame[], consolidated: readonly number[]): void {
    this.shown = [];
    frames.forEach((f, a) => {
      const board = this.boards[a];
      if (!board) return;
      const ctx = board.canvas.getContext('2d')!;
      drawBoard(ctx, f.observation);
      drawQValues(ctx, f.qValues, f.action, GRID * ARM_CELL + Q_TOP);
      const after = consolidated[a] === 0 ? 'before any consolidation' : `after ${consolidated[a]} game${consolidated[a] === 1 ? '' : 's'}`;
      // The game is the panel's note (the same for every arm); the board's title wraps within its width.
      board.caption.textContent = `${board.arm} · score ${f.score.toFixed(0)} · step ${f.step} · ${after}`;
      this.shown.push({ arm: board.arm, game: f.game, score: f.score, step: f.step });
    });
  }
}

function drawBoard(ctx: CanvasRenderingContext2D, observation: ArrayLike<number>): void {
  ctx.fillStyle = css(BACKGROUND);
  ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  for (let y = 0; y < GRID; y++) {
    for (let x = 0; x < GRID; x++) {
      const colour = cellColour(observation, x, y);
      if (colour === BACKGROUND) continue;
      ctx.fillStyle = css(colour);
      ctx.fillRect(x * ARM_CELL, y * ARM_CELL, ARM_CELL - GAP, ARM_CELL - GAP);
    }
  }
  ctx.strokeStyle = '#1d2233';
  ctx.strokeRect(0.5, 0.5, GRID * ARM_CELL - 1, GRID * ARM_CELL - 1);
}

/** Q-values as bars (./draw.ts qBars): the greedy action bright, the chosen one outlined. */
function drawQValues(ctx: CanvasRenderingContext2D, q: readonly number[], chosen: number, top: number): void {
  if (q.length === 0) return;
  const width = (GRID * ARM_CELL) / q.length;
  const { heights, greedy } = qBars(q, Q_HEIGHT, 4);
  ctx.font = '9px ui-monospace, Menlo, Consolas, monospace';
  ctx.textAlign = 'center';
  for (let a = 0; a < q.length; a++) {
    const h = heights[a];
    const x = a * width + 3;
    ctx.fillStyle = a === greedy ? '#50dc78' : '#3a4663';
    ctx.fillRect(x, top + Q_HEIGHT - h, width - 6, h);
    if (a === chosen) {
      ctx.strokeStyle = '#f0c83c';
      ctx.lineWidth = 2;
      ctx.strokeRect(x - 1, top + Q_HEIGHT - h - 1, width - 4, h + 2);
    }
    ctx.fillStyle = '#8e97b3';
    ctx.fillText(ACTIONS[a] ?? String(a), x + (width - 6) / 2, top + Q_HEIGHT + 11);
    ctx.fillText(q[a].toFixed(2), x + (width - 6) / 2, top + Q_HEIGHT + 22);
  }
}
