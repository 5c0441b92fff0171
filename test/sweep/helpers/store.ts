/** What a sweep left in its store, as the tests read it. */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

/** Every result.json below `store`, sorted by path. */
export function storeResults(store: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else if (entry.name === 'result.json') found.push(join(dir, entry.name));
    }
  };
  if (existsSync(store)) walk(store);
  return found.sort();
}
