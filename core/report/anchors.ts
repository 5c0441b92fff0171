/**
 * The public reference numbers we answer to (../shared/PAPER.md §2-3), as data: which experiment, scenario and
 * arm each belongs to, what it measures, its value and where it comes from. All values are fractions in [0, 1].
 * The paper reports experiments 1-3 as curves only; their numbers come from later work.
 */
import type { ArmName } from '../arms.ts';
import type { RunConfig } from '../config.ts';
import type { Scenario } from '../data/types.ts';
import { scenarioOf } from './run.ts';

export type AnchorMeasure =
  /** ACC: mean accuracy over all tasks after the last task. */
  | { readonly kind: 'acc' }
  /** R[row][task]: accuracy on task `task` (0-based) after training `row` tasks. */
  | { readonly kind: 'cell'; readonly row: number; readonly task: number }
  /** Accuracy on task `task` (0-based) after the last task. */
  | { readonly kind: 'final-task'; readonly task: number }
  /** Every task's accuracy after the last task; `value`..`high` is a range. */
  | { readonly kind: 'final-all' };

export interface Anchor {
  readonly experiment: string;
  /** The scenario the number was measured in; null when the experiment fixes it. */
  readonly scenario: Scenario | null;
  readonly arm: ArmName;
  /** What is measured, in words. */
  readonly what: string;
  readonly measure: AnchorMeasure;
  readonly value: number;
  /** Upper end of a range (read off a plot). */
  readonly high?: number;
  /** The source's ± (s.e.m. over its seeds). */
  readonly plusMinus?: number;
  /** "≈" in the source, or read off a plot by eye. */
  readonly approximate: boolean;
  /** The source's protocol, where it differs from run to run: number of tasks, solver iterations per task. */
  readonly protocol: { readonly tasks?: number; readonly iterations?: number; readonly note?: string };
  readonly source: string;
}

const SHIN = 'Shin et al. 2017, Table 1';
const VDV_SPLIT = 'van de Ven & Tolias 2019, split MNIST (20 seeds)';
const VDV_PERMUTED = 'van de Ven & Tolias 2019, permuted MNIST';
const KUC = 'kuc2477/pytorch-deep-generative-replay (by eye)';
const AVALANCHE = 'Avalanche generative replay strategy';

const chain: Anchor[] = [98.81, 98.64, 98.58, 98.53, 98.56].map((v, g) => ({
  experiment: 'scholar-chain',
  scenario: null,
  arm: 'gr',
  what: g === 0 ? 'solver 1 (real MNIST), test accuracy' : `solver ${g + 1} (from scholar ${g} only), test accuracy`,
  measure: { kind: 'cell', row: g + 1, task: g },
  value: v / 100,
  approximate: false,
  protocol: { tasks: 5 },
  source: SHIN,
}));

/** van de Ven & Tolias 2019, split MNIST: ACC per method in the task / domain / class-incremental scenarios. */
const SPLIT_TABLE: [ArmName, number, number, number, number?][] = [
  ['none', 87.2, 59.2, 19.9],
  ['ewc', 98.6, 64.0, 20.01],
  ['si', 99.1, 65.4, 19.99],
  ['lwf', 99.6, 71.5, 23.85],
  ['gr', 99.5, 95.7, 90.79, 0.41],
  ['gr-distill', 99.6, 96.8, 91.79, 0.32],
  ['offline', 99.7, 98.4, 97.9],
];
const SCENARIOS: Scenario[] = ['task', 'domain', 'class'];

const split: Anchor[] = SPLIT_TABLE.flatMap(([arm, ...rest]) =>
  SCENARIOS.map((scenario, s) => ({
    experiment: 'split-mnist',
    scenario,
    arm,
    what: 'ACC after 5 tasks',
    measure: { kind: 'acc' } as const,
    value: (rest[s] as number) / 100,
    ...(scenario === 'class' && rest[3] !== undefined ? { plusMinus: rest[3] / 100 } : {}),
    approximate: false,
    protocol: { tasks: 5, iterations: 2000, note: 'MLP 400-400, VAE latent 100' },
    source: VDV_SPLIT,
  })),
);

const permuted: Anchor[] = (
  [
    ['gr', 92],
    ['gr-distill', 96],
    ['ewc', 25],
    ['si', 29],
  ] as const
).map(([arm, v]) => ({
  experiment: 'permuted-mnist',
  scenario: 'class',
  arm,
  what: 'ACC after 10 tasks',
  measure: { kind: 'acc' },
  value: v / 100,
  approximate: true,
  protocol: { tasks: 10, iterations: 5000, note: 'MLP 1000-1000, lr 1e-4' },
  source: VDV_PERMUTED,
}));

const kuc: Anchor[] = [
  {
    experiment: 'permuted-mnist',
    scenario: 'domain',
    arm: 'gr',
    what: 'every task’s accuracy after the last task',
    measure: { kind: 'final-all' },
    value: 0.87,
    high: 0.93,
    approximate: true,
    protocol: { tasks: 5, iterations: 1000, note: 'WGAN-GP generator, r = 0.3' },
    source: KUC,
  },
  {
    experiment: 'permuted-mnist',
    scenario: 'domain',
    arm: 'none',
    what: 'task 1 accuracy after the last task',
    measure: { kind: 'final-task', task: 0 },
    value: 0.33,
    approximate: true,
    protocol: { tasks: 5, iterations: 1000 },
    source: KUC,
  },
];

const avalanche: Anchor[] = [
  {
    experiment: 'split-mnist',
    scenario: 'class',
    arm: 'gr',
    what: 'ACC after 5 tasks',
    measure: { kind: 'acc' },
    value: 0.75,
    approximate: false,
    protocol: { tasks: 5, note: 'small VAE, latent 2' },
    source: AVALANCHE,
  },
];

export const ANCHORS: readonly Anchor[] = [...chain, ...split, ...permuted, ...kuc, ...avalanche];

/** The anchors of this run's experiment, arm and scenario. */
export function anchorsFor(config: Pick<RunConfig, 'experiment' | 'arm' | 'stream'>): Anchor[] {
  const scenario = scenarioOf(config.stream);
  return ANCHORS.filter((a) => a.experiment === config.experiment && a.arm === config.arm && (a.scenario === null || a.scenario === scenario));
}

export interface AnchorComparison {
  readonly anchor: Anchor;
  /** Our number (for 'final-all': the lowest and highest task); null when the run did not reach it. */
  readonly ours: { readonly low: number; readonly high: number } | null;
  /** Ours − reference; for a range, the distance outside it (0 inside). null when not reached. */
  readonly difference: number | null;
  /** How our protocol differs from the source's (empty when it does not, as far as the anchor records). */
  readonly protocolDifferences: string[];
}

/**
 * Compares an anchor with a run (or the mean of several seeds): `acc` is ACC, `matrix` the accuracy matrix
 * (T + 1 rows when complete).
 */
export function compareAnchor(
  anchor: Anchor,
  run: { acc: number; matrix: readonly (readonly number[])[]; tasks: number; iterations: number },
): AnchorComparison {
  const complete = run.matrix.length === run.tasks + 1;
  const last = complete ? run.matrix[run.tasks] : undefined;
  let ours: { low: number; high: number } | null = null;
  const m = anchor.measure;
  if (m.kind === 'acc') ours = complete ? { low: run.acc, high: run.acc } : null;
  else if (m.kind === 'cell') {
    const v = run.matrix[m.row]?.[m.task];
    ours = v === undefined ? null : { low: v, high: v };
  } else if (m.kind === 'final-task') {
    const v = last?.[m.task];
    ours = v === undefined ? null : { low: v, high: v };
  } else if (last) ours = { low: Math.min(...last), high: Math.max(...last) };

  let difference: number | null = null;
  if (ours) {
    if (anchor.high === undefined) difference = ours.low - anchor.value;
    else if (ours.low < anchor.value) difference = ours.low - anchor.value;
    else if (ours.high > anchor.high) difference = ours.high - anchor.high;
    else difference = 0;
  }
  const protocolDifferences: string[] = [];
  if (anchor.protocol.tasks !== undefined && anchor.protocol.tasks !== run.tasks) {
    protocolDifferences.push(`${run.tasks} tasks (source: ${anchor.protocol.tasks})`);
  }
  if (anchor.protocol.iterations !== undefined && anchor.protocol.iterations !== run.iterations) {
    protocolDifferences.push(`${run.iterations} iterations/task (source: ${anchor.protocol.iterations})`);
  }
  return { anchor, ours, difference, protocolDifferences };
}
