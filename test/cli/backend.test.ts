/** Backend choice at the boundary: auto falls back to wasm here, and a missing native backend names its fix. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../core/engine/backend.ts';

const root = join(import.meta.dirname, '..', '..');

describe('backend selection', () => {
  it('auto takes wasm when no native TensorFlow package is installed', async () => {
    expect(await useBackend('auto')).toBe('wasm');
  });

  it('asking for tensorflow without its package is a one-line error naming the package to install', () => {
    const r = spawnSync(process.execPath, [join(root, 'bin', 'dgr.js'), 'bench', '--backend', 'tensorflow'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain("dgr: error: backend 'tensorflow' is not available: install @tensorflow/tfjs-node@4.22.0");
  });

  it('rejects an unknown backend name before doing any work', () => {
    const r = spawnSync(process.execPath, [join(root, 'bin', 'dgr.js'), 'bench', '--backend', 'gpu'], { cwd: root, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("argument 'gpu' is invalid");
  });
});
