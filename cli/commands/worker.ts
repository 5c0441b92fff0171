/**
 * `dgr worker`: runs a sweep's jobs (sweep/worker.ts). Start one on every machine that reaches the Redis server
 * and the shared store; each takes jobs until stopped (or, with --exit-when-done, until the queue is empty).
 */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import type { BackendRequest } from '../../core/engine/backend-names.ts';
import { DEFAULT_QUEUE, DEFAULT_REDIS_URL } from '../../sweep/redis.ts';
import { runWorker } from '../../sweep/worker.ts';
import { backendOption, intOption, nativeOption, nativeWanted } from '../options.ts';

interface WorkerOptions {
  redis: string;
  queue: string;
  store: string;
  concurrency: number;
  backend: BackendRequest;
  native: boolean;
  lockSeconds: number;
  exitWhenDone?: boolean;
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description("run a sweep's jobs (`dgr sweep`): each run as `dgr experiment` or `dgr rl` runs it, into the store; a killed worker's run resumes on another from its checkpoint")
    .requiredOption('--store <dir>', "where runs' folders go: a path every worker sees (e.g. NFS); a retried run resumes from its checkpoint there")
    .option('--redis <url>', 'the Redis server that holds the queue', DEFAULT_REDIS_URL)
    .option('--queue <name>', 'the queue to take jobs from', DEFAULT_QUEUE)
    .option('--concurrency <n>', 'runs at once, one per core by default', intOption('--concurrency', 1, 1024), availableParallelism())
    .addOption(backendOption())
    .addOption(nativeOption())
    .option(
      '--lock-seconds <n>',
      "a running job's lock lasts this long unrenewed: a dead worker's job is retried this long after its death (BullMQ lockDuration and stalledInterval)",
      intOption('--lock-seconds', 1, 3600),
      30,
    )
    .option('--exit-when-done', 'exit once no job is waiting or running (for Slurm job arrays, Kubernetes Jobs)')
    .action(async (opts: WorkerOptions) => {
      const ended = await runWorker(
        { ...opts, native: nativeWanted(opts.native), exitWhenDone: opts.exitWhenDone ?? false },
        (line) => process.stderr.write(`${line}\n`),
      );
      // Its connections to a Redis that is gone would keep retrying, and the process alive, for ever.
      if (ended === 'without-queue') process.exit(0);
    });
}
