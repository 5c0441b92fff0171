/** A sweep's jobs as they stand in the queue: the spec's (by id) or every job the queue holds. */
import { Queue, type Job } from 'bullmq';
import { lockKey } from './reclaim.ts';
import { connectionOptions, requireRedis } from './redis.ts';

/** Where a run stands; BullMQ's waiting-like states count as waiting. */
export type RunState = 'waiting' | 'active' | 'done' | 'failed' | 'not queued';

export interface ListedJob {
  readonly id: string;
  readonly state: RunState;
  /** Null for a spec's job the queue does not hold. */
  readonly job: Job | null;
  /** An active job no worker holds: its lock has lapsed (its worker was killed, or its machine stopped). */
  readonly abandoned: boolean;
}

function stateOf(state: string): RunState {
  switch (state) {
    case 'active':
      return 'active';
    case 'completed':
      return 'done';
    case 'failed':
      return 'failed';
    case 'unknown':
      return 'not queued';
    default:
      // waiting, prioritized, delayed, paused, waiting-children: not started yet.
      return 'waiting';
  }
}

/** The jobs with these ids (in order), or all of the queue's when `ids` is undefined. */
export async function listJobs(url: string, queueName: string, ids: readonly string[] | undefined): Promise<ListedJob[]> {
  await requireRedis(url);
  const queue = new Queue(queueName, { connection: connectionOptions(url) });
  try {
    const jobs: (Job | null)[] = ids
      ? await Promise.all(ids.map(async (id) => (await queue.getJob(id)) ?? null))
      : ((await queue.getJobs(['active', 'waiting', 'prioritized', 'delayed', 'completed', 'failed'])) as Job[]);
    const client = await queue.getBackend().client;
    const listed = await Promise.all(
      jobs.map(async (job, k) => {
        const state = stateOf(job ? await job.getState() : 'unknown');
        const abandoned = state === 'active' && (await client.get(lockKey(queue, job!.id!))) === null;
        return { id: job?.id ?? ids![k], state, job, abandoned };
      }),
    );
    // A spec's jobs in the spec's order; a whole queue's in the order they were added.
    return ids ? listed : listed.sort((a, b) => (a.job?.timestamp ?? 0) - (b.job?.timestamp ?? 0) || a.id.localeCompare(b.id));
  } finally {
    await queue.close();
  }
}
