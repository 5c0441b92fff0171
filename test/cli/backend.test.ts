/**
 * Backend choice: what `auto` prefers and what an explicit request refuses to fall back from, tested with the
 * machine's packages injected (so the answer does not depend on what this machine happens to have installed),
 * an unknown name refused at the command line before any work, and every run saying whether wasm's products
 * run on OpenBLAS (and how to get it when they do not).
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseBackend, type BackendName } from '../../core/engine/backend.ts';
import { loadOpenBlas, OPENBLAS_MISSING } from '../../core/engine/openblas.ts';
import { provenanceSchema } from '../../core/provenance.ts';

const root = join(import.meta.dirname, '..', '..');

/** A machine on which exactly these backends start; records what was tried, in order. */
function machine(...available: BackendName[]) {
  const tried: BackendName[] = [];
  const start = async (name: BackendName): Promise<boolean> => {
    tried.push(name);
    return available.includes(name);
  };
  return { start, tried };
}

describe('backend selection', () => {
  it('auto prefers native TensorFlow, then wasm, then the pure-JS cpu backend', async () => {
    expect(await chooseBackend('auto', machine('tensorflow', 'wasm', 'cpu').start)).toBe('tensorflow');
    const noNative = machine('wasm', 'cpu');
    expect(await chooseBackend('auto', noNative.start)).toBe('wasm');
    expect(noNative.tried).toEqual(['tensorflow', 'wasm']);
    expect(await chooseBackend('auto', machine('cpu').start)).toBe('cpu');
  });

  it('auto with nothing that starts says how to restore the default backend', async () => {
    await expect(chooseBackend('auto', machine().start)).rejects.toThrow(/no TensorFlow\.js backend could start: run `npm install`/);
  });

  it('an explicit request takes that backend or fails naming the package to install, never another backend', async () => {
    expect(await chooseBackend('cpu', machine('tensorflow', 'wasm', 'cpu').start)).toBe('cpu');
    const wasmOnly = machine('wasm', 'cpu');
    await expect(chooseBackend('tensorflow', wasmOnly.start)).rejects.toThrow(
      "backend 'tensorflow' is not available: install @tensorflow/tfjs-node@4.22.0",
    );
    expect(wasmOnly.tried).toEqual(['tensorflow']);
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

  it('--json carries the provenance a result file does: the code, the engine path and the machine that measured, the command and when', () => {
    const r = bench(['--json']);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { benchmarks: { name: string }[]; provenance: unknown };
    expect(out.benchmarks.map((b) => b.name)).toEqual(['replay-sample']);
    const provenance = provenanceSchema.parse(out.provenance);
    expect(provenance.command).toBe('dgr bench --only replay-sample --repeats 1 --steps 1 --json');
    expect(provenance.engine).toMatch('addon' in loadOpenBlas() ? /^wasm \+ OpenBLAS/ : /^wasm$/);
    expect(provenance.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(provenance.cpu).toMatchObject({ cores: cpus().length });
    expect(Date.parse(provenance.ended as string)).toBeGreaterThanOrEqual(Date.parse(provenance.started as string));
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
