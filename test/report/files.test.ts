/** report.md's contents and the files writeRunFiles leaves in a run's folder. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findExperiment } from '../../core/experiments/presets.ts';
import { reportMarkdown } from '../../core/report/markdown.ts';
import { writeRunFiles } from '../../core/report/write.ts';
import { splitConfig, syntheticResult } from './fixtures.ts';
import { decodePng } from './png.ts';
import { parseSvg } from './xml.ts';

const tables = (md: string): string[][] =>
  md
    .split('\n')
    .filter((l) => l.startsWith('| '))
    .map((l) => l.slice(2, -2).split(' | '));

describe('reportMarkdown', () => {
  it('says what was run and shows the matrix, the metrics and the anchors next to our numbers', () => {
    const config = splitConfig({ iterations: 2000 });
    const result = syntheticResult({ tasks: 5, iterations: 2000 });
    const md = reportMarkdown({ config, results: [result], backend: 'wasm', command: 'dgr experiment split-mnist --arm gr' });
    expect(md).toMatch(/^# split-mnist · gr · class-incremental\n/);
    for (const s of ['Backend: wasm', 'Seed: 1', 'Wall time: 12.5 s', 'dgr experiment split-mnist --arm gr', 'digits 8/9', 'VAE 400-400']) {
      expect(md).toContain(s);
    }
    const rows = tables(md);
    // The matrix: every cell in % with two decimals, the diagonal in bold.
    const matrixRows = rows.filter((r) => r[0] === 'at start' || r[0].startsWith('after task'));
    expect(matrixRows).toHaveLength(6);
    expect(matrixRows[3]).toEqual(['after task 3', ...result.accuracyMatrix[3].map((v, i) => (i === 2 ? `**${(v * 100).toFixed(2)}**` : (v * 100).toFixed(2)))]);
    const metric = (name: string) => rows.find((r) => r[0].startsWith(name))?.[1];
    expect(metric('ACC')).toBe((result.acc * 100).toFixed(2));
    expect(metric('BWT')).toBe(`−${Math.abs(result.bwt * 100).toFixed(2)}`);
    // Anchors: van de Ven's DGR and Avalanche, with our ACC and the difference in percentage points.
    const dgr = rows.find((r) => r[0].startsWith('van de Ven'));
    const diff = (result.acc - 0.9079) * 100;
    expect(dgr).toEqual([
      'van de Ven & Tolias 2019, split MNIST (20 seeds)',
      'ACC after 5 tasks',
      '90.79 ± 0.41',
      (result.acc * 100).toFixed(2),
      `${diff >= 0 ? '+' : '−'}${Math.abs(diff).toFixed(2)}`,
      'MLP 400-400, VAE latent 100',
    ]);
    expect(rows.find((r) => r[0].startsWith('Avalanche'))?.[2]).toBe('75');
    expect(md).toContain('6000 train / 1000 test images per task');
    // What each scholar replays: the share per class (— for classes not learned yet) and the confidence.
    expect(md).toContain('## What the generator replays');
    const replayRows = rows.filter((r) => /^task \d \(digits/.test(r[0]));
    expect(replayRows).toHaveLength(5);
    expect(replayRows[1]).toEqual(['task 2 (digits 2/3)', '40.0', '20.0', '20.0', '20.0', '—', '—', '—', '—', '—', '—', '0.800']);
  });

  it('has no replay section for an arm without a generator', () => {
    const config = splitConfig();
    const result = { ...syntheticResult({ tasks: 3 }), replay: [null, null, null] };
    expect(reportMarkdown({ config, results: [result], backend: 'cpu' })).not.toContain('What the generator replays');
  });

  it('gives mean ± s.e.m. over seeds, cell by cell, and a per-seed table', () => {
    const config = splitConfig();
    const results = [1, 2, 3].map((seed) => syntheticResult({ tasks: 3, seed }));
    const md = reportMarkdown({ config, results, seeds: [4, 5, 6], backend: 'cpu' });
    expect(md).toContain('Seeds: 4, 5, 6');
    expect(md).toContain('over 3 seeds');
    const rows = tables(md);
    const cells = results.map((r) => r.accuracyMatrix[3][0] * 100);
    const mean = cells.reduce((a, b) => a + b, 0) / 3;
    const sem = Math.sqrt(cells.reduce((s, x) => s + (x - mean) ** 2, 0) / 2 / 3);
    expect(rows.find((r) => r[0] === 'after task 3')?.[1]).toBe(`${mean.toFixed(2)} ± ${sem.toFixed(2)}`);
    const perSeed = rows.filter((r) => ['4', '5', '6'].includes(r[0]));
    expect(perSeed.map((r) => r[1])).toEqual(results.map((r) => (r.acc * 100).toFixed(2)));
    expect(() => reportMarkdown({ config, results, seeds: [1], backend: 'cpu' })).toThrow(/3 results but 1 seeds/);
  });

  it('says when no public number applies, and when a reference row was not reached', () => {
    const domain = findExperiment('mnist-svhn').build('quick', { arm: 'gr', seed: 1 });
    const two = syntheticResult({ tasks: 2, taskNames: ['mnist', 'svhn'] });
    expect(reportMarkdown({ config: domain, results: [two], backend: 'cpu' })).toContain('None apply');
    const chain = findExperiment('scholar-chain').build('quick', { arm: 'gr', seed: 1 });
    const md = reportMarkdown({ config: chain, results: [syntheticResult({ tasks: 3 })], backend: 'cpu' });
    const shin = tables(md).filter((r) => r[0] === 'Shin et al. 2017, Table 1');
    expect(shin.map((r) => r[2])).toEqual(['98.81', '98.64', '98.58', '98.53', '98.56']);
    expect(shin.map((r) => r[3]).slice(3)).toEqual(['not reached', 'not reached']);
  });
});

describe('writeRunFiles', () => {
  const dirs: string[] = [];
  const tmp = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'dgr-report-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('writes the curves, the matrix, a sample grid per task and report.md, all linked', async () => {
    const dir = join(tmp(), 'run');
    const config = splitConfig({ iterations: 300, evalEvery: 100 });
    const results = [1, 2].map((seed) => syntheticResult({ tasks: 3, seed, samples: 12 }));
    const files = await writeRunFiles(dir, { config, results, backend: 'wasm', command: 'dgr experiment split-mnist --seeds 2' });
    const names = files.map((f) => basename(f));
    expect(names).toEqual([
      'curves.csv',
      'curves.svg',
      'curves.png',
      'accuracy-matrix.svg',
      'accuracy-matrix.png',
      'samples-task1.svg',
      'samples-task1.png',
      'samples-task2.svg',
      'samples-task2.png',
      'samples-task3.svg',
      'samples-task3.png',
      'report.md',
    ]);
    for (const f of files) expect(readFileSync(f).length).toBeGreaterThan(100);
    for (const f of files.filter((x) => x.endsWith('.svg'))) parseSvg(readFileSync(f, 'utf8'));
    for (const f of files.filter((x) => x.endsWith('.png'))) {
      const png = decodePng(readFileSync(f));
      const svg = parseSvg(readFileSync(f.replace(/\.png$/, '.svg'), 'utf8'))[0];
      expect([png.width, png.height]).toEqual([Number(svg.attrs.width), Number(svg.attrs.height)]);
      expect(png.colours().size).toBeGreaterThan(5);
    }
    // Both seeds' rows in one CSV, one header; no temporary files left behind.
    const csv = readFileSync(join(dir, 'curves.csv'), 'utf8').trimEnd().split('\n');
    expect(csv.filter((l) => l.startsWith('seed,'))).toHaveLength(1);
    expect(csv.filter((l) => l.startsWith('1,'))).toHaveLength(1 + 9 + 3);
    expect(csv.filter((l) => l.startsWith('2,'))).toHaveLength(1 + 9 + 3);
    expect(existsSync(join(dir, 'report.md.tmp'))).toBe(false);
    // The heatmap is the mean with its s.e.m.; every plot report.md links to exists.
    expect(readFileSync(join(dir, 'accuracy-matrix.svg'), 'utf8')).toContain('mean ± s.e.m. of 2 seeds');
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    const links = [...md.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]);
    expect(links).toHaveLength(10);
    for (const link of links) expect(existsSync(join(dir, link))).toBe(true);
    expect(md).toContain('Seeds: 1, 2');
  });

  it('writes no sample grids for an arm without a generator', async () => {
    const dir = tmp();
    const config = splitConfig({ arm: 'none', evalEvery: 0 });
    const files = await writeRunFiles(dir, { config, results: [syntheticResult({ tasks: 2, samples: 0, evalEvery: 0 })], backend: 'cpu' });
    expect(files.map((f) => basename(f))).toEqual(['curves.csv', 'curves.svg', 'curves.png', 'accuracy-matrix.svg', 'accuracy-matrix.png', 'report.md']);
  });
});
