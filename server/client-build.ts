/**
 * The viewer is built by Vite into client/dist. `dgr serve` builds it when it is missing or older than any of
 * its sources (client/, protocol/, env/), so `npm start` after a `git pull` serves the current viewer; a fresh
 * build takes seconds, an up-to-date one is a few stat calls.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..');
export const CLIENT_DIR = join(ROOT, 'client');
export const CLIENT_DIST = join(CLIENT_DIR, 'dist');

/** Newest modification time of the files under `dir` (skipping `skip` folders). */
function newest(dir: string, skip: ReadonlySet<string>): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skip.has(entry.name)) continue;
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path, skip) : statSync(path).mtimeMs);
  }
  return latest;
}

export function clientIsStale(): boolean {
  const built = join(CLIENT_DIST, 'index.html');
  if (!existsSync(built)) return true;
  const skip = new Set(['dist', 'node_modules']);
  const sources = Math.max(...[CLIENT_DIR, join(ROOT, 'protocol'), join(ROOT, 'env')].map((d) => newest(d, skip)));
  return sources > statSync(built).mtimeMs;
}

/** Builds the viewer when stale; returns whether it built. */
export async function ensureClientBuilt(log: (line: string) => void): Promise<boolean> {
  if (!clientIsStale()) return false;
  log('dgr serve: building the viewer (client/ → client/dist) ...');
  const started = performance.now();
  const { build } = await import('vite');
  await build({ configFile: join(CLIENT_DIR, 'vite.config.ts'), logLevel: 'warn' });
  log(`dgr serve: viewer built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return true;
}
