/**
 * The docs' tables of classification results (docs/RESULTS.md and README.md), each generated from the committed
 * result.json files it links (core/results.ts reads them) or, for the quick presets that write no file, from the
 * pinned values of core/experiments/targets.ts.
 */
import type { ResultFile } from '../../results.ts';
import { QUICK_TARGETS } from '../../experiments/targets.ts';
import { spread } from '../aggregate.ts';
import { table } from '../markdown.ts';
import { accOf, atEnd, ownTask, readClassification, seedsOfFile, type SeedNumbers } from './classification-files.ts';
import { repoLink, resultLink, type TableContext, type TableSet } from './document.ts';
import { list, pct, signed } from './format.ts';
import { issue4Targets } from './issue-4-targets.ts';

/** van de Ven & Tolias (2019), Table 2 (20 seeds): what each split-MNIST row is compared with. */
const SPLIT_MNIST_ROWS: readonly { file: string; scenario: string; arm: string; reference: string }[] = [
  { file: 'split-mnist/class-none.json', scenario: 'class', arm: 'None (fine-tuning)', reference: '19.90' },
  { file: 'split-mnist/class-er.json', scenario: 'class', arm: 'ER (exact replay)', reference: '—' },
  { file: 'split-mnist/class-offline.json', scenario: 'class', arm: 'Offline (joint)', reference: '97.9' },
  { file: 'split-mnist/class-gr.json', scenario: 'class', arm: 'GR', reference: '90.79 ± 0.41' },
  { file: 'split-mnist/class-gr-distill.json', scenario: 'class', arm: 'GR + distillation', reference: '91.79 ± 0.32' },
  { file: 'split-mnist/task-gr.json', scenario: 'task', arm: 'GR', reference: '99.5' },
  { file: 'split-mnist/domain-gr.json', scenario: 'domain', arm: 'GR', reference: '95.7' },
];

/** Split MNIST at the paper preset, one row per committed file. */
function splitMnist(context: TableContext): string {
  const rows = SPLIT_MNIST_ROWS.map(({ file, scenario, arm, reference }) => {
    const r = readClassification(context, file);
    const perSeed = list(seedsOfFile(r).map((s) => s.acc), (x) => pct(x));
    return [scenario, arm, accOf(r), perSeed, pct(r.bwt), reference, resultLink(context, file)];
  });
  const header = ['scenario', 'arm', 'ACC (mean ± s.e.m.)', 'per seed', 'BWT (points)', 'van de Ven & Tolias (20 seeds)', 'file'];
  return table(header, rows, ['l', 'l', 'r', 'l', 'r', 'r', 'l']).join('\n');
}

/** The accuracy matrix of a file's first seed (%), each task's own cell in bold. */
function seedMatrix(file: string): (context: TableContext) => string {
  return (context) => {
    const r = readClassification(context, file);
    const [first] = seedsOfFile(r);
    const names = r.taskNames.map((t) => t.replace(/^digits /, ''));
    const rows = first.matrix.map((row, k) => [k === 0 ? 'at start' : `after task ${k}`, ...row.map((x, i) => (i === k - 1 ? `**${pct(x)}**` : pct(x)))]);
    const caption = `seed ${first.seed}, ${resultLink(context, file)}`;
    return table([caption, ...names], rows, ['l', ...names.map((): 'r' => 'r')]).join('\n');
  };
}

/** How each split-MNIST paper run ran (what shared the machine sets its wall time). */
const SPLIT_MNIST_WALL: readonly { arm: string; files: readonly string[]; how: string }[] = [
  { arm: 'GR, class-IL', files: ['split-mnist/class-gr.json'], how: 'alone on the machine, generator in a worker thread (the default)' },
  { arm: 'None / ER / Offline, class-IL', files: ['split-mnist/class-none.json', 'split-mnist/class-er.json', 'split-mnist/class-offline.json'], how: 'two runs at a time, one core each (these arms have no generator)' },
  { arm: 'GR + distillation, class-IL', files: ['split-mnist/class-gr-distill.json'], how: 'two runs at a time, `--no-parallel` (one core each)' },
  { arm: 'GR, task-IL', files: ['split-mnist/task-gr.json'], how: 'two runs at a time, `--no-parallel` (one core each)' },
  { arm: 'GR, domain-IL', files: ['split-mnist/domain-gr.json'], how: 'seeds 1-2 two at a time with `--no-parallel`; seed 3 in the default mode, alone' },
];

const seconds = (s: SeedNumbers): string => s.seconds.toFixed(0);

/** Split MNIST's wall time per seed (`perSeed[].seconds`). */
function splitMnistWall(context: TableContext): string {
  const rows = SPLIT_MNIST_WALL.map(({ arm, files, how }) => {
    const results = files.map((f) => readClassification(context, f));
    return [arm, how, results.map((r) => list(seedsOfFile(r), seconds)).join(' / ') + ' s', files.map((f) => resultLink(context, f)).join(', ')];
  });
  return table(['run', 'how it ran', 'wall time per seed', 'file'], rows, ['l', 'l', 'r', 'l']).join('\n');
}

/** The quick presets' pinned values (core/experiments/targets.ts): `dgr check` writes no result file. */
function quickPresets(context: TableContext): string {
  const rows = QUICK_TARGETS.map((t) => [t.experiment, t.scenario ?? '—', t.arm, `${pct(t.measured)} %`, `${pct(t.min, 0)}-${pct(t.max, 0)} %`]);
  return [...table(['experiment', 'scenario', 'arm', 'ACC when pinned', 'band'], rows, ['l', 'l', 'l', 'r', 'r']), '', `Source: ${repoLink(context, 'core/experiments/targets.ts')} (\`QUICK_TARGETS\`).`].join('\n');
}

/** A column of a per-seed table: one number per seed, shown per seed and as mean ± s.e.m. */
interface SeedColumn {
  readonly title: string;
  readonly of: (s: SeedNumbers) => number;
  readonly show: (x: number) => string;
  /** What the column's numbers are in (default %). */
  readonly unit?: string;
}

const accuracy = (title: string, of: (s: SeedNumbers) => number): SeedColumn => ({ title, of, show: (x) => pct(x) });

/** Rows "label, per seed" and "label, mean ± s.e.m." of a file, over the given columns. */
function perSeedRows(label: string, r: ResultFile, columns: readonly SeedColumn[], context: TableContext, file: string): string[][] {
  const seeds = seedsOfFile(r);
  const perSeed = [`${label}, seed${seeds.length > 1 ? 's' : ''} ${seeds.map((s) => s.seed).join(', ')}`, ...columns.map((c) => list(seeds.map(c.of), c.show)), list(seeds, seconds) + ' s', resultLink(context, file)];
  if (seeds.length === 1) return [perSeed];
  const mean = [`${label}, mean ± s.e.m.`, ...columns.map((c) => {
    const { mean: m, sem } = spread(seeds.map(c.of));
    return `${c.show(m)} ± ${c.show(sem).replace(/^[+−]/, '')}`;
  }), '', ''];
  return [perSeed, mean];
}

function perSeedTable(context: TableContext, columns: readonly SeedColumn[], arms: readonly { label: string; file: string }[]): string {
  const rows = arms.flatMap(({ label, file }) => perSeedRows(label, readClassification(context, file), columns, context, file));
  return table(['arm', ...columns.map((c) => `${c.title} (${c.unit ?? '%'})`), 'wall per seed', 'file'], rows, ['l', ...columns.map((): 'r' => 'r'), 'r', 'l']).join('\n');
}

/** A domain pair (two tasks): the first domain right after it and at the end, the share kept, the second domain. */
function domainPair(first: string, second: string, arms: readonly { label: string; file: string }[]): (context: TableContext) => string {
  const columns: SeedColumn[] = [
    accuracy(`${first} after task 1`, (s) => ownTask(s, 0)),
    accuracy(`${first} after task 2`, (s) => atEnd(s, 0)),
    { title: `share of ${first} kept`, of: (s) => atEnd(s, 0) / ownTask(s, 0), show: (x) => pct(x, 1) },
    accuracy(`${second} after task 2`, (s) => atEnd(s, 1)),
    accuracy('ACC', (s) => s.acc),
    { title: 'BWT', unit: 'points', of: (s) => s.bwt, show: (x) => signed(100 * x) },
  ];
  return (context) => perSeedTable(context, columns, arms);
}

/** Scholar chain: each generation's solver on MNIST (R[k][k−1]), against Shin et al. 2017, Table 1. */
function scholarChain(context: TableContext): string {
  const generations = [0, 1, 2, 3, 4].map((i) => accuracy(i === 0 ? '1 (real MNIST)' : String(i + 1), (s) => ownTask(s, i)));
  const runs = perSeedTable(context, generations, [
    { label: 'dgr, CNN (the preset)', file: 'scholar-chain/domain-gr.json' },
    { label: 'dgr, MLP 784-400-400', file: 'scholar-chain/domain-gr-mlp.json' },
  ]);
  return `${runs}\n| Shin et al. 2017, Table 1 | 98.81 | 98.64 | 98.58 | 98.53 | 98.56 | | |`;
}

/** Permuted MNIST GR: every task right after it and after the tenth, per seed. */
function permutedMnist(context: TableContext): string {
  const file = 'permuted-mnist/domain-gr.json';
  const r = readClassification(context, file);
  const tasks = r.taskNames.map((_, i) => String(i + 1));
  const rows = seedsOfFile(r).flatMap((s) => [
    [`seed ${s.seed}: right after its own task`, ...tasks.map((_, i) => pct(ownTask(s, i)))],
    [`seed ${s.seed}: after task ${tasks.length}`, ...tasks.map((_, i) => pct(atEnd(s, i)))],
  ]);
  return table([`task (${resultLink(context, file)})`, ...tasks], rows, ['l', ...tasks.map((): 'r' => 'r')]).join('\n');
}

/** Permuted MNIST, both arms: ACC per seed and over seeds, BWT, the first and last task at the end. */
function permutedArms(context: TableContext): string {
  const T = 10;
  const columns: SeedColumn[] = [
    accuracy('ACC', (s) => s.acc),
    { title: 'BWT', unit: 'points', of: (s) => s.bwt, show: (x) => signed(100 * x) },
    accuracy('task 1 at the end', (s) => atEnd(s, 0)),
    accuracy(`worst task at the end`, (s) => Math.min(...Array.from({ length: T }, (_, i) => atEnd(s, i)))),
  ];
  return perSeedTable(context, columns, [
    { label: 'GR', file: 'permuted-mnist/domain-gr.json' },
    { label: 'None', file: 'permuted-mnist/domain-none.json' },
  ]);
}

/** Split MNIST class-IL GR as committed and as `dgr rerun` made it again on a later commit (issue 26), seed by seed. */
function splitMnistRerun(context: TableContext): string {
  const columns: SeedColumn[] = [accuracy('ACC', (s) => s.acc), { title: 'BWT', unit: 'points', of: (s) => s.bwt, show: (x) => signed(100 * x) }];
  const label = (file: string, when: string): { label: string; file: string } => {
    const { commit, engine } = readClassification(context, file).provenance;
    return { label: `${when} (commit ${commit === 'unknown' ? 'unknown' : commit.slice(0, 7)}, engine ${engine})`, file };
  };
  return perSeedTable(context, columns, [label('split-mnist/class-gr.json', 'as committed'), label('split-mnist/class-gr-rerun-2026-12-06.json', 'rerun 2026-12-06')]);
}

export const CLASSIFICATION_TABLES: TableSet = {
  'issue-4-targets': issue4Targets,
  'split-mnist': splitMnist,
  'split-mnist-matrix-gr': seedMatrix('split-mnist/class-gr.json'),
  'split-mnist-matrix-gr-distill': seedMatrix('split-mnist/class-gr-distill.json'),
  'split-mnist-wall': splitMnistWall,
  'split-mnist-rerun': splitMnistRerun,
  'quick-presets': quickPresets,
  'scholar-chain': scholarChain,
  'mnist-synthetic': domainPair('MNIST', 'synthetic', [
    { label: 'GR', file: 'mnist-synthetic/mnist-synthetic-gr.json' },
    { label: 'None', file: 'mnist-synthetic/mnist-synthetic-none.json' },
  ]),
  'synthetic-mnist': domainPair('synthetic', 'MNIST', [
    { label: 'GR (conv VAE)', file: 'synthetic-mnist/synthetic-mnist-gr.json' },
    { label: 'None', file: 'synthetic-mnist/synthetic-mnist-none.json' },
  ]),
  'lwf-gr': domainPair('MNIST', 'synthetic', [
    { label: 'LwF', file: 'lwf-gr/mnist-synthetic-lwf.json' },
    { label: 'LwF-GR', file: 'lwf-gr/mnist-synthetic-lwf-gr.json' },
  ]),
  'permuted-mnist': permutedArms,
  'permuted-mnist-tasks': permutedMnist,
};
