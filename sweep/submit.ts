/**
 * `dgr sweep <spec>`: the spec's jobs into the queue. A job whose id the queue already holds (waiting, running or
 * done) is left as it is; a failed one is retried (resuming from its checkpoint); only the others are added.
 */
import { Queue } from 'bullmq';
import type { SweepJob } from './jobs.ts';
import { connectionOptions, requireRedis } from './redis.ts';

export interface Submitted {
  readonly added: number;
  readonly retried: number;
  /** Already waiting, running or done. */
  readonly kept: number;
}

export async function submitJobs(url: string, queueName: string, jobs: readonly SweepJob[]): Promise<Submitted> {
  await requireRedis(url);
  const queue = new Queue(queueName, { connection: connectionOptions(url) });
  try {
    const fresh: SweepJob[] = [];
    let retried = 0;
    for (const job of jobs) {
      const state = await queue.getJobState(job.id);
      if (state === 'unknown') fresh.push(job);
      else if (state === 'failed') {
        const existing = await queue.getJob(job.id);
        await existing?.retry('failed');
        retried++;
      }
    }
    // Added with their ids: should another `dgr sweep` add one of them meanwhile, BullMQ keeps a single job.
    await queue.addBulk(fresh.map((job) => ({ name: job.data.kind, data: job.data, opts: { jobId: job.id } })));
    return { added: fresh.length, retried, kept: jobs.length - fresh.length - retried };
  } finally {
    await queue.close();
  }
}
