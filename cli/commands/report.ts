/** `dgr report docs`: rewrites the results tables of README.md, docs/RESULTS.md and docs/RL.md from the committed result files. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { DOCUMENTS, withTables } from '../docs-tables.ts';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..');

export function registerReport(program: Command): void {
  program
    .command('report')
    .argument('<what>', "'docs': the tables between <!-- dgr:table NAME --> markers in README.md, docs/RESULTS.md and docs/RL.md")
    .option('--check', 'write nothing; fail when a document differs from what its files give')
    .description('generate the docs’ results tables from the committed result files (docs/results)')
    .action((what: string, opts: { check?: boolean }) => {
      if (what !== 'docs') throw new Error(`report: unknown '${what}' (only 'docs')`);
      const stale: string[] = [];
      for (const document of DOCUMENTS) {
        const path = join(ROOT, document);
        const text = readFileSync(path, 'utf8');
        const generated = withTables(text, document, ROOT);
        if (generated === text) continue;
        stale.push(document);
        if (!opts.check) writeFileSync(path, generated);
      }
      if (opts.check && stale.length > 0) throw new Error(`${stale.join(', ')}: tables differ from the committed results; run dgr report docs`);
      process.stdout.write(stale.length === 0 ? 'docs tables are up to date\n' : `rewrote the tables of ${stale.join(', ')}\n`);
    });
}
