/**
 * Runs whose worker is gone (its machine stopped, the worker killed), put back at the front of the queue by a
 * worker as it starts. BullMQ finds such a run with its stalled-job check, which needs two passes a lock's
 * lifetime apart; a starting worker takes a waiting run before that, and at one run at a time keeps it for hours
 * while the half-done run sits in 'active' (on 2026-12-07 two fresh seeds of the protocol started ahead of two
 * seeds left 90 % done by the previous session's end). Reclaimed first, a run resumes from its checkpoint before
 * any run starts afresh.
 */
import { randomUUID } from 'node:crypto';
import type { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';

/** The Redis key of a job's lock, as BullMQ lays out its keys: present while a live worker holds the job. */
export const lockKey = (queue: Queue, jobId: string): string => `${queue.toKey(jobId)}:lock`;

/**
 * Moves every active job whose lock has lapsed to the front of the waiting list, and returns them. Taking the
 * job's lock first (SET NX) makes this safe beside live workers: a job whose worker is alive holds its lock, and
 * of two workers starting at once only one moves a job. Not counted as a stall (BullMQ's `stc`): a machine's stop
 * is no fault of the run's, and a protocol's seed outlives several sessions' ends.
 */
export async function reclaimAbandoned(queue: Queue, redisUrl: string, lockMs: number): Promise<Job[]> {
  // BullMQ's client offers no SET NX: a connection of our own, for the lock only.
  const client = new Redis(redisUrl, { maxRetriesPerRequest: null });
  try {
    const reclaimed: Job[] = [];
    for (const job of await queue.getJobs(['active'])) {
      if (!job.id) continue;
      const token = `reclaim:${randomUUID()}`;
      if ((await client.set(lockKey(queue, job.id), token, 'PX', lockMs, 'NX')) !== 'OK') continue;
      await job.moveToWait(token);
      reclaimed.push(job);
    }
    return reclaimed;
  } finally {
    client.disconnect();
  }
}
