/**
 * Provenance: who and what made a result — the code (commit, and whether its tracked files were edited), dgr's
 * version, the engine path that computed (wasm, wasm + OpenBLAS with the core type OpenBLAS chose, tensorflow,
 * cpu), Node, the machine's CPU, the command line, and when the seed ran. Each seed of a result.json carries its
 * own (a merge may join seeds of several processes or machines); config.json carries its first seed's.
 *
 * What is not known is 'unknown', never guessed: files written before provenance existed say so, and name the
 * commit that committed them (`committedIn`), which is not necessarily the one that computed them.
 *
 * Result files carry a format version (`format`). A file of an older format is brought up to date by one
 * migration step per version (`migrateResultFormat`); a newer one is refused, naming the file and the field.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The result-file format this code writes. 1: no `format` field, no provenance. 2: provenance per seed. */
export const RESULT_FORMAT = 2;

const UNKNOWN = 'unknown' as const;
const unknown = z.literal(UNKNOWN);
const sha = z.string().regex(/^[0-9a-f]{40}$/, 'a 40-digit git commit');

export const provenanceSchema = z.strictObject({
  /** The commit of the code that ran (git rev-parse HEAD in dgr's folder). */
  commit: z.union([sha, unknown]),
  /** Whether tracked files differed from that commit (untracked files, such as runs/, do not count). */
  dirty: z.union([z.boolean(), unknown]),
  /** dgr's version (package.json). */
  version: z.string().min(1),
  /** The engine path that computed: `wasm`, `wasm + OpenBLAS (<core>)`, `tensorflow` or `cpu`. */
  engine: z.string().min(1),
  node: z.string().min(1),
  cpu: z.union([z.strictObject({ model: z.string().min(1), cores: z.int().positive() }), unknown]),
  command: z.string().min(1),
  /** ISO times the seed's run started and ended (in the process that finished it). */
  started: z.union([z.iso.datetime(), unknown]),
  ended: z.union([z.iso.datetime(), unknown]),
  /** For files written before provenance existed: the commit that committed the file (git log --diff-filter=A),
   *  not necessarily the one that computed it. */
  committedIn: sha.optional(),
  /** What else is known of a file mended after it was written (what was changed, from which record). */
  note: z.string().min(1).optional(),
});
export type Provenance = z.infer<typeof provenanceSchema>;

/** Provenance of a file that did not record its own: every field unknown but the commit that committed it. */
export function unknownProvenance(committedIn?: string): Provenance {
  return {
    commit: UNKNOWN,
    dirty: UNKNOWN,
    version: UNKNOWN,
    engine: UNKNOWN,
    node: UNKNOWN,
    cpu: UNKNOWN,
    command: UNKNOWN,
    started: UNKNOWN,
    ended: UNKNOWN,
    ...(committedIn ? { committedIn } : {}),
  };
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

function git(root: string, args: readonly string[]): string | null {
  try {
    return execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null; // not a git checkout, or git is missing
  }
}

/** The commit of the code in `root` (dgr's folder) and whether tracked files differ from it, and the version its
 * package.json gives: 'unknown' where there is no git checkout, no git, or no package.json. */
export function codeVersion(root = ROOT): Pick<Provenance, 'commit' | 'dirty' | 'version'> {
  const head = git(root, ['rev-parse', 'HEAD']);
  const status = head === null ? null : git(root, ['status', '--porcelain', '--untracked-files=no']);
  let version: string = UNKNOWN;
  try {
    version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? UNKNOWN;
  } catch {
    // no package.json beside the code: unknown
  }
  return {
    commit: head !== null && sha.safeParse(head).success ? head : UNKNOWN,
    dirty: status === null ? UNKNOWN : status.length > 0,
    version,
  };
}

/** What a process knows of itself at a run's start; `finish` stamps the end. `engine` is the engine path
 *  (core/engine/backend.ts, engineOf), `command` the command line that asked for the run. */
export function startProvenance(engine: string, command: string): Provenance {
  const cores = cpus();
  return {
    ...codeVersion(),
    engine,
    node: process.version,
    cpu: cores.length > 0 ? { model: cores[0].model.trim(), cores: cores.length } : UNKNOWN,
    command,
    started: new Date().toISOString(),
    ended: UNKNOWN,
  };
}

export function finishProvenance(p: Provenance): Provenance {
  return { ...p, ended: new Date().toISOString() };
}

/**
 * What a reader of merged seeds should know: seeds made by different commits (or a dirty tree, or no known
 * commit) or on different engine paths may differ for that reason alone. Empty when they agree.
 */
export function provenanceWarnings(seeds: readonly { seed: number; provenance: Provenance }[]): string[] {
  const warnings: string[] = [];
  const differ = (what: string, value: (p: Provenance) => string): void => {
    const values = [...new Set(seeds.map((s) => value(s.provenance)))];
    if (values.length < 2) return;
    const bySeed = seeds.map((s) => `seed ${s.seed}: ${value(s.provenance)}`).join('; ');
    warnings.push(`seeds come from different ${what} (${bySeed})`);
  };
  differ('commits', (p) => (p.commit === UNKNOWN ? UNKNOWN : `${p.commit.slice(0, 12)}${p.dirty === true ? ' (dirty)' : ''}`));
  differ('engine paths', (p) => p.engine);
  return warnings;
}

/** A config.json: the run's config with its first seed's provenance beside it. */
export function configFile<C extends object>(config: C, provenance: Provenance): C & { provenance: Provenance } {
  return { ...config, provenance };
}

/** A config.json's config, without the provenance beside it (a saved config is run again from this). */
export function configOf(raw: unknown): unknown {
  if (raw === null || typeof raw !== 'object' || !('provenance' in raw)) return raw;
  const { provenance: _, ...config } = raw as Record<string, unknown>;
  return config;
}

/** A result file's format version (1 when it has none); a newer one than this code reads, or one that is no
 * version, is refused naming the file and the field. */
export function resultFormat(file: Record<string, unknown>, source: string): number {
  const format = file.format ?? 1;
  if (typeof format !== 'number' || !Number.isInteger(format) || format < 1) {
    throw new Error(`${source}: format: ${JSON.stringify(file.format)} is not a result-file format version (1 to ${RESULT_FORMAT})`);
  }
  if (format > RESULT_FORMAT) {
    throw new Error(`${source}: format: ${format} is newer than this dgr reads (up to ${RESULT_FORMAT}): update dgr to read it`);
  }
  return format;
}

/**
 * A result file's JSON brought to RESULT_FORMAT, one step per version; `addProvenance` is the domain's step
 * from format 1 (where its seeds' provenance goes).
 */
export function migrateResultFormat(raw: unknown, source: string, addProvenance: (v1: Record<string, unknown>) => Record<string, unknown>): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw; // the schema names what is wrong
  const file = raw as Record<string, unknown>;
  // 1 → 2: provenance per seed, unknown for a file that did not record it.
  if (resultFormat(file, source) !== 1) return file;
  const { format: _, ...v1 } = file;
  return { format: RESULT_FORMAT, ...addProvenance(v1) };
}
