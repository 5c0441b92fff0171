/**
 * Generated tables in the docs: each sits between `<!-- dgr:table NAME -->` and `<!-- /dgr:table -->` in its
 * document and is rewritten from the committed result files (docs/results), so no figure in it is typed by hand.
 * This file knows the markers and where a table's links point; what each table holds is its generator's
 * (./classification.ts, agent/report/docs/).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';

/** What a generator is given: where the repository is, and how to link a file from the document it is written into. */
export interface TableContext {
  /** The repository's root. */
  readonly root: string;
  /** The document's path relative to the root (e.g. "docs/RESULTS.md"). */
  readonly document: string;
}

/** A table's generator: its markdown (without the markers), from the committed files. */
export type TableGenerator = (context: TableContext) => string;
export type TableSet = Readonly<Record<string, TableGenerator>>;

/** The committed results: docs/results under the root. */
export const RESULTS_DIR = join('docs', 'results');

/** The text of a committed result file (`file` relative to docs/results), parsed as JSON. */
export function readResultJson(context: TableContext, file: string): { path: string; data: unknown } {
  const path = join(context.root, RESULTS_DIR, file);
  return { path, data: JSON.parse(readFileSync(path, 'utf8')) };
}

/** A repository path (relative to the root) as the context's document reaches it. */
export function pathFrom(context: TableContext, file: string): string {
  return relative(dirname(context.document), file).split(/[\\/]/).join(posix.sep);
}

/** `[label](path)` of a repository file (relative to the root), as a link from the context's document. */
export function repoLink(context: TableContext, file: string, label: string = file): string {
  return `[${label}](${pathFrom(context, file)})`;
}

/** A link to a committed result file (relative to docs/results), labelled by that path. */
export function resultLink(context: TableContext, file: string, label: string = file): string {
  return repoLink(context, join(RESULTS_DIR, file), label);
}

const MARKED = /<!-- dgr:table ([a-z0-9-]+) -->\n([\s\S]*?)<!-- \/dgr:table -->/g;

/** One marked table of a document: its name, what the document holds and what the files give. */
export interface MarkedTable {
  readonly name: string;
  readonly committed: string;
  readonly generated: string;
}

/** Every marked table of `text`, generated; an unknown table name is an error naming the document. */
export function markedTables(text: string, document: string, root: string, tables: TableSet): MarkedTable[] {
  return [...text.matchAll(MARKED)].map(([, name, committed]) => {
    const table = tables[name];
    if (!table) throw new Error(`${document}: unknown table '${name}' (known: ${Object.keys(tables).join(', ')})`);
    return { name, committed, generated: `${table({ root, document })}\n` };
  });
}

/** `text` with every marked table regenerated. */
export function withTables(text: string, document: string, root: string, tables: TableSet): string {
  const generated = new Map(markedTables(text, document, root, tables).map((t) => [t.name, t.generated]));
  return text.replace(MARKED, (_, name: string) => `<!-- dgr:table ${name} -->\n${generated.get(name)}<!-- /dgr:table -->`);
}

/** The names of the tables of `text` that differ from what their files give ("DOCUMENT: table NAME"). */
export function staleTables(text: string, document: string, root: string, tables: TableSet): string[] {
  return markedTables(text, document, root, tables)
    .filter((t) => t.committed !== t.generated)
    .map((t) => `${document}: table '${t.name}'`);
}
