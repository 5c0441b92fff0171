/**
 * Backend choice at the boundary: auto falls back to wasm here, a missing native backend names its fix, and
 * every run says whether wasm's products run on OpenBLAS (and how to get it when they do not).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../core/engine/backend.ts';
import { loadOpenBlas, OPENBLAS_MISSING } from '../../core/engine/openblas.ts';

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

  const bench = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [join(root, 'bin', 'dgr.js'), 'bench', '--only', 'replay-sample', '--repeats', '1', '--steps', '1', ...args], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, ...env },
    });

  it('says whether the products run on OpenBLAS, and how to get it where they do not', () => {
    const r = bench([]);
    expect(r.status).toBe(0);
    const expected = 'addon' in loadOpenBlas() ? 'dgr: backend wasm + OpenBLAS\n' : `dgr: backend wasm (${OPENBLAS_MISSING})\n`;
    expect(r.stderr).toContain(expected);
    expect(OPENBLAS_MISSING).toBe('OpenBLAS not found: apt-get install libopenblas-dev, then npm rebuild');
  });

  it('--no-native and DGR_NATIVE=0 turn it off and say so; another DGR_NATIVE is a one-line error', () => {
    for (const r of [bench(['--no-native']), bench([], { DGR_NATIVE: '0' })]) {
      expect(r.status).toBe(0);
      expect(r.stderr).toContain('dgr: backend wasm (OpenBLAS turned off)\n');
    }
    const bad = bench([], { DGR_NATIVE: 'yes' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe("dgr: error: DGR_NATIVE must be 0 or 1, got 'yes'\n");
  });
});
