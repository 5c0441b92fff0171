/**
 * Backend choice: what `auto` prefers and what an explicit request refuses to fall back from, tested with the
 * machine's packages injected (so the answer does not depend on what this machine happens to have installed),
 * and an unknown name refused at the command line before any work.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseBackend, type BackendName } from '../../core/engine/backend.ts';

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
});
