/**
 * Every generated table of the docs, by name: core's classification tables and the agent's RL tables (the agent
 * may read both kinds of result; core knows nothing of RL). `dgr report docs` writes them between their markers;
 * test/report/docs-tables.test.ts fails when a committed document differs.
 */
import { speed } from '../../../core/report/docs/bench.ts';
import { CLASSIFICATION_TABLES } from '../../../core/report/docs/classification.ts';
import type { TableContext, TableSet } from '../../../core/report/docs/document.ts';
import { glance, invalidDreams, rlGlance } from './glance.ts';
import { PROTOCOL, PROTOCOL_SCHOLAR_5000 } from './rl-protocol.ts';
import { RL_TABLES } from './rl-tables.ts';

/** The documents that hold generated tables, relative to the repository's root. */
export const DOCUMENTS = ['README.md', 'docs/RESULTS.md', 'docs/RL.md'] as const;

export const DOC_TABLES: TableSet = {
  ...CLASSIFICATION_TABLES,
  ...RL_TABLES,
  glance,
  'rl-glance': rlGlance,
  'rl-invalid-dreams': invalidDreams,
  speed,
};

/** The charts the generated tables link, as SVG text by path (relative to the root), from the same committed files;
 *  `dgr report docs` writes each (and a PNG beside it), and `--check` fails when one differs. */
export const DOC_CHARTS = (context: TableContext): { path: string; svg: string }[] => [...PROTOCOL.charts(context), ...PROTOCOL_SCHOLAR_5000.charts(context)];
