/** The run report in one import: pure functions from results to the contents of files, and the writer. */
export { aggregate, spread, type Aggregate, type Spread } from './aggregate.ts';
export { ANCHORS, anchorsFor, compareAnchor, type Anchor, type AnchorComparison, type AnchorMeasure } from './anchors.ts';
export { curvesCsv, curvesCsvHeader } from './csv.ts';
export { curvesSvg, taskLine, type CurvesOptions, type LinePoint } from './curves.ts';
export { heatColour, heatmapSvg, rowLabel, type HeatmapOptions } from './heatmap.ts';
export { duration, reportMarkdown, seedsOf, type ReportInput, type ReportPlot } from './markdown.ts';
export { imageShape, runTitle, scenarioOf, SCENARIO_NAMES } from './run.ts';
export { gridPixel, sampleGridLayout, sampleGridPng, samplesSvg, type SampleGridLayout, type SamplesOptions } from './samples.ts';
export { svgToPng } from './svg.ts';
export { writeRunFiles, type RunFilesInput } from './write.ts';
