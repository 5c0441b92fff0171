/**
 * A run's folder on disk: checked writable before any work, and held by one process at a time.
 *
 * The lock is a file `run.lock` holding the owner's pid, host and start time, created exclusively (O_EXCL), so
 * of two processes starting one run only one gets it. A lock whose process is gone (killed, the machine
 * restarted) is stale: it is taken over, so a killed run resumes without anyone deleting files by hand.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** What a run leaves in a seed's folder when that seed fails: `{ message, at }`, removed when the seed starts again
 *  (a page of runs shows the run as failed, with the message). */
export const SEED_ERROR_FILE = 'error.json';

const CAUSES: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a file stands where a folder is needed on the way there',
  EEXIST: 'a file of that name is in the way',
  ENOSPC: 'the disk is full',
  ENOENT: 'no such folder',
};

function cause(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return (code && CAUSES[code] ? `${CAUSES[code]} (${code})` : undefined) ?? (error as Error).message;
}

/**
 * Creates `dir` and its missing parents one level at a time. Node's recursive mkdir retries for ever where a
 * parent exists but refuses new folders (under /proc every mkdir answers ENOENT), spinning a core in silence;
 * one level at a time, that refusal is the answer, and it names the folder that refused.
 */
function makeFolders(dir: string): void {
  const missing: string[] = [];
  let at = resolve(dir);
  while (!existsSync(at) && dirname(at) !== at) {
    missing.unshift(at);
    at = dirname(at);
  }
  if (!statSync(at).isDirectory()) throw new Error(`${CAUSES.ENOTDIR}: ${at} (ENOTDIR)`);
  for (const level of missing) {
    try {
      mkdirSync(level);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && statSync(level).isDirectory()) continue; // made by another process just now
      if (code === 'ENOENT') throw new Error(`${dirname(level)} takes no new folders (ENOENT)`);
      throw new Error(`${level}: ${cause(error)}`);
    }
  }
}

/** Creates `dir` if needed and proves a file can be written there; the error names `what`, the folder and the
 * real cause (a read-only disk is not "no such file"), before any work. */
export function ensureWritableDir(dir: string, what: string): void {
  try {
    makeFolders(dir);
  } catch (error) {
    throw new Error(`${what} ${dir}: cannot be created: ${(error as Error).message}`);
  }
  const probe = join(dir, `.write-test-${process.pid}`);
  try {
    closeSync(openSync(probe, 'w'));
    rmSync(probe, { force: true });
  } catch (error) {
    throw new Error(`${what} ${dir}: not writable: ${cause(error)}`);
  }
}

/** A file the command will write (a recording): not a folder, and in a folder that can be written. */
export function ensureWritableFile(path: string, what: string): void {
  if (existsSync(path) && statSync(path).isDirectory()) throw new Error(`${what} ${path} is a folder: give the file's name, e.g. ${join(path, 'episode.json')}`);
  ensureWritableDir(dirname(path), `${what} ${path}: its folder`);
}

export interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly started: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !zombie(pid);
}

/** A killed process whose parent has not collected it yet still answers kill(pid, 0); on Linux its state says
 * it is gone (Z in /proc/<pid>/stat). Elsewhere there is no such file, and it counts as alive. */
function zombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

function readOwner(path: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
    return typeof owner.pid === 'number' ? owner : null;
  } catch {
    return null; // half-written by a process killed while writing it: stale
  }
}

/** The process holding the lock file at `path`, when it is still running (on this host, where it can be checked). */
function liveOwner(path: string): LockOwner | null {
  const owner = readOwner(path);
  if (owner === null) return null;
  return owner.host !== hostname() || alive(owner.pid) ? owner : null;
}

/** The process holding `dir`'s lock, when it is still running (on this host, where it can be checked). */
export function lockHolder(dir: string): LockOwner | null {
  return liveOwner(join(dir, 'run.lock'));
}

/**
 * Takes the lock file at `path` for this process (its folder must exist): the release, the live process that holds
 * it, or null when another process took it while a stale one was being removed. A lock whose process is gone, or
 * that was left half-written, is stale and taken over.
 */
export function takeLock(path: string): { readonly release: () => void } | { readonly holder: LockOwner } | null {
  const me: LockOwner = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = liveOwner(path);
      if (holder !== null) return { holder };
      rmSync(path, { force: true }); // stale: its process is gone
      continue;
    }
    writeSync(fd, JSON.stringify(me));
    closeSync(fd);
    return {
      release: () => {
        if (readOwner(path)?.pid === me.pid) rmSync(path, { force: true });
      },
    };
  }
  return null;
}

/**
 * Takes `dir`'s lock for this process, or throws naming the process that holds it. Returns the release.
 * `what` says what the folder is, for the message.
 */
export function lockRunFolder(dir: string, what: string): () => void {
  mkdirSync(dir, { recursive: true });
  let taken: ReturnType<typeof takeLock>;
  try {
    taken = takeLock(join(dir, 'run.lock'));
  } catch (error) {
    throw new Error(`${what} ${dir}: cannot lock: ${cause(error)}`);
  }
  if (taken === null) throw new Error(`${what} ${dir}: another process took the lock while a stale one was removed; try again`);
  if ('holder' in taken) {
    const { holder } = taken;
    throw new Error(
      `${what} ${dir} is being written by process ${holder.pid} on ${holder.host} (since ${holder.started}); ` +
        'two processes never write one run: wait for it to end, or choose another --out',
    );
  }
  return taken.release;
}

/**
 * Waits while a live process holds `dir`'s lock, looking again every `pollMs`: true once it is free, false when
 * `deadline` (a Date.now() time; default: none) passes first. It does not take the lock.
 */
export async function lockFreed(dir: string, pollMs: number, deadline = Infinity): Promise<boolean> {
  while (lockHolder(dir) !== null) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return true;
}

/** Takes `dir`'s lock, waiting up to `timeoutMs` while a live process holds it (a short write, such as another
 * seed's process writing the arm's aggregate). */
export async function lockRunFolderWhenFree(dir: string, what: string, timeoutMs: number): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return lockRunFolder(dir, what);
    } catch (error) {
      // Another process may take the lock between its release and our next try: then wait again.
      if (lockHolder(dir) === null || !(await lockFreed(dir, 250, deadline))) throw error;
    }
  }
}
