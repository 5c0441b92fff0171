/**
 * The summary tables of README.md and docs/RL.md: one row per committed result, a sentence of its headline
 * numbers, each taken from the files the row links.
 */
import { accOf, atEnd, ownTask, readClassification, seedsOfFile } from '../../../core/report/docs/classification-files.ts';
import { resultLink, type TableContext } from '../../../core/report/docs/document.ts';
import { list, pct, pctSem, range } from '../../../core/report/docs/format.ts';
import { spread } from '../../../core/report/aggregate.ts';
import { table } from '../../../core/report/markdown.ts';
import { baseGame, gameTitle, readRl } from './rl-files.ts';
import { MINATAR_DQN } from './rl-learners.ts';
import { keptPhrase } from './rl-retention.ts';

/** Mean ± s.e.m. over a file's seeds of one number per seed, as a percentage. */
function seedMean(context: TableContext, file: string, of: (s: ReturnType<typeof seedsOfFile>[number]) => number): string {
  const { mean, sem } = spread(seedsOfFile(readClassification(context, file)).map(of));
  return `${pctSem(mean, sem)} %`;
}

const acc = (context: TableContext, file: string): string => accOf(readClassification(context, file));

function splitMnistRow(c: TableContext): string[] {
  const f = (arm: string) => `split-mnist/class-${arm}.json`;
  const text = `class-IL GR ${acc(c, f('gr'))}, GR + distillation ${acc(c, f('gr-distill'))}, None ${acc(c, f('none'))}, ER ${acc(c, f('er'))}, Offline ${acc(c, f('offline'))} (van de Ven & Tolias: DGR 90.79, DGR + distillation 91.79, None 19.90, Offline 97.9); task-IL GR ${acc(c, 'split-mnist/task-gr.json')} (99.5); domain-IL GR ${acc(c, 'split-mnist/domain-gr.json')} (95.7)`;
  const files = ['gr', 'gr-distill', 'none', 'er', 'offline'].map(f).concat(['split-mnist/task-gr.json', 'split-mnist/domain-gr.json']);
  return ['Split MNIST, paper preset, 3 seeds each', text, files.map((x) => resultLink(c, x, x.replace('split-mnist/', ''))).join(', ')];
}

function scholarChainRow(c: TableContext): string[] {
  const cnn = 'scholar-chain/domain-gr.json';
  const mlp = 'scholar-chain/domain-gr-mlp.json';
  const generations = (file: string) => list([0, 1, 2, 3, 4].map((i) => spread(seedsOfFile(readClassification(c, file)).map((s) => ownTask(s, i))).mean), (x) => pct(x), ' → ');
  const text = `CNN solver, 3 seeds: ${generations(cnn)} % over five generations (paper 98.81 → 98.56); the 2×400 MLP solver, seed 1: ${generations(mlp)} %`;
  return ['Scholar chain, paper preset', text, `${resultLink(c, cnn)}, ${resultLink(c, mlp)}`];
}

function domainPairRow(c: TableContext, title: string, first: string, gr: string, none: string): string[] {
  const text = `GR keeps ${first} at ${seedMean(c, gr, (s) => atEnd(s, 0))} (${seedMean(c, gr, (s) => ownTask(s, 0))} after task 1); fine-tuning drops it to ${seedMean(c, none, (s) => atEnd(s, 0))}`;
  return [title, text, `${resultLink(c, gr)}, ${resultLink(c, none)}`];
}

function lwfRow(c: TableContext): string[] {
  const gr = 'lwf-gr/mnist-synthetic-lwf-gr.json';
  const lwf = 'lwf-gr/mnist-synthetic-lwf.json';
  const text = `LwF-GR keeps MNIST at ${seedMean(c, gr, (s) => atEnd(s, 0))} and learns the new domain (${seedMean(c, gr, (s) => atEnd(s, 1))}); LwF keeps ${seedMean(c, lwf, (s) => atEnd(s, 0))} but learns the new domain only to ${seedMean(c, lwf, (s) => atEnd(s, 1))}`;
  return ['LwF vs LwF-GR, MNIST → synthetic, paper preset, 3 seeds each', text, `${resultLink(c, gr)}, ${resultLink(c, lwf)}`];
}

function permutedRow(c: TableContext): string[] {
  const gr = 'permuted-mnist/domain-gr.json';
  const none = 'permuted-mnist/domain-none.json';
  const tasks = seedsOfFile(readClassification(c, gr)).flatMap((s) => s.matrix[0].map((_, i) => atEnd(s, i)));
  const text = `GR ACC ${acc(c, gr)}, every task of every seed kept at ${range(tasks, (x) => pct(x, 1))} %; None ${acc(c, none)}`;
  return ['Permuted MNIST, paper preset (10 tasks, domain-incremental), 3 seeds each', text, `${resultLink(c, gr)}, ${resultLink(c, none)}`];
}

/** README's RL summary: what each arm of the full preset keeps, and its learners against MinAtar's DQN. */
export function rlGlance(context: TableContext): string {
  const files = ['gr', 'er', 'offline', 'none', 'noise'].map((arm) => `rl/three-games-${arm}.json`);
  const results = files.map((f) => readRl(context, f));
  const rows = results.map((r, k) => [r.arm, keptPhrase(r), `${pct(r.acc, 1)} %`, resultLink(context, files[k], files[k].replace('rl/', ''))]);
  const [gr] = results;
  const learners = gr.games.map((g, i) => `${gameTitle(g)} ${list(gr.perSeed.map((s) => s.learners[i].score), (x) => x.toFixed(2), ' / ')}`).join('; ');
  return [
    ...table(['arm', 'kept after the third game: mean of per-seed ratios R[3][i] / R[i][i] (per seed; ratio of mean scores)', 'ACC', 'file'], rows),
    '',
    `Learners' greedy returns, seeds ${gr.seeds.join(' / ')}: ${learners} (half of MinAtar's DQN at 1M frames: ${gr.games.map((g) => `${gameTitle(g)} ${MINATAR_DQN[baseGame(g)] / 2}`).join(', ')}; \`perSeed[].learners\`).`,
  ].join('\n');
}

/** README's "Results at a glance". */
export function glance(context: TableContext): string {
  const rows = [
    splitMnistRow(context),
    scholarChainRow(context),
    domainPairRow(context, 'MNIST → synthetic colour digits, paper preset, 3 seeds each', 'MNIST', 'mnist-synthetic/mnist-synthetic-gr.json', 'mnist-synthetic/mnist-synthetic-none.json'),
    lwfRow(context),
    permutedRow(context),
    domainPairRow(context, 'Synthetic colour digits → MNIST, paper preset, conv VAE, 3 seeds each', 'the synthetic domain', 'synthetic-mnist/synthetic-mnist-gr.json', 'synthetic-mnist/synthetic-mnist-none.json'),
  ];
  return table(['experiment', 'result (mean ± s.e.m. over seeds)', 'files'], rows).join('\n');
}

/** The share of GR's raw dreams that no seen game could show, per consolidation, over seeds (docs/RL.md). */
export function invalidDreams(context: TableContext): string {
  const runs = [
    { label: 'GR replaying all dreams (β = 1, learner-sized scholar)', file: 'rl/earlier/all-dreams/three-games-gr.json' },
    { label: 'the full preset (β = 0.1, valid dreams only)', file: 'rl/three-games-gr.json' },
  ];
  const rows = runs.map(({ label, file }) => {
    const r = readRl(context, file);
    const consolidations = r.games.map((_, k) => k).filter((k) => r.perSeed.every((s) => s.audits[k]));
    const cells = consolidations.map((k) => `G_${k}: ${range(r.perSeed.map((s) => s.audits[k]!.none), (x) => pct(x, 1))} %`);
    return [label, cells.join('; '), resultLink(context, file)];
  });
  return table(['run', 'raw dreams valid for no game, range over seeds', 'file (`perSeed[].audits[].none`)'], rows).join('\n');
}
