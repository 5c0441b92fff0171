/**
 * The results tables of the docs, generated from the committed result files (docs/results) so that no figure is
 * typed by hand: each table sits between `<!-- dgr:table NAME -->` and `<!-- /dgr:table -->` in its document,
 * and `dgr report docs` rewrites what is between the markers. test/report/docs-tables.test.ts fails when a
 * committed document differs from what this generates.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseResultFile, type ResultFile } from '../core/results.ts';

/** The documents that hold generated tables, relative to the repository's root. */
export const DOCUMENTS = ['README.md', 'docs/RESULTS.md', 'docs/RL.md'] as const;

const pct = (x: number): string => (100 * x).toFixed(2);

function readResult(root: string, file: string): ResultFile {
  const path = join(root, 'docs', 'results', file);
  return parseResultFile(JSON.parse(readFileSync(path, 'utf8')), path);
}

/** ACC as the tables show it: mean ± s.e.m. over seeds (or the one seed's). */
function accOf(r: ResultFile): string {
  return r.accSem === null ? `${pct(r.acc)} %` : `${pct(r.acc)} ± ${pct(r.accSem)} %`;
}

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

/** docs/RESULTS.md: split MNIST at the paper preset, one row per committed file. */
function splitMnist(root: string): string {
  const rows = SPLIT_MNIST_ROWS.map(({ file, scenario, arm, reference }) => {
    const r = readResult(root, file);
    const perSeed = (r.perSeed ?? [r]).map((s) => pct(s.acc)).join(', ');
    return `| ${scenario} | ${arm} | ${accOf(r)} | ${perSeed} | ${pct(r.bwt)} | ${reference} | [${file}](results/${file}) |`;
  });
  return [
    '| scenario | arm | ACC (mean ± s.e.m.) | per seed | BWT (points) | van de Ven & Tolias (20 seeds) | file |',
    '|---|---|---:|---|---:|---:|---|',
    ...rows,
  ].join('\n');
}

/** Table name → its generator (reading the committed files under `root`/docs/results). */
export const TABLES: Record<string, (root: string) => string> = {
  'split-mnist': splitMnist,
};

const OPEN = /<!-- dgr:table ([a-z0-9-]+) -->\n[\s\S]*?<!-- \/dgr:table -->/g;

/** `text` with every marked table regenerated; an unknown table name is an error naming the document. */
export function withTables(text: string, document: string, root: string): string {
  return text.replace(OPEN, (_, name: string) => {
    const table = TABLES[name];
    if (!table) throw new Error(`${document}: unknown table '${name}' (known: ${Object.keys(TABLES).join(', ')})`);
    return `<!-- dgr:table ${name} -->\n${table(root)}\n<!-- /dgr:table -->`;
  });
}
