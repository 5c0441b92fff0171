/**
 * The dependency rule, read from the sources' own imports (README.md's Layout): cli/ may import everything and
 * nothing imports cli/; runner/ (how a run goes into a folder, shared by `dgr experiment`, `dgr rl`, `dgr serve`'s
 * job and the sweep worker) builds on core/, agent/ and env/ only and loads no command-line parser and no terminal
 * library, so a worker that runs jobs loads neither.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The source folders; test/ may import anything it tests. */
const SOURCES = ['agent', 'bin', 'cli', 'client', 'core', 'env', 'protocol', 'runner', 'server', 'sweep'];
const SKIPPED = new Set(['node_modules', 'dist', 'build']);

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    if (SKIPPED.has(name)) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|mts|js|mjs)$/.test(name) ? [path] : [];
  });
}

/** Every module a file names: static imports and re-exports, `import '...'` and `import('...')`. */
function importsOf(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  const found = [
    ...text.matchAll(/\bfrom\s+['"]([^'"]+)['"]/g),
    ...text.matchAll(/\bimport\s+['"]([^'"]+)['"]/g),
    ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ];
  return found.map((m) => m[1]);
}

/** The top-level folder a relative import lands in, or null for a package (or node:) import. */
function folderOf(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  return relative(ROOT, resolve(dirname(from), specifier)).split(sep)[0];
}

interface Edge {
  readonly file: string;
  /** The folder of the importing file. */
  readonly from: string;
  readonly specifier: string;
  /** The folder the import lands in; null for a package. */
  readonly folder: string | null;
}

const edges: Edge[] = SOURCES.flatMap((from) =>
  sourceFiles(join(ROOT, from)).flatMap((path) =>
    importsOf(path).map((specifier) => ({ file: relative(ROOT, path), from, specifier, folder: folderOf(path, specifier) })),
  ),
);

/** The folders each folder may import from (besides itself); cli/ may import every folder, and only bin/ (the
 * `dgr` executable) imports cli/. */
const ALLOWED: Record<string, readonly string[]> = {
  core: [],
  env: [],
  protocol: ['env'],
  agent: ['core', 'env'],
  runner: ['core', 'agent', 'env'],
  server: ['runner', 'core', 'agent', 'env', 'protocol'],
  sweep: ['runner', 'core', 'agent', 'env'],
  client: ['env', 'protocol'],
  // bin/ pins OpenBLAS's kernels (native/openblas-core.mjs) before anything loads the library.
  bin: ['cli', 'native'],
};

const shown = (list: readonly Edge[]): string[] => list.map((e) => `${e.file} imports ${e.specifier}`);

describe('the dependency rule', () => {
  it('reads the imports it checks', () => {
    // The scan itself: a pattern that matched nothing would let every rule pass.
    expect(edges.some((e) => e.file === join('cli', 'main.ts') && e.specifier === 'commander')).toBe(true);
    expect(edges.some((e) => e.from === 'sweep' && e.folder === 'core')).toBe(true);
    expect(edges.some((e) => e.from === 'cli' && e.folder === 'cli' && e.specifier.startsWith('../'))).toBe(true);
  });

  it('nothing but bin/ imports from cli/', () => {
    expect(shown(edges.filter((e) => e.folder === 'cli' && e.from !== 'cli' && e.from !== 'bin'))).toEqual([]);
  });

  it('every folder imports only the folders below it', () => {
    const outside = edges.filter((e) => e.from !== 'cli' && e.folder !== null && e.folder !== e.from && !ALLOWED[e.from].includes(e.folder));
    expect(shown(outside)).toEqual([]);
  });

  it('runner/ loads no command-line parser and no terminal library', () => {
    expect(existsSync(join(ROOT, 'runner'))).toBe(true);
    const loaded = edges.filter((e) => e.from === 'runner' && e.folder === null && /^(commander|cli-progress)(\/|$)/.test(e.specifier));
    expect(shown(loaded)).toEqual([]);
  });
});
