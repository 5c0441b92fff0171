/**
 * The docs' tables of classification results (docs/RESULTS.md and README.md), each generated from the committed
 * result.json files it links (core/results.ts reads them) or, for the quick presets that write no file, from the
 * pinned values of core/experiments/targets.ts.
 */
import { parseResultFile, type ResultFile } from '../../results.ts';
import { QUICK_TARGETS } from '../../experiments/targets.ts';
import { spread } from '../aggregate.ts';
import { table } from '../markdown.ts';
import { readResultJson, repoLink, resultLink, type TableContext, type TableSet } from './document.ts';
import { list, pct, pctSem, signed } from './format.ts';

export function readClassification(context: TableContext, file: string): ResultFile {
  const { path, data } = readResultJson(context, file);
  return parseResultFile(data, path);
}

/** One seed's numbers as the tables read them (a one-seed file is its own seed). */
export interface SeedNumbers {
  readonly seed: number;
  readonly matrix: readonly (readonly number[])[];
  readonly acc: number;
  readonly bwt: number;
  readonly seconds: number;
}

export function seedsOfFile(r: ResultFile): SeedNumbers[] {
  return r.perSeed ? r.perSeed.map((s) => ({ seed: s.seed, matrix: s.accuracyMatrix, acc: s.acc, bwt: s.bwt, seconds: s.seconds })) : [{ seed: r.seed, matrix: r.accuracyMatrix, acc: r.acc, bwt: r.bwt, seconds: r.seconds }];
}

/** A seed's accuracy on task i right after learning it: R[i+1][i]. */
export const ownTask = (s: SeedNumbers, i: number): number => s.matrix[i + 1][i];
/** A seed's accuracy on task i at the end: R[T][i]. */
export const atEnd = (s: SeedNumbers, i: number): number => s.matrix[s.matrix.length - 1][i];

/** ACC as the tables show it: mean ± s.e.m. over seeds (or the one seed's). */
export const accOf = (r: ResultFile): string => `${pctSem(r.acc, r.accSem)} %`;

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

/** Mean over a file's seeds of one number per seed. */
const meanOver = (r: ResultFile, of: (s: SeedNumbers) => number): number => spread(seedsOfFile(r).map(of)).mean;
const percentOf = (x: number, digits = 2): string => `${pct(x, digits)} %`;

/** One of issue 4's targets: what it asks, what the files give, whether that meets it. */
interface Target {
  readonly target: string;
  readonly files: readonly string[];
  readonly measure: (results: readonly ResultFile[]) => { measured: string; met: boolean | string };
}

const share = (s: SeedNumbers): number => atEnd(s, 0) / ownTask(s, 0);

const ISSUE_4_TARGETS: readonly Target[] = [
  {
    target: 'scholar chain: every generation ≥ 98.5 %',
    files: ['scholar-chain/domain-gr.json'],
    measure: ([r]) => {
      const means = [0, 1, 2, 3, 4].map((i) => meanOver(r, (s) => ownTask(s, i)));
      const lastPerSeed = seedsOfFile(r).map((s) => ownTask(s, 4));
      return { measured: `generation means ${list(means, (x) => pct(x), ', ')} %; generation 5 per seed ${list(lastPerSeed, (x) => pct(x))} %`, met: means.every((x) => x >= 0.985) };
    },
  },
  {
    target: 'split MNIST class-IL: GR ≥ 91 %',
    files: ['split-mnist/class-gr.json'],
    measure: ([r]) => ({ measured: `GR ${accOf(r)}`, met: r.acc >= 0.91 }),
  },
  {
    target: 'split MNIST class-IL: GR + distillation ≥ 91 % (the same bar)',
    files: ['split-mnist/class-gr-distill.json'],
    measure: ([r]) => ({ measured: `GR + distillation ${accOf(r)}`, met: r.acc >= 0.91 }),
  },
  {
    target: 'split MNIST class-IL: None ≈ 20 % (within 2 points), ER and Offline ≥ 97 %',
    files: ['split-mnist/class-none.json', 'split-mnist/class-er.json', 'split-mnist/class-offline.json'],
    measure: ([none, er, offline]) => ({ measured: `None ${accOf(none)}, ER ${accOf(er)}, Offline ${accOf(offline)}`, met: Math.abs(none.acc - 0.2) <= 0.02 && er.acc >= 0.97 && offline.acc >= 0.97 }),
  },
  {
    target: 'split MNIST task-IL GR ≥ 99 %, domain-IL GR ≥ 95 %',
    files: ['split-mnist/task-gr.json', 'split-mnist/domain-gr.json'],
    measure: ([task, domain]) => ({ measured: `task-IL ${accOf(task)}, domain-IL ${accOf(domain)}`, met: task.acc >= 0.99 && domain.acc >= 0.95 }),
  },
  {
    target: 'permuted MNIST (10 tasks, domain-IL): GR ≥ 93 % on every seed, None at least 10 points below',
    files: ['permuted-mnist/domain-gr.json', 'permuted-mnist/domain-none.json'],
    measure: ([gr, none]) => ({
      measured: `GR ${accOf(gr)} (seeds ${list(seedsOfFile(gr).map((s) => s.acc), (x) => pct(x))}); None ${accOf(none)}`,
      met: seedsOfFile(gr).every((s) => s.acc >= 0.93) && gr.acc - none.acc >= 0.1,
    }),
  },
  {
    target: 'MNIST → synthetic: GR keeps ≥ 90 % of its MNIST accuracy',
    files: ['mnist-synthetic/mnist-synthetic-gr.json'],
    measure: ([gr]) => ({ measured: `MNIST ${percentOf(meanOver(gr, (s) => atEnd(s, 0)))} of ${percentOf(meanOver(gr, (s) => ownTask(s, 0)))}: ${percentOf(meanOver(gr, share), 1)} kept`, met: meanOver(gr, share) >= 0.9 }),
  },
  {
    target: 'MNIST → synthetic: None loses most (over half) of MNIST',
    files: ['mnist-synthetic/mnist-synthetic-none.json'],
    measure: ([none]) => ({ measured: `MNIST ${percentOf(meanOver(none, (s) => atEnd(s, 0)))} left, ${percentOf(meanOver(none, share), 1)} of it kept`, met: meanOver(none, share) < 0.5 }),
  },
  {
    target: 'synthetic → MNIST: GR keeps ≥ 90 % of the first domain',
    files: ['synthetic-mnist/synthetic-mnist-gr.json', 'synthetic-mnist/synthetic-mnist-none.json'],
    measure: ([gr, none]) => ({
      measured: `conv VAE: GR keeps ${percentOf(meanOver(gr, (s) => atEnd(s, 0)))} of ${percentOf(meanOver(gr, (s) => ownTask(s, 0)))} (${percentOf(meanOver(gr, share), 1)}); None ${percentOf(meanOver(none, (s) => atEnd(s, 0)))}`,
      met: seedsOfFile(gr).every((s) => share(s) >= 0.9),
    }),
  },
  {
    target: 'LwF-GR keeps clearly (≥ 2 points) more of task 1 than LwF',
    files: ['lwf-gr/mnist-synthetic-lwf-gr.json', 'lwf-gr/mnist-synthetic-lwf.json'],
    measure: ([lwfGr, lwf]) => {
      const kept = (r: ResultFile): number => meanOver(r, (s) => atEnd(s, 0));
      return { measured: `MNIST kept: LwF-GR ${percentOf(kept(lwfGr))}, LwF ${percentOf(kept(lwf))}`, met: kept(lwfGr) - kept(lwf) >= 0.02 };
    },
  },
  {
    target: 'split MNIST class-IL GR: a seed no slower than the PyTorch reference (≈ 14 min, issue 4’s figure, not run here)',
    files: ['split-mnist/class-gr.json'],
    measure: ([r]) => {
      const minutes = seedsOfFile(r).map((s) => s.seconds / 60);
      const slower = seedsOfFile(r).filter((_, k) => minutes[k] > 14).map((s) => s.seed);
      return { measured: `${list(minutes, (x) => x.toFixed(1))} min a seed`, met: slower.length === 0 || `not met by seed ${slower.join(', ')}` };
    },
  },
];

/** Issue 4's targets against the committed files. */
function issue4Targets(context: TableContext): string {
  const rows = ISSUE_4_TARGETS.map(({ target, files, measure }) => {
    const { measured, met } = measure(files.map((f) => readClassification(context, f)));
    return [target, measured, met === true ? 'met' : met === false ? 'not met' : met, files.map((f) => resultLink(context, f)).join(', ')];
  });
  return table(['target (paper presets, mean over ≥ 3 seeds)', 'measured here', 'status', 'files'], rows).join('\n');
}

export const CLASSIFICATION_TABLES: TableSet = {
  'issue-4-targets': issue4Targets,
  'split-mnist': splitMnist,
  'split-mnist-matrix-gr': seedMatrix('split-mnist/class-gr.json'),
  'split-mnist-matrix-gr-distill': seedMatrix('split-mnist/class-gr-distill.json'),
  'split-mnist-wall': splitMnistWall,
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
