/** The report's SVG charts (well-formed, one line per task, boundaries, heatmap cells) and their PNGs. */
import { describe, expect, it } from 'vitest';
import { curvesSvg, taskLine } from '../../core/report/curves.ts';
import { heatColour, heatmapSvg } from '../../core/report/heatmap.ts';
import { gridPixel, sampleGridLayout, samplesSvg } from '../../core/report/samples.ts';
import { svgToPng, taskColour } from '../../core/report/svg.ts';
import { knownPixel, splitConfig, syntheticResult } from './fixtures.ts';
import { cssRgb, decodePng, hexRgb } from './png.ts';
import { byClass, parseSvg, unescape } from './xml.ts';

const config = splitConfig({ iterations: 300, evalEvery: 100 });

describe('curvesSvg', () => {
  it('is well-formed, with one line per task, T − 1 boundaries and a legend of the task names', () => {
    const result = syntheticResult({ tasks: 5, iterations: 300, evalEvery: 100, taskNames: ['a<b', 'c & d', 'e', 'f', 'g'] });
    const elements = parseSvg(curvesSvg(result, config));
    const lines = byClass(elements, 'task-line');
    expect(lines.map((l) => l.name)).toEqual(['polyline', 'polyline', 'polyline', 'polyline', 'polyline']);
    expect(lines.map((l) => l.attrs['data-task'])).toEqual(['1', '2', '3', '4', '5']);
    expect(lines.map((l) => l.attrs.stroke)).toEqual([0, 1, 2, 3, 4].map((i) => taskColour(i, 5)));
    expect(byClass(elements, 'boundary')).toHaveLength(4);
    expect(byClass(elements, 'legend').map((e) => unescape(e.text))).toEqual(['a<b', 'c & d', 'e', 'f', 'g']);
    const title = elements.find((e) => e.name === 'text' && e.attrs['font-size'] === '16');
    expect(title?.text).toContain('split-mnist · gr · class-incremental');
    // Each polyline has exactly the points of its task's line.
    lines.forEach((line, i) => {
      expect(line.attrs.points.trim().split(/\s+/)).toHaveLength(taskLine(result, 300, i).length);
    });
  });

  it('draws lines from the accuracy matrix alone when there are no curves (evalEvery 0)', () => {
    const result = syntheticResult({ tasks: 4, iterations: 300, evalEvery: 0 });
    expect(result.curves).toHaveLength(0);
    const lines = byClass(parseSvg(curvesSvg(result, config)), 'task-line');
    expect(lines).toHaveLength(4);
    // Task i (0-based) starts at row i and has rows i..T: T − i + 1 points.
    expect(lines.map((l) => l.attrs.points.trim().split(/\s+/).length)).toEqual([5, 4, 3, 2]);
  });

  it('skips the lines of tasks a stopped run never reached', () => {
    const result = syntheticResult({ tasks: 5, rows: 3 });
    const elements = parseSvg(curvesSvg(result, config));
    // Rows: at start, after task 1, after task 2; task 3 has its starting point only, tasks 4 and 5 nothing.
    expect(byClass(elements, 'task-line').map((l) => l.attrs['data-task'])).toEqual(['1', '2', '3']);
    expect(byClass(elements, 'boundary')).toHaveLength(4);
  });
});

describe('taskLine', () => {
  it('places curve points at task·iterations + iteration and lets the matrix replace a point at the same x', () => {
    const result = {
      accuracyMatrix: [
        [0.1, 0.2],
        [0.9, 0.0],
        [0.7, 0.95],
      ],
      curves: [
        { task: 0, iteration: 50, accuracies: [0.5, 0.01] },
        { task: 0, iteration: 100, accuracies: [0.88, 0.02] },
        { task: 1, iteration: 50, accuracies: [0.8, 0.6] },
        { task: 1, iteration: 100, accuracies: [0.75, 0.93] },
      ],
    };
    expect(taskLine(result, 100, 0)).toEqual([
      { x: 0, accuracy: 0.1, matrix: true },
      { x: 50, accuracy: 0.5, matrix: false },
      { x: 100, accuracy: 0.9, matrix: true },
      { x: 150, accuracy: 0.8, matrix: false },
      { x: 200, accuracy: 0.7, matrix: true },
    ]);
    expect(taskLine(result, 100, 1)).toEqual([
      { x: 100, accuracy: 0.0, matrix: true },
      { x: 150, accuracy: 0.6, matrix: false },
      { x: 200, accuracy: 0.95, matrix: true },
    ]);
  });
});

describe('heatmapSvg', () => {
  const matrix = [
    [0.1, 0.12, 0.08],
    [0.991, 0.0, 0.004],
    [0.95, 0.987, 0.0],
    [0.912, 0.934, 0.9876],
  ];
  const names = ['digits 0/1', 'digits 2/3', 'digits 4/5'];

  it('has T + 1 rows of T cells, row and column labels, and each value in %', () => {
    const elements = parseSvg(heatmapSvg(matrix, names));
    const cells = byClass(elements, 'cell');
    expect(cells).toHaveLength(4 * 3);
    expect(cells.map((c) => `${c.attrs['data-row']}${c.attrs['data-col']}`)).toEqual(['00', '01', '02', '10', '11', '12', '20', '21', '22', '30', '31', '32']);
    expect(byClass(elements, 'row').map((e) => e.text)).toEqual(['at start', 'after task 1', 'after task 2', 'after task 3']);
    expect(byClass(elements, 'column').map((e) => e.text)).toEqual(names);
    expect(byClass(elements, 'value').map((e) => e.text)).toEqual(['10.0', '12.0', '8.0', '99.1', '0.0', '0.4', '95.0', '98.7', '0.0', '91.2', '93.4', '98.8']);
    expect(cells[3].attrs.fill).toBe(heatColour(0.991));
  });

  it('shows missing rows of a stopped run as empty cells, and ± s.e.m. when given', () => {
    const partial = parseSvg(heatmapSvg(matrix.slice(0, 2), names));
    expect(byClass(partial, 'cell')).toHaveLength(12);
    expect(byClass(partial, 'value').map((e) => e.text).slice(6)).toEqual(['–', '–', '–', '–', '–', '–']);
    const sem = matrix.map((row) => row.map(() => 0.0123));
    const withSem = parseSvg(heatmapSvg(matrix, names, { sem }));
    expect(withSem.filter((e) => e.name === 'text' && e.text === '± 1.2')).toHaveLength(12);
  });

  it('colours run from light (0) to dark (1)', () => {
    const lightness = (v: number): number => cssRgb(heatColour(v)).reduce((a, b) => a + b, 0);
    expect(lightness(0)).toBeGreaterThan(lightness(0.5));
    expect(lightness(0.5)).toBeGreaterThan(lightness(1));
    expect(heatColour(-1)).toBe(heatColour(0));
    expect(heatColour(2)).toBe(heatColour(1));
  });
});

describe('samplesSvg', () => {
  it('embeds one PNG of the grid, whose pixels are the samples (grey and RGB)', async () => {
    for (const shape of [
      [28, 28, 1],
      [32, 32, 3],
    ] as const) {
      const result = syntheticResult({ tasks: 2, samples: 10, shape });
      const svg = samplesSvg(result.samples[1], shape, 4, { title: 'after task 2' });
      const elements = parseSvg(svg);
      const images = elements.filter((e) => e.name === 'image');
      expect(images).toHaveLength(1);
      expect(elements.filter((e) => e.name === 'rect')).toHaveLength(1); // the background only
      const layout = sampleGridLayout(10, shape, 4, { title: 'after task 2' });
      expect(layout).toMatchObject({ columns: 4, rows: 3, scale: 3 });
      const embedded = decodePng(Buffer.from(images[0].attrs.href.replace('data:image/png;base64,', ''), 'base64'));
      expect([embedded.width, embedded.height]).toEqual([layout.gridWidth, layout.gridHeight]);

      const png = decodePng(await svgToPng(svg));
      expect([png.width, png.height]).toEqual([layout.width, layout.height]);
      for (const [index, row, col] of [
        [0, 0, 0],
        [5, 10, 17],
        [9, 27, 27],
      ]) {
        const [gx, gy] = gridPixel(layout, shape, index, row, col);
        // The samples are float32: 0.7 is stored as 0.69999…, so it rounds to 178, not 179.
        const expected = [0, 1, 2].map((ch) => Math.round(Math.fround(knownPixel(1, index, row, col, shape[2] === 3 ? ch : 0)) * 255));
        // Every output pixel of the enlarged input pixel, in the embedded grid and in the rendered PNG.
        for (const [dx, dy] of [
          [0, 0],
          [2, 2],
        ]) {
          expect(embedded.pixel(gx + dx, gy + dy).slice(0, 3)).toEqual(expected);
          expect(png.pixel(layout.left + gx + dx, layout.top + gy + dy).slice(0, 3)).toEqual(expected);
        }
      }
      // The gap between images is white.
      const [gx, gy] = gridPixel(layout, shape, 0, 0, shape[1] - 1);
      expect(png.pixel(layout.left + gx + layout.scale, layout.top + gy).slice(0, 3)).toEqual([255, 255, 255]);
    }
  });

  it("writes each image's label in its top-left corner, and refuses a label count that does not match", () => {
    const shape = [32, 32, 3] as const;
    const result = syntheticResult({ tasks: 2, samples: 10, shape });
    const labels = Int32Array.from({ length: 10 }, (_, k) => (3 * k) % 10);
    const svg = samplesSvg(result.samples[1], shape, 4, { labels });
    const layout = sampleGridLayout(10, shape, 4);
    const texts = parseSvg(svg).filter((e) => e.name === 'text');
    expect(texts.map((t) => t.text)).toEqual([...labels].map(String));
    for (const [index, t] of texts.entries()) {
      const [gx, gy] = gridPixel(layout, shape, index, 0, 0);
      expect(Number(t.attrs.x)).toBeGreaterThanOrEqual(layout.left + gx);
      expect(Number(t.attrs.x)).toBeLessThan(layout.left + gx + 32);
      expect(Number(t.attrs.y)).toBeGreaterThan(layout.top + gy);
      expect(Number(t.attrs.y)).toBeLessThan(layout.top + gy + 32);
    }
    expect(() => samplesSvg(result.samples[1], shape, 4, { labels: labels.subarray(0, 9) })).toThrow(/9 labels for 10 images/);
  });

  it('refuses sample arrays that are not whole images', () => {
    expect(() => samplesSvg(new Float32Array(100), [28, 28, 1], 8)).toThrow(/whole number/);
    expect(() => samplesSvg(new Float32Array(0), [28, 28, 1], 8)).toThrow(/whole number/);
    expect(() => samplesSvg(new Float32Array(2 * 16 * 2), [4, 4, 2], 8)).toThrow(/1 or 3 channels/);
  });
});

describe('svgToPng', () => {
  it('renders the curves at the SVG size, with every task colour present', async () => {
    const result = syntheticResult({ tasks: 5, iterations: 300, evalEvery: 100 });
    const svg = curvesSvg(result, config);
    const root = parseSvg(svg)[0];
    const png = decodePng(await svgToPng(svg));
    expect([png.width, png.height]).toEqual([Number(root.attrs.width), Number(root.attrs.height)]);
    expect(png.pixel(0, 0)).toEqual([255, 255, 255, 255]);
    for (let i = 0; i < 5; i++) expect(png.count(hexRgb(taskColour(i, 5)), 8)).toBeGreaterThan(100);
    expect(png.colours().size).toBeGreaterThan(20);
  });

  it('renders the heatmap cells in their colours', async () => {
    const matrix = [
      [0.1, 0.1],
      [0.99, 0.0],
      [0.6, 0.97],
    ];
    const svg = heatmapSvg(matrix, ['one', 'two']);
    const png = decodePng(await svgToPng(svg));
    const root = parseSvg(svg)[0];
    expect([png.width, png.height]).toEqual([Number(root.attrs.width), Number(root.attrs.height)]);
    for (const c of byClass(parseSvg(svg), 'cell')) {
      const [k, i] = [Number(c.attrs['data-row']), Number(c.attrs['data-col'])];
      // Inside the cell, clear of its label and of the diagonal's outline.
      const x = Math.round(Number(c.attrs.x) + 5);
      const y = Math.round(Number(c.attrs.y) + 5);
      const [r, g, b] = png.pixel(x, y);
      const expected = cssRgb(heatColour(matrix[k][i]));
      expect([r, g, b].map((v, n) => Math.abs(v - expected[n]) <= 2)).toEqual([true, true, true]);
    }
  });
});
