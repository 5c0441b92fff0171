/**
 * A run's report files: curves.csv, curves.svg/.png, accuracy-matrix.svg/.png, samples-task<k>.svg/.png for
 * each task whose arm has a generator, and report.md. (config.json and result.json are the CLI's.) With several
 * seeds the curves and samples are the first seed's, the matrix is the mean (± s.e.m.) and the CSV holds every
 * seed's rows.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { aggregate } from './aggregate.ts';
import { curvesCsv } from './csv.ts';
import { curvesSvg } from './curves.ts';
import { heatmapSvg } from './heatmap.ts';
import { reportMarkdown, seedsOf, type ReportInput, type ReportPlot } from './markdown.ts';
import { imageShape } from './run.ts';
import { samplesSvg } from './samples.ts';
import { svgToPng } from './svg.ts';

/** What report.md needs, less the plots: writeRunFiles draws those itself. */
export type RunFilesInput = Omit<ReportInput, 'plots'>;

/** Images per row in the sample grids. */
const SAMPLE_COLUMNS = 8;

/** Writes the report files into `dir` (created if missing) and returns their paths. */
export async function writeRunFiles(dir: string, input: RunFilesInput): Promise<string[]> {
  const { config, results } = input;
  if (results.length === 0) throw new Error('writeRunFiles: no results');
  const seeds = seedsOf(input);
  const [first] = results;
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  const put = async (name: string, data: string | Buffer): Promise<void> => {
    const path = join(dir, name);
    // Renamed into place, so a reader (the viewer) never sees half a file.
    await writeFile(`${path}.tmp`, data);
    await rename(`${path}.tmp`, path);
    written.push(path);
  };
  const plots: ReportPlot[] = [];
  const chart = async (base: string, title: string, svg: string): Promise<void> => {
    await put(`${base}.svg`, svg);
    await put(`${base}.png`, await svgToPng(svg));
    plots.push({ title, png: `${base}.png`, svg: `${base}.svg` });
  };

  await put(
    'curves.csv',
    results.map((r, k) => curvesCsv(r, { iterations: config.iterations, seed: seeds[k] }, { header: k === 0 })).join(''),
  );

  const several = results.length > 1;
  await chart(
    'curves',
    several ? `Test accuracy per task (seed ${seeds[0]}, the first of ${seeds.length})` : 'Test accuracy per task',
    curvesSvg(first, { ...config, seed: seeds[0] }),
  );

  const agg = aggregate(results);
  await chart(
    'accuracy-matrix',
    'Accuracy matrix',
    heatmapSvg(agg.accuracyMatrixMean, agg.taskNames, {
      ...(several ? { title: `Accuracy matrix R[k][i] (%), mean ± s.e.m. of ${results.length} seeds`, sem: agg.accuracyMatrixSem } : {}),
    }),
  );

  const shape = imageShape(config.stream);
  for (const [t, samples] of first.samples.entries()) {
    if (!samples || samples.length === 0) continue;
    const labels = first.sampleLabels[t]?.length ? first.sampleLabels[t] : undefined;
    const title = `Generated samples after task ${t + 1} (${first.taskNames[t]})${labels ? ', labelled by its solver' : ''}`;
    await chart(`samples-task${t + 1}`, title, samplesSvg(samples, shape, SAMPLE_COLUMNS, { title: several ? `${title}, seed ${seeds[0]}` : title, labels }));
  }

  await put('report.md', reportMarkdown({ ...input, seeds, plots }));
  return written;
}
