/** The docs' generated tables (cli/docs-tables.ts) are what the committed result files give: run `dgr report docs` after committing a result. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOCUMENTS, TABLES, withTables } from '../../cli/docs-tables.ts';

const root = join(import.meta.dirname, '..', '..');

describe('docs tables', () => {
  it.each(DOCUMENTS)('%s: every marked table is what its files give', (document) => {
    const text = readFileSync(join(root, document), 'utf8');
    expect(withTables(text, document, root)).toBe(text);
  });

  it('every table is placed in some document', () => {
    const all = DOCUMENTS.map((d) => readFileSync(join(root, d), 'utf8')).join('\n');
    for (const name of Object.keys(TABLES)) expect(all).toContain(`<!-- dgr:table ${name} -->`);
  });

  it('a table that differs from its files, or an unknown table, is found', () => {
    const text = readFileSync(join(root, 'docs', 'RESULTS.md'), 'utf8');
    // A hand-edited figure inside the generated table (its GR row) is put back.
    expect(withTables(text.replace('| GR | 89.47 ± 0.98 % |', '| GR | 89.5 % |'), 'RESULTS.md', root)).toBe(text);
    expect(() => withTables('<!-- dgr:table nothing -->\n<!-- /dgr:table -->', 'X.md', root)).toThrow(/X\.md: unknown table 'nothing'/);
  });
});
