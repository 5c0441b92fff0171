/**
 * report.md: what was run, the accuracy matrix, ACC/BWT/FWT/forgetting, the public reference numbers that apply
 * next to ours, and links to the plots. One seed or several of the same config (mean ± s.e.m. over seeds).
 */
import { ARMS } from '../arms.ts';
import type { RunConfig } from '../config.ts';
import type { RunResult } from '../continual.ts';
import { EXPERIMENTS } from '../experiments/presets.ts';
import { aggregate, type Aggregate } from './aggregate.ts';
import { anchorsFor, compareAnchor, type AnchorComparison } from './anchors.ts';
import { rowLabel } from './heatmap.ts';
import { runTitle, SCENARIO_NAMES, scenarioOf } from './run.ts';

export interface ReportPlot {
  readonly title: string;
  /** File names relative to report.md. */
  readonly png?: string;
  readonly svg?: string;
}

export interface ReportInput {
  /** The config shared by every seed (its `seed` is the first seed's). */
  readonly config: RunConfig;
  /** One result per seed, in the order of `seeds`. */
  readonly results: readonly RunResult[];
  /** The seeds of `results`; by default config.seed, config.seed + 1, ... (the CLI's --seeds). */
  readonly seeds?: readonly number[];
  readonly backend: string;
  readonly command?: string;
  readonly plots?: readonly ReportPlot[];
}

export function seedsOf(input: Pick<ReportInput, 'config' | 'results' | 'seeds'>): number[] {
  const seeds = input.seeds ? [...input.seeds] : input.results.map((_, k) => input.config.seed + k);
  if (seeds.length !== input.results.length) throw new Error(`report: ${input.results.length} results but ${seeds.length} seeds`);
  return seeds;
}

const pct = (x: number, digits = 2): string => (x * 100).toFixed(digits);
/** Percentage points with a sign. */
const pp = (x: number, digits = 2): string => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(digits)}`;
const pm = (mean: string, sem: number, digits = 2): string => (Number.isFinite(sem) ? `${mean} ± ${pct(sem, digits)}` : mean);
const cell = (s: string): string => s.replace(/\|/g, '\\|');

export function duration(seconds: number): string {
  if (seconds < 59.95) return `${seconds.toFixed(1)} s`;
  // Round once, to whole seconds, so no part ever reads 60 ("24 min 60 s").
  const total = Math.round(seconds);
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes} min ${String(total % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

export function table(header: string[], rows: string[][], align: ('l' | 'r')[] = []): string[] {
  const rule = header.map((_, j) => (align[j] === 'r' ? '---:' : '---'));
  return [header, rule, ...rows].map((r) => `| ${r.map(cell).join(' | ')} |`);
}

function settings(config: RunConfig): string[] {
  const s = config.stream;
  const stream =
    s.kind === 'split-mnist'
      ? `split MNIST, ${s.tasks} tasks${s.classOrder ? `, class order ${s.classOrder.join(' ')}` : ''}`
      : s.kind === 'permuted-mnist'
        ? `permuted MNIST, ${s.tasks} tasks`
        : s.kind === 'domains'
          ? `domains ${s.domains.join(' → ')}`
          : `MNIST scholar chain, ${s.generations} generations`;
  const limit = s.limit ? ` (limited to ${s.limit.train ?? 'all'} train / ${s.limit.test ?? 'all'} test per task)` : '';
  const adam = (a: RunConfig['solver']['adam']): string => `Adam lr ${a.lr}, β = (${a.beta1}, ${a.beta2})`;
  const g = config.generator;
  const lines = [
    `- Stream: ${stream}${limit}`,
    `- Solver: ${config.solver.kind === 'mlp' ? `MLP ${config.solver.hidden.join('-')}` : `CNN conv ${config.solver.channels.join('-')}, dense ${config.solver.dense}`}, ${adam(config.solver.adam)}; ${config.iterations} iterations per task, batch ${config.batchSize}`,
  ];
  if (ARMS[config.arm].inputs === 'generator') {
    const gan = g.kind === 'wgan-gp' ? `, ${g.criticSteps} critic steps, penalty ${g.penalty}` : '';
    const conv = g.kind !== 'wgan-gp' && g.channels ? `conv ${g.channels.join('-')} (mirrored by transposed convs), dense ` : '';
    lines.push(`- Generator: ${g.kind.toUpperCase()} ${conv}${[g.hidden].flat().join('-')}, latent ${g.latent}${gan}, ${adam(g.adam)}; ${config.generatorIterations} iterations per task`);
  }
  const r = config.importance === 'tasks-so-far' ? '1 / (tasks so far)' : String(config.importance.fixed);
  lines.push(`- Importance of the new task r: ${r}; distillation temperature ${config.temperature}`);
  if (ARMS[config.arm].regulariser?.includes('ewc')) lines.push(`- EWC: λ ${config.ewc.lambda}, ${config.ewc.samples} Fisher samples, γ ${config.ewc.gamma}`);
  if (ARMS[config.arm].regulariser === 'si') lines.push(`- SI: c ${config.si.c}, ε ${config.si.epsilon}`);
  lines.push(
    config.evalEvery > 0
      ? `- Curves: every ${config.evalEvery} iterations on ${config.curveSamples} test samples per task; the matrix uses the full test sets`
      : '- Curves: task ends only (evalEvery 0); the matrix uses the full test sets',
  );
  return lines;
}

function metricsSection(agg: Aggregate, results: readonly RunResult[], seeds: number[]): string[] {
  const several = agg.seeds > 1;
  const rows: [string, number, number, number, 'pct' | 'pp'][] = [
    ['ACC (mean accuracy after the last task)', agg.acc, agg.accSem, agg.accStd, 'pct'],
    ['BWT (backward transfer)', agg.bwt, agg.bwtSem, agg.bwtStd, 'pp'],
    ['FWT (forward transfer)', agg.fwt, agg.fwtSem, agg.fwtStd, 'pp'],
    ['Forgetting', agg.forgetting, agg.forgettingSem, agg.forgettingStd, 'pp'],
  ];
  const out = [
    '## Metrics',
    '',
    several ? `Mean ± s.e.m. over ${agg.seeds} seeds, in % (BWT, FWT and forgetting in percentage points).` : 'In % (BWT, FWT and forgetting in percentage points).',
    '',
    ...table(
      ['metric', several ? 'mean ± s.e.m.' : 'value', ...(several ? ['std'] : [])],
      rows.map(([name, mean, sem, std, kind]) => {
        const value = kind === 'pct' ? pct(mean) : pp(mean);
        return [name, several ? pm(value, sem) : value, ...(several ? [pct(std)] : [])];
      }),
      ['l', 'r', 'r'],
    ),
  ];
  if (several) {
    out.push(
      '',
      '### Per seed',
      '',
      ...table(
        ['seed', 'ACC', 'BWT', 'FWT', 'forgetting', 'wall time'],
        results.map((r, k) => [String(seeds[k]), pct(r.acc), pp(r.bwt), pp(r.fwt), pp(r.forgetting), duration(r.seconds)]),
        ['r', 'r', 'r', 'r', 'r', 'r'],
      ),
    );
  }
  return out;
}

function matrixSection(agg: Aggregate): string[] {
  const T = agg.taskNames.length;
  const several = agg.seeds > 1;
  const rows = Array.from({ length: T + 1 }, (_, k) => [
    rowLabel(k),
    ...agg.taskNames.map((_, i) => {
      const v = agg.accuracyMatrixMean[k]?.[i];
      if (v === undefined) return '—';
      const text = pct(v);
      const shown = several ? pm(text, agg.accuracyMatrixSem[k][i]) : text;
      return k >= 1 && i === k - 1 ? `**${shown}**` : shown;
    }),
  ]);
  const out = [
    '## Accuracy matrix',
    '',
    `R[k][i]: test accuracy (%) on task i (columns) after training task k (rows)${several ? `, mean ± s.e.m. over ${agg.seeds} seeds` : ''}; in bold the task just trained.`,
    '',
    ...table(['', ...agg.taskNames], rows, ['l', ...agg.taskNames.map(() => 'r' as const)]),
  ];
  if (agg.accuracyMatrixMean.length < T + 1) {
    out.push('', `The run stopped after ${agg.accuracyMatrixMean.length - 1} of ${T} tasks; its metrics repeat the last row.`);
  }
  return out;
}

/**
 * What each scholar would replay (core/replay/audit.ts): the share of its generator's samples its solver gives
 * each class, and how sure it is. Blank when the arm has no generator or the run predates the audit.
 */
function replaySection(result: RunResult, seed: number, several: boolean, outputs: number): string[] {
  const audits = result.replay.map((a, t) => [t, a] as const).filter((e): e is readonly [number, NonNullable<(typeof e)[1]>] => e[1] !== null);
  if (audits.length === 0) return [];
  const units = Array.from({ length: outputs }, (_, u) => u);
  const rows = audits.map(([t, a]) => [
    `task ${t + 1} (${result.taskNames[t]})`,
    ...units.map((u) => (a.units.includes(u) ? pct(a.labelShare[u], 1) : '—')),
    a.confidence.toFixed(3),
  ]);
  return [
    '## What the generator replays',
    '',
    `${audits[0][1].samples} samples of each task's generator, labelled by that task's solver among the classes learned so far: the share (%) given each class, and the mean probability of the label${several ? ` (seed ${seed})` : ''}. An even spread over the classes learned is what replay needs; most samples on a few classes means the generator draws only those.`,
    '',
    ...table(['scholar after', ...units.map(String), 'confidence'], rows, ['l', ...units.map(() => 'r' as const), 'r']),
  ];
}

function anchorsSection(comparisons: AnchorComparison[], several: boolean, config: RunConfig): string[] {
  const out = ['## Public reference numbers', ''];
  if (comparisons.length === 0) {
    return [...out, 'None apply to this experiment, arm and scenario (the paper reports experiments 1-3 as curves only; see PAPER.md §3).'];
  }
  out.push(
    `Ours ${several ? '(mean over seeds) ' : ''}next to the public numbers of PAPER.md §2-3, in %; difference = ours − reference in percentage points (for a range: how far outside it). ≈: approximate or read off a plot.`,
    '',
  );
  const rows = comparisons.map(({ anchor: a, ours, difference, protocolDifferences }) => {
    const approx = a.approximate ? '≈ ' : '';
    // As precise as the source: 90.79, 19.9, ≈ 92.
    const ref = (x: number): string => String(Number((x * 100).toFixed(2)));
    const reference =
      a.high !== undefined
        ? `${approx}${ref(a.value)}–${ref(a.high)}`
        : `${approx}${ref(a.value)}${a.plusMinus !== undefined ? ` ± ${ref(a.plusMinus)}` : ''}`;
    const ourText = ours === null ? 'not reached' : ours.low === ours.high ? pct(ours.low) : `${pct(ours.low)}–${pct(ours.high)}`;
    const diff = difference === null ? '—' : a.high !== undefined && difference === 0 ? 'within' : pp(difference);
    const protocol = [a.protocol.note, ...protocolDifferences.map((d) => `ours: ${d}`)].filter(Boolean).join('; ');
    return [a.source, a.what, reference, ourText, diff, protocol || 'same'];
  });
  out.push(...table(['source', 'measure', 'reference', 'ours', 'difference', 'protocol'], rows, ['l', 'l', 'r', 'r', 'r', 'l']));
  const limit = config.stream.limit;
  if (limit) {
    out.push('', `Our run used part of the data (${limit.train ?? 'all'} train / ${limit.test ?? 'all'} test images per task); the sources used all of it.`);
  }
  return out;
}

export function reportMarkdown(input: ReportInput): string {
  const { config, results } = input;
  if (results.length === 0) throw new Error('report: no results');
  const seeds = seedsOf(input);
  const agg = aggregate(results);
  const experiment = EXPERIMENTS.find((e) => e.name === config.experiment);
  const arm = ARMS[config.arm];
  const T = agg.taskNames.length;
  const lines: string[] = [`# ${runTitle(config)}`, ''];
  if (experiment) lines.push(`${experiment.title} (paper ${experiment.paper}).`, '');
  lines.push(
    '## What was run',
    '',
    `- Experiment: \`${config.experiment}\``,
    `- Arm: \`${config.arm}\` — ${arm.description}`,
    `- Scenario: ${SCENARIO_NAMES[scenarioOf(config.stream)]}`,
    `- Tasks: ${agg.taskNames.map((n, i) => `${i + 1}. ${n}`).join(', ')}`,
    `- Seed${seeds.length > 1 ? 's' : ''}: ${seeds.join(', ')}`,
    `- Backend: ${input.backend}`,
    seeds.length > 1
      ? `- Wall time: ${duration(agg.seconds)} per seed (mean), ${duration(agg.secondsTotal)} in all`
      : `- Wall time: ${duration(agg.seconds)}`,
    ...settings(config),
  );
  if (input.command) lines.push('', 'Command:', '', '```sh', input.command, '```');
  lines.push('', ...metricsSection(agg, results, seeds), '', ...matrixSection(agg), '');
  const comparisons = anchorsFor(config).map((a) =>
    compareAnchor(a, { acc: agg.acc, matrix: agg.accuracyMatrixMean, tasks: T, iterations: config.iterations }),
  );
  lines.push(...anchorsSection(comparisons, seeds.length > 1, config), '');
  lines.push(...replaySection(results[0], seeds[0], seeds.length > 1, results[0].replay.find((a) => a !== null)?.labelShare.length ?? 0), '');
  if (input.plots && input.plots.length > 0) {
    lines.push('## Plots', '');
    for (const plot of input.plots) {
      lines.push(`### ${plot.title}`, '');
      if (plot.png) lines.push(`![${plot.title}](${plot.png})`, '');
      if (plot.svg) lines.push(`[SVG](${plot.svg})`, '');
    }
  }
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
