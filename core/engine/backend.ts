/**
 * The engine seam: which TensorFlow.js backend computes, chosen once at start.
 *
 * `auto` takes `tensorflow` (libtensorflow through @tensorflow/tfjs-node-gpu or -node, optional packages a
 * user with network access may add), else `wasm` (the embedded default, patched by ./wasm-kernels.ts), else
 * `cpu` (pure JS: a numerical reference for tests, far too slow to train on). On wasm the matrix products run
 * on OpenBLAS where its addon is built (./openblas.ts), unless the caller turns that off.
 */
import * as tf from '@tensorflow/tfjs-core';
import { installGradientFixes } from './gradients.ts';
import { loadOpenBlas, openBlasCore, OPENBLAS_MISSING } from './openblas.ts';
import { installWasmKernels, matMulPath, selectBlas } from './wasm-kernels.ts';

import { BACKENDS, type BackendName, type BackendRequest } from './backend-names.ts';

export { BACKENDS, type BackendName, type BackendRequest };

const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];

export class BackendUnavailableError extends Error {}

async function tryImport(name: string): Promise<boolean> {
  try {
    // A variable specifier keeps TypeScript and bundlers from requiring the optional package.
    const specifier = name;
    await import(specifier);
    return true;
  } catch {
    return false;
  }
}

async function loadTensorflow(): Promise<boolean> {
  for (const pkg of NATIVE_PACKAGES) if (await tryImport(pkg)) return tf.findBackend('tensorflow') !== null;
  return false;
}

async function loadWasm(): Promise<boolean> {
  if (!(await tryImport('@tensorflow/tfjs-backend-wasm'))) return false;
  installWasmKernels();
  return true;
}

async function loadCpu(): Promise<boolean> {
  return tryImport('@tensorflow/tfjs-backend-cpu');
}

const LOADERS: Record<BackendName, () => Promise<boolean>> = {
  tensorflow: loadTensorflow,
  wasm: loadWasm,
  cpu: loadCpu,
};

const HOW_TO_GET: Record<BackendName, string> = {
  tensorflow:
    'install @tensorflow/tfjs-node@4.22.0 (or @tensorflow/tfjs-node-gpu@4.22.0 with CUDA); its install script downloads libtensorflow, so it needs network access beyond the npm registry',
  wasm: 'reinstall dependencies with `npm install` (@tensorflow/tfjs-backend-wasm is a regular dependency)',
  cpu: 'reinstall dependencies with `npm install` (@tensorflow/tfjs-backend-cpu is a regular dependency)',
};

/** The order backends are tried in: `auto` prefers native TensorFlow, then wasm, then the pure-JS reference. */
export function preference(request: BackendRequest): BackendName[] {
  return request === 'auto' ? ['tensorflow', 'wasm', 'cpu'] : [request];
}

/** Loads a backend's package and makes it the engine's; false when it is not installed or does not start. */
async function startNamed(name: BackendName): Promise<boolean> {
  if (tf.getBackend() === name) return true;
  if (!(await LOADERS[name]())) return false;
  if (!(await tf.setBackend(name))) return false;
  await tf.ready();
  // The cpu backend greets its first use in Node with a banner recommending tfjs-node; every dgr command
  // already says which backend runs and how to get the others, so silence it.
  if (name === 'cpu') (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
  return true;
}

/**
 * The first backend of the request's preference that `start` gets running, or an error naming what to install.
 * `start` is the engine's own loader; a test passes one that says which backends a machine has.
 */
export async function chooseBackend(request: BackendRequest, start: (name: BackendName) => Promise<boolean>): Promise<BackendName> {
  if (!(BACKENDS as readonly string[]).includes(request)) {
    throw new BackendUnavailableError(`unknown backend '${request}': choose one of ${BACKENDS.join(', ')}`);
  }
  const order = preference(request);
  for (const name of order) if (await start(name)) return name;
  const name = order[0];
  throw new BackendUnavailableError(
    request === 'auto'
      ? 'no TensorFlow.js backend could start: run `npm install` to restore @tensorflow/tfjs-backend-wasm'
      : `backend '${name}' is not available: ${HOW_TO_GET[name]}`,
  );
}

export interface EngineOptions {
  /** On wasm, compute matrix products and convolutions with OpenBLAS where the addon is built (default true). */
  readonly native?: boolean;
}

/** Whether wasm's products run on OpenBLAS: chosen by useBackend, described by describeBackend. */
let native: 'on' | 'off' | 'missing' = 'off';

function chooseMatMul(name: BackendName, wanted: boolean): void {
  if (name !== 'wasm') return;
  const found = wanted ? loadOpenBlas() : null;
  const blas = found !== null && 'addon' in found ? found.addon : null;
  if ((blas !== null) !== (matMulPath() === 'openblas')) selectBlas(blas);
  native = !wanted ? 'off' : blas === null ? 'missing' : 'on';
}

/**
 * Selects and initialises the backend; returns the one in use. Idempotent for the same request; a call with
 * another `native` switches wasm's matrix products and convolutions.
 */
export async function useBackend(request: BackendRequest = 'auto', options: EngineOptions = {}): Promise<BackendName> {
  installGradientFixes();
  const name = await chooseBackend(request, startNamed);
  chooseMatMul(name, options.native ?? true);
  return name;
}

export function currentBackend(): BackendName {
  return tf.getBackend() as BackendName;
}

/** The engine path that computes, as a result's provenance records it: `wasm + OpenBLAS (<core>)` with the core
 * type OpenBLAS chose on this CPU (its build string names it, e.g. Zen or Haswell), plain `wasm` without OpenBLAS,
 * or the backend's name. */
export function engineOf(): string {
  const name = currentBackend();
  if (name !== 'wasm' || native !== 'on') return name;
  const found = loadOpenBlas();
  const core = 'addon' in found ? openBlasCore(found.addon.config()) : null;
  return core === null ? 'wasm + OpenBLAS' : `wasm + OpenBLAS (${core})`;
}

/** The backend in use as every run names it: `wasm + OpenBLAS`, or `wasm (why not)`, or the backend's name. */
export function describeBackend(): string {
  const name = currentBackend();
  if (name !== 'wasm') return name;
  if (native === 'on') return 'wasm + OpenBLAS';
  return native === 'missing' ? `wasm (${OPENBLAS_MISSING})` : 'wasm (OpenBLAS turned off)';
}
