/**
 * `dgr worker`: takes a sweep's jobs from its BullMQ queue and runs each in a worker thread (./run-job.ts) into
 * the shared store. BullMQ keeps the books: a job's lock is renewed while it runs; a worker that dies (SIGKILL,
 * a lost machine) stops renewing, and the stalled-job check of any live worker puts the job back in the queue,
 * where the next worker resumes it from the checkpoint the run left in the store; a worker starting puts such runs
 * back first, at the front (./reclaim.ts). SIGTERM (or SIGINT) asks the
 * running jobs to stop after their current task's checkpoint and puts them back in the queue, then exits.
 */
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker as ThreadWorker } from 'node:worker_threads';
import { Queue, WaitingError, Worker, type Job } from 'bullmq';
import type { BackendRequest } from '../core/engine/backend-names.ts';
import { ensureWritableDir } from '../core/run-folder.ts';
import { describeJob, jobFor } from './jobs.ts';
import { kindOf, parsePayload } from './kinds/index.ts';
import { reclaimAbandoned } from './reclaim.ts';
import { connectionOptions, requireRedis, shownUrl } from './redis.ts';
import type { RunJobInput, RunJobMessage, RunJobRequest } from './run-job.ts';

export interface WorkerSettings {
  readonly redis: string;
  readonly queue: string;
  /** A folder every worker sees (e.g. on NFS): runs' folders and checkpoints. */
  readonly store: string;
  /** Jobs run at once. */
  readonly concurrency: number;
  readonly backend: BackendRequest;
  /** On wasm, compute matrix products and convolutions with OpenBLAS where its addon is built. */
  readonly native: boolean;
  /** A job's lock lasts this long without renewal; a dead worker's job is retried after about this long. */
  readonly lockSeconds: number;
  /** Exit once the queue holds no job waiting or running (batch schedulers: Slurm arrays, Kubernetes Jobs). */
  readonly exitWhenDone: boolean;
}

/** Times a job may be found stalled (its worker gone) and retried before BullMQ fails it: runs resume from their
 * checkpoints, so a retry costs at most a task; a job that kills every worker it lands on still ends. */
const MAX_STALLED = 5;
/** How long a stopping worker waits for Redis to take its news (a job back in the queue, its own goodbye)
 * before it leaves without: a worker whose Redis is gone would otherwise wait for ever. */
const QUEUE_GRACE_MS = 5000;

/** Resolves true when `promise` settles within `ms`, false when it does not (its outcome then is dropped). */
function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    promise.then(
      () => (clearTimeout(timer), resolve(true)),
      () => (clearTimeout(timer), resolve(true)),
    );
  });
}

/** How often an idle worker with `exitWhenDone` asks whether the queue is empty. */
const DONE_CHECK_MS = 2000;

type Outcome = { type: 'done'; result: unknown } | { type: 'stopped' };

/** Runs a job in its own thread; `signal` asks it to stop after its current task. */
function runInThread(input: RunJobInput, onProgress: (p: unknown) => void, signal: AbortSignal): Promise<Outcome> {
  return new Promise((resolvePromise, reject) => {
    const thread = new ThreadWorker(new URL('./run-job-entry.mjs', import.meta.url), { workerData: input });
    let outcome: Outcome | Error | null = null;
    const stop = (): void => thread.postMessage({ type: 'stop' } satisfies RunJobRequest);
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
    thread.on('message', (message: RunJobMessage) => {
      if (message.type === 'progress') onProgress(message.progress);
      else if (message.type === 'error') outcome = new Error(message.message);
      else outcome = message;
    });
    thread.on('error', (error) => {
      outcome ??= error;
    });
    thread.on('exit', (code) => {
      signal.removeEventListener('abort', stop);
      if (outcome === null) reject(new Error(`the run's thread exited (code ${code}) before the run ended`));
      else if (outcome instanceof Error) reject(outcome);
      else resolvePromise(outcome);
    });
  });
}

/** A job's words for the log; its id when its data is not a job this worker can read (the processor says why). */
function labelOf(job: Job): string {
  try {
    return describeJob(parsePayload(job.data));
  } catch {
    return `job ${job.id}`;
  }
}

export async function runWorker(settings: WorkerSettings, log: (line: string) => void): Promise<'closed' | 'without-queue'> {
  const store = resolve(settings.store);
  // Redis first: a worker that cannot reach its queue leaves no store folder behind.
  await requireRedis(settings.redis);
  ensureWritableDir(store, '--store');
  const connection = connectionOptions(settings.redis);
  const name = `${hostname()}:${process.pid}`;
  let shuttingDown = false;
  /** The runs under way in this worker, by job id (a stop waits for them to checkpoint): what stops each, and
   *  whether its job's lock was lost. */
  const runs = new Map<string, { readonly controller: AbortController; lost: boolean }>();

  const processor = async (job: Job, token?: string, signal?: AbortSignal): Promise<unknown> => {
    const payload = parsePayload(job.data);
    const { hash } = jobFor(payload);
    const folder = join(store, ...kindOf(payload).folder(payload, hash));
    const label = describeJob(payload);
    const controller = new AbortController();
    // BullMQ aborts `signal` when this worker cancels its jobs (on SIGTERM); a job taken just then stops too.
    if (shuttingDown || signal?.aborted) controller.abort();
    signal?.addEventListener('abort', () => controller.abort(), { once: true });
    const run = { controller, lost: false };
    runs.set(job.id!, run);
    const outcome = await runInThread(
      { payload, folder, store, backend: settings.backend, native: settings.native, command: `dgr worker (job ${job.id} of queue ${settings.queue})`, label },
      (progress) => {
        job.updateProgress(progress as object).catch((error: Error) => log(`${label}: progress not recorded: ${error.message}`));
      },
      controller.signal,
    ).finally(() => runs.delete(job.id!));
    if (run.lost) {
      // The queue took the job back when its lock lapsed; another worker may run it now. Tell the queue nothing.
      const where = outcome.type === 'done' ? 'finished before it could stop, its results' : 'stopped with its checkpoint';
      log(`${label}: ${where} in ${folder}; the queue hands the job on, to go on from there`);
      throw new WaitingError();
    }
    if (outcome.type === 'stopped') {
      // Back to the queue, not failed: the next worker resumes from the checkpoint the run just wrote.
      if (!(await within(job.moveToWait(token), QUEUE_GRACE_MS))) {
        log(
          `${label}: stopped with its checkpoint in ${folder}, but the queue could not be told (Redis at ${shownUrl(settings.redis)} does not answer): ` +
            'once its lock expires the job is retried, resuming from that checkpoint',
        );
        unreachable = true;
      } else log(`${label}: stopped after a task's checkpoint and returned to the queue`);
      throw new WaitingError();
    }
    return outcome.result;
  };

  const worker = new Worker(settings.queue, processor, {
    connection,
    concurrency: settings.concurrency,
    name,
    lockDuration: settings.lockSeconds * 1000,
    stalledInterval: settings.lockSeconds * 1000,
    maxStalledCount: MAX_STALLED,
    autorun: false,
  });
  worker.on('active', (job) => log(`${labelOf(job)}: started (job ${job.id})`));
  worker.on('completed', (job, result: unknown) => {
    const kind = kindOf(parsePayload(job.data));
    log(`${labelOf(job)}: done, ${kind.summary(result)} in ${kind.seconds(result).toFixed(0)} s`);
  });
  worker.on('failed', (job, error) => log(`${job ? labelOf(job) : 'a job'}: failed: ${error.message}`));
  // This worker's process was starved (or stopped) past the lock's lifetime: the job is no longer its own. Its run
  // stops at its next checkpoint; the worker that takes the job waits for it there (runner/seed-folders.ts).
  worker.on('lockRenewalFailed', (jobIds) => {
    for (const jobId of jobIds) {
      const run = runs.get(jobId);
      if (!run || run.lost) continue;
      run.lost = true;
      run.controller.abort();
      log(`job ${jobId}: its lock lapsed (this worker was starved or stopped for over ${settings.lockSeconds} s): stopping its run at its next checkpoint; the queue hands the job on`);
    }
  });
  worker.on('stalled', (jobId) => log(`job ${jobId}: its worker stopped renewing its lock; back in the queue, to resume from its checkpoint`));
  // Lost connections and the like: BullMQ reconnects and carries on; say so rather than crash.
  worker.on('error', (error) => log(`worker: ${error.message}`));

  /** Set when Redis did not answer a stopping worker: it leaves without telling the queue. */
  let unreachable = false;
  const closing: { promise: Promise<void> | null } = { promise: null };
  const close = (why: string): Promise<void> => {
    if (closing.promise) return closing.promise;
    shuttingDown = true;
    log(why);
    worker.cancelAllJobs('the worker is shutting down');
    const closed = worker.close();
    closing.promise = (async () => {
      // The runs under way checkpoint first (a run's stop does not need Redis); then Redis has a grace to answer.
      while (runs.size > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      if (!(await within(closed, QUEUE_GRACE_MS))) {
        unreachable = true;
        log(`worker: Redis at ${shownUrl(settings.redis)} does not answer: exiting without it (no run is left under way here)`);
      }
    })();
    return closing.promise;
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (closing.promise) {
      // Asked twice: leave now, as a killed worker would; the runs are retried from their last checkpoints.
      log(`${signal} again: exiting now; the running jobs resume from their last checkpoints on another worker`);
      process.exit(1);
    }
    const plan = runs.size > 0 ? 'finishing the running tasks, then returning their jobs to the queue' : 'no run under way here: leaving the queue';
    void close(`${signal}: ${plan} (${signal} again to exit now)`);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  let doneCheck: NodeJS.Timeout | null = null;
  const queue = new Queue(settings.queue, { connection });
  if (settings.exitWhenDone) {
    doneCheck = setInterval(() => {
      if (closing.promise) return;
      queue
        .getJobCounts('waiting', 'active', 'delayed', 'prioritized')
        .then((counts) => {
          if (Object.values(counts).every((n) => n === 0)) void close('the queue is empty: exiting');
        })
        .catch((error: Error) => log(`worker: ${error.message}`));
    }, DONE_CHECK_MS);
  }

  log(
    `dgr worker ${name}: queue ${settings.queue} at ${shownUrl(settings.redis)}, store ${store}, ${settings.concurrency} run(s) at a time` +
      `${settings.exitWhenDone ? ', exits when the queue is empty' : ''}`,
  );
  try {
    for (const job of await reclaimAbandoned(queue, settings.redis, settings.lockSeconds * 1000)) {
      log(`${labelOf(job)}: its worker is gone (lock lapsed); back at the front of the queue, to resume from its checkpoint`);
    }
    // worker.run() ends when the worker closes, or never when Redis is gone: then the close's grace ends it.
    const ran = worker.run();
    ran.catch(() => {});
    await Promise.race([ran, until(() => closing.promise).then(() => closing.promise)]);
    if (closing.promise) await closing.promise;
    if (!unreachable) await ran;
  } finally {
    if (doneCheck) clearInterval(doneCheck);
    if (!unreachable) await queue.close();
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
  return unreachable ? 'without-queue' : 'closed';
}

/** Resolves once `get` returns something (polled): the close a signal starts. */
async function until(get: () => unknown): Promise<void> {
  while (!get()) await new Promise((resolve) => setTimeout(resolve, 100));
}
