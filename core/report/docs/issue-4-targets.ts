/** Issue 4's targets for the paper presets against the committed classification results (docs/RESULTS.md). */
import type { ResultFile } from '../../results.ts';
import { spread } from '../aggregate.ts';
import { table } from '../markdown.ts';
import { accOf, atEnd, ownTask, readClassification, seedsOfFile, type SeedNumbers } from './classification-files.ts';
import { resultLink, type TableContext } from './document.ts';
import { list, pct } from './format.ts';

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
export function issue4Targets(context: TableContext): string {
  const rows = ISSUE_4_TARGETS.map(({ target, files, measure }) => {
    const { measured, met } = measure(files.map((f) => readClassification(context, f)));
    return [target, measured, met === true ? 'met' : met === false ? 'not met' : met, files.map((f) => resultLink(context, f)).join(', ')];
  });
  return table(['target (paper presets, mean over ≥ 3 seeds)', 'measured here', 'status', 'files'], rows).join('\n');
}
