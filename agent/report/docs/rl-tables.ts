/** The docs' tables of RL results (docs/RESULTS.md), one entry per table, each from the committed files it links. */
import { readResultJson, repoLink, resultLink, type TableContext, type TableSet } from '../../../core/report/docs/document.ts';
import { list, pct, range } from '../../../core/report/docs/format.ts';
import { table } from '../../../core/report/markdown.ts';
import { RL_QUICK_TARGETS } from '../../targets.ts';
import { auditTable, learnersTable, learnersWithReferences } from './rl-learners.ts';
import { readRl } from './rl-files.ts';
import type { RlResultFile } from '../result-file.ts';
import { PROTOCOL, PROTOCOL_SCHOLAR_5000 } from './rl-protocol.ts';
import { choiceTable, type Candidate, type DevRun } from './rl-choice.ts';
import { actionsKeptTable, type DiagnosticRun } from './rl-actions-kept.ts';
import { fiveArms, retentionTable, type ArmRow } from './rl-retention.ts';

const retention = (rows: readonly ArmRow[]) => (context: TableContext) => retentionTable(context, rows);

/** The regularisers' strengths tried on development seed 101 (docs/protocol/regulariser-tuning.json), each run
 *  holding ewc at λ and si at c: every grid point, both arms, so the choice can be read off with what it beat. */
const REGULARISER_GRID = [
  [5, 100],
  [50, 10],
  [500, 1],
  [1500, 0.3],
  [5000, 0.1],
  [50000, 0.01],
] as const;
const tuningRows = (arm: 'ewc' | 'si'): ArmRow[] =>
  REGULARISER_GRID.map(([lambda, c]) => ({
    label: arm === 'ewc' ? `ewc, λ ${lambda}` : `si, c ${c}`,
    file: `rl/earlier/protocol-dev/regulariser-tuning/ewc-lambda-${lambda}-si-c-${c}/${arm}/result.json`,
  }));
const minutes = (s: number): string => (s / 60).toFixed(1);

/** Wall time of each seed: the whole run, its learners and its consolidations (`perSeed[]`), in minutes. */
function wallTable(rows: readonly ArmRow[]) {
  return (context: TableContext): string => {
    const body = rows.map(({ label, file }) => {
      const r = readRl(context, file);
      const seeds = r.perSeed;
      return [label, `${list(seeds.map((s) => s.seconds), minutes, ' / ')} min`, `${range(seeds.map((s) => s.learnerSeconds), minutes)} min`, `${range(seeds.map((s) => s.consolidationSeconds), minutes)} min`, range(seeds.map((s) => s.framesPerSecond), (x) => x.toFixed(0)), resultLink(context, file)];
    });
    return table(['run', 'wall per seed', 'learners', 'consolidations', 'frames/s over the run', 'file'], body, ['l', 'r', 'r', 'r', 'r', 'l']).join('\n');
  };
}

/** Committed RL results rerun on later code (`dgr rerun`, its comparison.json and result.json committed in `dir`):
 *  issue 27's check that the one loop left behaviour unchanged. */
const RERUNS = [
  {
    label: 'si, development seed 101, three games',
    committed: 'rl/earlier/protocol-dev/regularisers-three-games-seed-101/si/result.json',
    dir: 'rl/earlier/protocol-dev/regularisers-three-games-seed-101/si-rerun',
  },
  {
    label: 'the full preset (2026-12-01), GR, seed 1',
    committed: 'rl/three-games-gr.json',
    dir: 'rl/three-games-gr-rerun-seed-1',
  },
] as const;

function rerunTable(context: TableContext): string {
  const made = (r: RlResultFile): string => {
    const { commit, engine, committedIn } = r.provenance;
    if (commit !== 'unknown') return `commit ${commit.slice(0, 7)}, ${engine}`;
    // Files from before provenance was recorded name only the commit that committed them.
    return committedIn ? `committed in ${committedIn.slice(0, 7)}, engine not recorded` : 'not recorded';
  };
  const body = RERUNS.map(({ label, committed, dir }) => {
    const before = readRl(context, committed);
    const after = readRl(context, `${dir}/result.json`);
    const { path, data } = readResultJson(context, `${dir}/comparison.json`);
    const numbers = (data as { numbers?: unknown }).numbers;
    if (!Array.isArray(numbers)) throw new Error(`${path}: numbers: not a list (a dgr rerun comparison.json)`);
    const same = numbers.filter((n) => (n as { identical?: unknown }).identical === true).length;
    return [label, resultLink(context, committed, made(before)), resultLink(context, `${dir}/result.json`, made(after)), list(after.seeds, String, ', '), resultLink(context, `${dir}/comparison.json`, `${same} of ${numbers.length}`)];
  });
  return table(['run', 'committed (made at)', 'rerun (made at)', 'seeds', 'numbers identical'], body, ['l', 'l', 'l', 'r', 'r']).join('\n');
}

/** The RL quick preset's pinned values (agent/targets.ts), measured by `dgr check`, which writes no result file. */
function quickTargets(context: TableContext): string {
  const rows = RL_QUICK_TARGETS.map((t) => [t.name, t.description, pct(t.measured, 2) + (t.name.includes('minus') ? ' points' : ' %'), `${pct(t.min, 0)} to ${pct(t.max, 0)}`]);
  return [...table(['target', 'what it pins', 'when pinned (OpenBLAS)', 'band'], rows), '', `Source: ${repoLink(context, 'agent/targets.ts')} (\`RL_QUICK_TARGETS\`).`].join('\n');
}

/** Issue 30's candidates for the scholar, each on all three orders of development seed 101 (./rl-choice.ts). */
const devFile = (prefix: string) => (run: DevRun, arm: string): string => `rl/earlier/protocol-dev/${prefix}${run.order}-seed-${run.seed}/${arm}/result.json`;
const CANDIDATES: Candidate[] = [
  { label: 'MSE, MLP VAE (the preset)', file: devFile('') },
  { label: 'policy distillation, MLP VAE', file: devFile('policy-') },
  { label: 'policy distillation, grid VAE', file: devFile('policy-grid-vae-') },
];

/** The second round, on fresh development seeds (docs/protocol/rl-dev-per-game.json, rl-dev-longer.json and
 *  rl-dev-longer-scholar.json, collected by `dgr sweep collect` to `<schedule>/seed-<n>[-<name>]`): the order that
 *  fell short on the reported seeds on two seeds, the others on one. */
const SECOND_ROUND_RUNS: readonly DevRun[] = [
  { order: 'three-games-from-space-invaders', seed: 102 },
  { order: 'three-games-from-space-invaders', seed: 103 },
  { order: 'three-games', seed: 102 },
  { order: 'three-games-from-freeway', seed: 102 },
];
const secondRound = (name: string) => (run: DevRun, arm: string): string =>
  `rl/earlier/protocol-dev/longer/${run.order}/seed-${run.seed}${name && `-${name}`}/${arm}/result.json`;
const SECOND_ROUND: Candidate[] = [
  { label: 'gr, the preset', file: secondRound('') },
  { label: 'gr, a generator per game', file: secondRound('generator-per-game') },
  { label: 'gr, generator 15 000 iterations a game', file: secondRound('generator-15000') },
  { label: 'gr, scholar 15 000 iterations a game', file: secondRound('scholar-15000') },
  { label: 'gr-hidden, hidden replay', file: secondRound('hidden-replay'), arm: 'gr-hidden' },
  { label: 'er, the preset (beside)', file: secondRound(''), arm: 'er' },
];

/** The actions-kept diagnostic (docs/protocol/rl-dev-actions-kept.json): its runs on learners trained with
 *  OpenBLAS's Cooperlake kernels, and seed 103 again on the Zen kernels of the committed preset run; then the
 *  second round's scholar at 15 000 iterations on those learners (GR alone). */
const actionsKept = (kernels: string, seed: number): string => `rl/earlier/protocol-dev/actions-kept/${kernels}/three-games-from-space-invaders/seed-${seed}-actions-kept`;
const ACTIONS_KEPT_RUNS: DiagnosticRun[] = [
  { label: 'seed 103, Cooperlake learners', folder: actionsKept('cooperlake', 103), seed: 103 },
  { label: 'seed 102, Cooperlake learners', folder: actionsKept('cooperlake', 102), seed: 102 },
  { label: 'seed 103, Zen learners (the committed run)', folder: actionsKept('zen', 103), seed: 103 },
  { label: 'seed 103, Zen learners, the scholar at 15 000 iterations', folder: 'rl/earlier/protocol-dev/longer/three-games-from-space-invaders/seed-103-scholar-15000', seed: 103 },
];

const QUICK_ARMS: ArmRow[] = ['gr', 'none', 'er', 'noise', 'offline'].map((arm) => ({ label: arm, file: `rl/quick/${arm}/result.json` }));
const protocolDev = (order: string): ArmRow[] => ['gr', 'er', 'none'].map((arm) => ({ label: arm, file: `rl/earlier/protocol-dev/${order}-seed-101/${arm}/result.json` }));

export const RL_TABLES: TableSet = {
  'rl-quick-targets': quickTargets,
  'rl-quick-learners': (context) => learnersWithReferences(context, 'rl/quick/gr/result.json'),
  'rl-quick-retention': retention(QUICK_ARMS),
  'rl-all-dreams-learners': (context) => learnersTable(context, 'rl/earlier/all-dreams/three-games-gr.json'),
  'rl-all-dreams-retention': retention(fiveArms('rl/earlier/all-dreams')),
  'rl-all-dreams-audit': (context) => auditTable(context, 'rl/earlier/all-dreams/three-games-gr.json'),
  'rl-valid-dreams-learners': (context) => learnersTable(context, 'rl/earlier/valid-dreams-gr/three-games-gr.json'),
  'rl-valid-dreams-retention': retention([
    { label: 'gr, valid dreams', file: 'rl/earlier/valid-dreams-gr/three-games-gr.json' },
    { label: 'gr, all dreams (above)', file: 'rl/earlier/all-dreams/three-games-gr.json' },
    { label: 'er (above)', file: 'rl/earlier/all-dreams/three-games-er.json' },
  ]),
  'rl-valid-dreams-audit': (context) => auditTable(context, 'rl/earlier/valid-dreams-gr/three-games-gr.json'),
  'rl-full-learners': (context) => learnersTable(context, 'rl/three-games-gr.json'),
  'rl-full-retention': retention(fiveArms('rl')),
  'rl-full-audit': (context) => auditTable(context, 'rl/three-games-gr.json'),
  'rl-ramping-retention': retention(fiveArms('rl/earlier/ramping-freeway')),
  'rl-ramping-learners': (context) => learnersTable(context, 'rl/earlier/ramping-freeway/three-games-gr.json'),
  'rl-ramping-audit': (context) => auditTable(context, 'rl/earlier/ramping-freeway/three-games-gr.json'),
  'rl-steady-learners': (context) => learnersTable(context, 'rl/earlier/steady-freeway/three-games-gr.json'),
  'rl-steady-retention': retention(fiveArms('rl/earlier/steady-freeway')),
  'rl-steady-audit': (context) => auditTable(context, 'rl/earlier/steady-freeway/three-games-gr.json'),
  'rl-wide-learners': (context) => learnersTable(context, 'rl/earlier/wide-scholar/three-games-gr.json'),
  'rl-wide-retention': retention(fiveArms('rl/earlier/wide-scholar')),
  'rl-wide-audit': (context) => auditTable(context, 'rl/earlier/wide-scholar/three-games-gr.json'),
  'rl-preset-learner-retention': retention(fiveArms('rl/earlier/steady-freeway-preset-learner')),
  'rl-beta01-retention': retention([
    { label: 'gr, β = 0.1', file: 'rl/earlier/steady-freeway-beta01/three-games-gr.json' },
    { label: 'gr, β = 1 (previous section)', file: 'rl/earlier/steady-freeway-preset-learner/three-games-gr.json' },
  ]),
  'rl-beta01-audit': (context) => auditTable(context, 'rl/earlier/steady-freeway-beta01/three-games-gr.json'),
  'rl-protocol': PROTOCOL.tables,
  'rl-protocol-seeds': PROTOCOL.seeds,
  'rl-protocol-bars': PROTOCOL.bars,
  'rl-protocol-learners': PROTOCOL.learners,
  'rl-protocol-scholar-5000': PROTOCOL_SCHOLAR_5000.tables,
  'rl-protocol-scholar-5000-seeds': PROTOCOL_SCHOLAR_5000.seeds,
  'rl-protocol-scholar-5000-bars': PROTOCOL_SCHOLAR_5000.bars,
  'rl-protocol-dev-three-games': retention(protocolDev('three-games')),
  'rl-protocol-dev-from-freeway': retention(protocolDev('three-games-from-freeway')),
  'rl-protocol-dev-from-space-invaders': retention(protocolDev('three-games-from-space-invaders')),
  'rl-protocol-dev-policy': retention([
    ...['gr', 'er'].map((arm) => ({ label: `${arm}, MSE (the preset)`, file: `rl/earlier/protocol-dev/three-games-from-freeway-seed-101/${arm}/result.json` })),
    ...['gr', 'er'].map((arm) => ({ label: `${arm}, policy distillation`, file: `rl/earlier/protocol-dev/policy-three-games-from-freeway-seed-101/${arm}/result.json` })),
  ]),
  'rl-protocol-dev-policy-three-games': retention([
    ...['gr', 'er'].map((arm) => ({ label: `${arm}, MSE (the preset)`, file: `rl/earlier/protocol-dev/three-games-seed-101/${arm}/result.json` })),
    ...['gr', 'er'].map((arm) => ({ label: `${arm}, policy distillation`, file: `rl/earlier/protocol-dev/policy-three-games-seed-101/${arm}/result.json` })),
  ]),
  'rl-protocol-dev-grid-vae-from-freeway': retention([
    { label: 'gr, policy distillation, MLP VAE', file: 'rl/earlier/protocol-dev/policy-three-games-from-freeway-seed-101/gr/result.json' },
    { label: 'gr, policy distillation, grid VAE', file: 'rl/earlier/protocol-dev/policy-grid-vae-three-games-from-freeway-seed-101/gr/result.json' },
    { label: 'er, policy distillation', file: 'rl/earlier/protocol-dev/policy-three-games-from-freeway-seed-101/er/result.json' },
  ]),
  'rl-protocol-dev-choice-gr': (context) => choiceTable(context, CANDIDATES, 'gr'),
  'rl-protocol-dev-choice-er': (context) =>
    choiceTable(context, [{ ...CANDIDATES[0], label: 'MSE (the preset)' }, { ...CANDIDATES[1], label: 'policy distillation' }], 'er'),
  'rl-protocol-dev-scholar': (context) => choiceTable(context, SECOND_ROUND, 'gr', SECOND_ROUND_RUNS),
  'rl-protocol-dev-actions-kept': (context) => actionsKeptTable(context, ACTIONS_KEPT_RUNS),
  'rl-reruns': rerunTable,
  'rl-protocol-dev-regulariser-tuning': retention([...tuningRows('ewc'), ...tuningRows('si')]),
  'rl-protocol-dev-regularisers': retention(
    ['ewc', 'online-ewc', 'si', 'lwf'].map((arm) => ({ label: arm, file: `rl/earlier/protocol-dev/regularisers-three-games-seed-101/${arm}/result.json` })),
  ),
  'rl-run-walls': wallTable([
    { label: 'all dreams, five arms', file: 'rl/earlier/all-dreams/three-games-gr.json' },
    { label: 'valid dreams, GR alone', file: 'rl/earlier/valid-dreams-gr/three-games-gr.json' },
    { label: 'ramping Freeway, five arms', file: 'rl/earlier/ramping-freeway/three-games-gr.json' },
    { label: 'steady Freeway, Adam 1e-3, five arms', file: 'rl/earlier/steady-freeway/three-games-gr.json' },
    { label: 'wide scholar, five arms', file: 'rl/earlier/wide-scholar/three-games-gr.json' },
    { label: 'preset learner, five arms', file: 'rl/earlier/steady-freeway-preset-learner/three-games-gr.json' },
    { label: 'β = 0.1, GR alone, niced', file: 'rl/earlier/steady-freeway-beta01/three-games-gr.json' },
    { label: 'the full preset, GR alone', file: 'rl/three-games-gr.json' },
  ]),
};
