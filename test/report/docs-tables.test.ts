/**
 * The docs' generated tables (agent/report/docs/, core/report/docs/) are what the committed result files give:
 * run `dgr report docs` after committing a result. Every table is placed, and a changed figure in any of them is
 * found and named. The charts they link are committed as their files give them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOC_CHARTS, DOC_TABLES, DOCUMENTS } from '../../agent/report/docs/index.ts';
import { NONE_YET } from '../../agent/report/docs/rl-protocol.ts';
import { markedTables, staleTables, withTables, type TableSet } from '../../core/report/docs/document.ts';

const root = join(import.meta.dirname, '..', '..');
const read = (document: string): string => readFileSync(join(root, document), 'utf8');

/** The tables, each generated once per document: the files do not change while the test runs. */
const generated = new Map<string, string>();
const TABLES: TableSet = Object.fromEntries(
  Object.entries(DOC_TABLES).map(([name, table]) => [
    name,
    (context) => {
      const key = `${context.document}:${name}`;
      if (!generated.has(key)) generated.set(key, table(context));
      return generated.get(key)!;
    },
  ]),
);

describe('docs tables', () => {
  it.each(DOCUMENTS)('%s: every marked table is what its files give', (document) => {
    const text = read(document);
    expect(staleTables(text, document, root, TABLES)).toEqual([]);
    expect(withTables(text, document, root, TABLES)).toBe(text);
  });

  it('every table is placed in some document', () => {
    const placed = new Set(DOCUMENTS.flatMap((d) => markedTables(read(d), d, root, TABLES).map((t) => t.name)));
    expect(Object.keys(DOC_TABLES).filter((name) => !placed.has(name))).toEqual([]);
  });

  it.each(DOCUMENTS)('%s: a changed figure in any of its tables is found, named and put back', (document) => {
    const text = read(document);
    for (const { name, committed } of markedTables(text, document, root, TABLES)) {
      // A protocol with no seed committed yet has no figure to change (its text is checked above).
      if (committed.trim() === NONE_YET) continue;
      // The first figure of the table's body (after its header and rule), one more in its last digit.
      const body = committed.indexOf('---');
      const figure = /\d+/.exec(committed.slice(body));
      expect(figure, `${document}: table '${name}' has no figure`).not.toBeNull();
      const [digits] = figure!;
      const changed = digits.slice(0, -1) + ((Number(digits.at(-1)) + 1) % 10);
      const at = text.indexOf(committed) + body + figure!.index;
      const edited = text.slice(0, at) + changed + text.slice(at + digits.length);
      expect(staleTables(edited, document, root, TABLES)).toEqual([`${document}: table '${name}'`]);
      expect(withTables(edited, document, root, TABLES)).toBe(text);
    }
  });

  it('every chart the tables link is committed as its files give it, SVG and PNG', () => {
    for (const { path, svg } of DOC_CHARTS({ root, document: 'docs/RESULTS.md' })) {
      expect(read(path), path).toBe(svg);
      expect(existsSync(join(root, path.replace(/\.svg$/, '.png'))), path).toBe(true);
    }
  });

  it('an unknown table is an error naming the document', () => {
    expect(() => withTables('<!-- dgr:table nothing -->\n<!-- /dgr:table -->', 'X.md', root, DOC_TABLES)).toThrow(/X\.md: unknown table 'nothing'/);
  });
});
