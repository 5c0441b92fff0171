/**
 * The install step (package.json's postinstall; `npm rebuild` runs it again): builds ./openblas.c with node-gyp
 * against the system's OpenBLAS. It never fails the install: without OpenBLAS, a compiler, Python (gyp) or
 * Node's headers it prints one line saying why and dgr runs on pure wasm (core/engine/openblas.ts says so at
 * every start).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findOpenBlas } from './openblas-location.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ADDON = join(HERE, 'build', 'Release', 'dgr_openblas.node');
const LOG = join(HERE, 'build-output.log');
const INSTALL = 'apt-get install libopenblas-dev, then npm rebuild';

/** Says why in one line and ends the step successfully: dgr then runs on pure wasm. */
function skip(reason, remedy) {
  // An addon left from an earlier build would contradict the message.
  rmSync(join(HERE, 'build'), { recursive: true, force: true });
  process.stdout.write(`dgr: OpenBLAS matrix products not built (${reason}); dgr runs on pure wasm. To build them: ${remedy}\n`);
  process.exit(0);
}

/** node-gyp as npm ships it: npm names it to lifecycle scripts; otherwise it sits beside this node's npm. */
function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(dirname(process.execPath)), 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  return candidates.find((file) => file && existsSync(file));
}

const found = findOpenBlas();
if ('missing' in found) skip(`OpenBLAS not found: ${found.missing}`, INSTALL);
const gyp = nodeGyp();
if (gyp === undefined) skip('node-gyp not found beside npm', 'run npm rebuild through npm, which ships node-gyp');

// Node's own headers, when this node was installed with them, spare node-gyp a download from nodejs.org.
const prefix = dirname(dirname(process.execPath));
const nodedir = existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
const build = spawnSync(process.execPath, [gyp, 'rebuild', ...nodedir], { cwd: HERE, encoding: 'utf8' });
writeFileSync(LOG, `${build.stdout ?? ''}${build.stderr ?? ''}${build.error ? String(build.error) : ''}`);
if (build.status !== 0) {
  const lines = `${build.stderr ?? ''}`.split('\n').filter((l) => /error/i.test(l));
  skip(
    `node-gyp failed: ${(lines[0] ?? 'see the log').trim().slice(0, 200)}`,
    'see native/build-output.log (node-gyp needs python3, make and a C/C++ compiler), then npm rebuild',
  );
}

// Load it once here so a library that links but does not load is caught at install, not at first use.
try {
  const addon = createRequire(import.meta.url)(ADDON);
  process.stdout.write(`dgr: OpenBLAS matrix products built (${addon.config()})\n`);
} catch (error) {
  skip(`the built addon does not load: ${String(error).split('\n')[0].slice(0, 200)}`, INSTALL);
}
