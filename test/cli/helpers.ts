/** Running the `dgr` command as a user does: a real process from the repository's root. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '..', '..');
export const dgr = join(root, 'bin', 'dgr.js');

export function dgrRun(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [dgr, ...args], { cwd: root, encoding: 'utf8', timeout: 600_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
