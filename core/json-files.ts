/** JSON files a run writes and reads back: written whole or not at all, read with errors that name the file. */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeJson(dir: string, name: string, data: unknown): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(data, null, 2)}\n`);
  // Renamed into place, so a reader never sees half a file.
  renameSync(`${path}.tmp`, path);
  return path;
}

/** A JSON file the user named (`what`: the option or argument that named it, for the message). */
export function readJsonFile(path: string, what: string): unknown {
  if (!existsSync(path)) throw new Error(`${what} ${path}: no such file`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${what} ${path}: not valid JSON (${(error as Error).message})`);
  }
}
