/**
 * Per-game normalised score against the run's frames, with the game boundaries: for each game a line of the
 * arm's scholar (evaluated after each consolidation, so it steps at the boundaries; a dot marks each evaluation) and the short-term learner's
 * points on its own game while it trains (dotted). 0 is the random policy, 1 the scripted one.
 */
import { el, esc, FONT, num, svgDocument, taskColour, text, textWidth } from '../../core/report/svg.ts';
import type { AgentResult, ArmResult } from '../result.ts';

export function rlCurvesSvg(result: AgentResult, arm: ArmResult, title: string): string {
  const games = result.games;
  const T = games.length;
  const bounds = [0];
  for (const g of result.config.schedule.tasks) bounds.push(bounds[bounds.length - 1] + g.steps);
  const xMax = Math.max(1, bounds[T]);
  const all = [...arm.R.flat(), ...result.learnerCurves.map((p) => p.normalised), 0, 1];
  const yMin = Math.min(-0.2, Math.floor(Math.min(...all) * 5) / 5);
  const yMax = Math.max(1.2, Math.ceil(Math.max(...all) * 5) / 5);
  const plotW = 640;
  const plotH = 320;
  const left = 64;
  const top = 62;
  const legendWidth = 36 + Math.max(...[...games, 'learner, own game', `scholar (${arm.arm})`].map((n) => textWidth(n, 12)));
  const px = (x: number): number => left + (x / xMax) * plotW;
  const py = (y: number): number => top + (1 - (Math.min(yMax, Math.max(yMin, y)) - yMin) / (yMax - yMin)) * plotH;
  const body: string[] = [text(left + plotW / 2, 24, title, { 'font-size': 16, 'font-weight': 'bold', 'text-anchor': 'middle' })];
  for (let g = Math.ceil(yMin * 5); g <= Math.floor(yMax * 5); g++) {
    const y = py(g / 5);
    body.push(el('line', { x1: left, x2: left + plotW, y1: y, y2: y, stroke: g === 0 || g === 5 ? '#b0b0b0' : '#ececec', 'stroke-width': 1 }));
    body.push(text(left - 8, y + 4, (g / 5).toFixed(1), { 'text-anchor': 'end', 'font-size': 11, fill: '#444' }));
  }
  bounds.forEach((b, k) => {
    const x = px(b);
    body.push(text(x, top + plotH + 19, `${num(b / 1000)}k`, { 'text-anchor': 'middle', 'font-size': 11, fill: '#444' }));
    if (k > 0 && k < T) body.push(el('line', { class: 'boundary', x1: x, x2: x, y1: top, y2: top + plotH, stroke: '#777', 'stroke-dasharray': '5 4' }));
    if (k < T) body.push(text((x + px(bounds[k + 1])) / 2, top - 8, games[k], { 'text-anchor': 'middle', 'font-size': 11, fill: '#555' }));
  });
  body.push(el('rect', { x: left, y: top, width: plotW, height: plotH, fill: 'none', stroke: '#444' }));
  for (let i = 0; i < T; i++) {
    const colour = taskColour(i, T);
    // The scholar's score on game i: row 0 at frame 0, row k+1 from the end of game k on (a step function).
    const points: string[] = [];
    arm.R.forEach((row, k) => {
      const from = bounds[k === 0 ? 0 : k];
      const to = bounds[Math.min(T, k + 1)];
      if (k > 0) points.push(`${num(px(from))},${num(py(row[i]))}`);
      if (k < T) points.push(`${num(px(k === 0 ? 0 : from))},${num(py(row[i]))}`, `${num(px(to))},${num(py(row[i]))}`);
    });
    body.push(el('polyline', { class: 'game-line', 'data-game': i, points: points.join(' '), fill: 'none', stroke: colour, 'stroke-width': 2 }));
    // A dot where each evaluation was taken: the step after the last game is otherwise only a tick at the edge.
    arm.R.forEach((row, k) => body.push(el('circle', { class: 'evaluation', 'data-game': i, cx: num(px(bounds[k])), cy: num(py(row[i])), r: 3.5, fill: colour })));
    const learner = result.learnerCurves.filter((p) => p.game === i);
    if (learner.length > 0) {
      body.push(el('polyline', { class: 'learner-line', points: learner.map((p) => `${num(px(p.frame))},${num(py(p.normalised))}`).join(' '), fill: 'none', stroke: colour, 'stroke-width': 1.5, 'stroke-dasharray': '2 3' }));
    }
  }
  body.push(text(left + plotW / 2, top + plotH + 44, 'frames (all games)', { 'text-anchor': 'middle', 'font-size': 13 }));
  const yMid = top + plotH / 2;
  body.push(`<text x="18" y="${num(yMid)}" font-family="${esc(FONT)}" font-size="13" fill="#222" text-anchor="middle" transform="rotate(-90 18 ${num(yMid)})">normalised score</text>`);
  const lx = left + plotW + 24;
  body.push(text(lx, top + 4, 'game', { 'font-weight': 'bold' }));
  games.forEach((name, i) => {
    const y = top + 22 + i * 20;
    body.push(el('line', { x1: lx, x2: lx + 22, y1: y - 4, y2: y - 4, stroke: taskColour(i, T), 'stroke-width': 3 }));
    body.push(text(lx + 28, y, name, { class: 'legend' }));
  });
  const ly = top + 30 + T * 20;
  body.push(el('line', { x1: lx, x2: lx + 22, y1: ly - 4, y2: ly - 4, stroke: '#444', 'stroke-width': 2 }));
  body.push(text(lx + 28, ly, `scholar (${arm.arm})`, { 'font-size': 11 }));
  body.push(el('line', { x1: lx, x2: lx + 22, y1: ly + 14, y2: ly + 14, stroke: '#444', 'stroke-width': 1.5, 'stroke-dasharray': '2 3' }));
  body.push(text(lx + 28, ly + 18, 'learner, own game', { 'font-size': 11 }));
  return svgDocument(left + plotW + 24 + legendWidth, top + plotH + 58, body);
}
