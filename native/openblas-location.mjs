/**
 * Where the system's OpenBLAS headers and library are, for ./build.mjs and ./binding.gyp.
 *
 * Debian's libopenblas-dev puts OpenBLAS's own cblas.h under /usr/include/<multiarch>/openblas-pthread (the
 * plain /usr/include/<multiarch>/cblas.h is an alternatives link that may point to another BLAS), and
 * libopenblas.so under /usr/lib/<multiarch>. DGR_OPENBLAS_INCLUDE and DGR_OPENBLAS_LIB name the directories
 * instead, for an OpenBLAS installed elsewhere.
 *
 * As a script: `node openblas-location.mjs include|lib` prints the directory (gyp runs it).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HEADERS = ['cblas.h', 'openblas_config.h'];
const LIBRARY = 'libopenblas.so';

/** Directories under `root` named like a multiarch triplet (x86_64-linux-gnu, aarch64-linux-gnu, ...). */
function multiarch(root) {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((name) => /-linux-/.test(name))
    .map((name) => join(root, name));
}

function includeCandidates() {
  const fromEnv = process.env.DGR_OPENBLAS_INCLUDE;
  if (fromEnv) return [fromEnv];
  const arch = multiarch('/usr/include');
  return [
    ...arch.map((dir) => join(dir, 'openblas-pthread')),
    '/usr/include/openblas',
    '/usr/local/include/openblas',
    ...arch,
    '/usr/include',
    '/usr/local/include',
    '/opt/OpenBLAS/include',
  ];
}

function libCandidates() {
  const fromEnv = process.env.DGR_OPENBLAS_LIB;
  if (fromEnv) return [fromEnv];
  return [...multiarch('/usr/lib'), '/usr/lib64', '/usr/lib', '/usr/local/lib', '/opt/OpenBLAS/lib'];
}

/** { include, lib } when both are found, else { missing } naming what was not found and where it looked. */
export function findOpenBlas() {
  const includes = includeCandidates();
  const include = includes.find((dir) => HEADERS.every((h) => existsSync(join(dir, h))));
  if (include === undefined) return { missing: `no ${HEADERS.join(' + ')} in ${includes.join(', ')}` };
  const libs = libCandidates();
  const lib = libs.find((dir) => existsSync(join(dir, LIBRARY)));
  if (lib === undefined) return { missing: `no ${LIBRARY} in ${libs.join(', ')}` };
  return { include, lib };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const found = findOpenBlas();
  const what = process.argv[2];
  if ('missing' in found) throw new Error(`OpenBLAS not found: ${found.missing}`);
  if (what !== 'include' && what !== 'lib') throw new Error('usage: node openblas-location.mjs include|lib');
  process.stdout.write(`${found[what]}\n`);
}
