/** `dgr report docs`: rewrites the results tables of README.md, docs/RESULTS.md and docs/RL.md from the committed result files. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { DOC_TABLES, DOCUMENTS } from '../../agent/report/docs/index.ts';
import { staleTables, withTables } from '../../core/report/docs/document.ts';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..');

export function registerReport(program: Command): void {
  program
    .command('report')
    .argument('<what>', "'docs': the tables between <!-- dgr:table NAME --> markers in README.md, docs/RESULTS.md and docs/RL.md")
    .option('--check', 'write nothing; fail, naming each document and table, when a table differs from what its files give')
    .description('generate the docs’ results tables from the committed result files (docs/results)')
    .action((what: string, opts: { check?: boolean }) => {
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
      if (opts.check && stale.length > 0) throw new Error(`these tables differ from the committed results (run dgr report docs):\n  ${stale.join('\n  ')}`);
      process.stdout.write(stale.length === 0 ? 'docs tables are up to date\n' : `rewrote ${stale.join(', ')}\n`);
    });
}
