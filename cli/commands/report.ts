/** `dgr report docs`: rewrites the results tables of README.md, docs/RESULTS.md and docs/RL.md, and the charts they
 *  link, from the committed result files. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { DOC_CHARTS, DOC_TABLES, DOCUMENTS } from '../../agent/report/docs/index.ts';
import { staleTables, withTables } from '../../core/report/docs/document.ts';
import { svgToPng } from '../../core/report/svg.ts';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..');

/** The charts whose committed SVG differs from what the files give (missing ones too); written unless `check`. */
async function staleCharts(check: boolean): Promise<string[]> {
  const stale: string[] = [];
  for (const { path, svg } of DOC_CHARTS({ root: ROOT, document: 'docs/RESULTS.md' })) {
    const file = join(ROOT, path);
    if (existsSync(file) && readFileSync(file, 'utf8') === svg) continue;
    stale.push(path);
    if (check) continue;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, svg);
    writeFileSync(file.replace(/\.svg$/, '.png'), await svgToPng(svg));
  }
  return stale;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .argument('<what>', "'docs': the tables between <!-- dgr:table NAME --> markers in README.md, docs/RESULTS.md and docs/RL.md, and the charts they link")
    .option('--check', 'write nothing; fail, naming each document and table (or chart), when one differs from what its files give')
    .description('generate the docs’ results tables and charts from the committed result files (docs/results)')
    .action(async (what: string, opts: { check?: boolean }) => {
      if (what !== 'docs') throw new Error(`report: unknown '${what}' (only 'docs')`);
      const stale: string[] = [];
      for (const document of DOCUMENTS) {
        const path = join(ROOT, document);
        const text = readFileSync(path, 'utf8');
        const tables = staleTables(text, document, ROOT, DOC_TABLES);
        if (tables.length === 0) continue;
        stale.push(...tables);
        if (!opts.check) writeFileSync(path, withTables(text, document, ROOT, DOC_TABLES));
      }
      stale.push(...(await staleCharts(opts.check === true)));
      if (opts.check && stale.length > 0) throw new Error(`these tables or charts differ from the committed results (run dgr report docs):\n  ${stale.join('\n  ')}`);
      process.stdout.write(stale.length === 0 ? 'docs tables are up to date\n' : `rewrote ${stale.join(', ')}\n`);
    });
}
