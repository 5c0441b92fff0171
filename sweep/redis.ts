/**
 * Where the sweep's queue lives: a Redis server named by URL. Every command first checks that the server answers,
 * once and within seconds, and names the URL when it does not: left to itself ioredis retries a connection
 * forever, and a worker started against a wrong address would sit silent.
 */
import { Redis } from 'ioredis';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_QUEUE = 'dgr';

/** How long the first contact may take before the command gives up. */
const CONNECT_TIMEOUT_MS = 5000;

/** Connection options for BullMQ queues and workers (BullMQ wants no per-request retry limit on them). */
export function connectionOptions(url: string): { url: string; maxRetriesPerRequest: null } {
  return { url, maxRetriesPerRequest: null };
}

/** The URL as it may be shown (logs, messages): without its password. */
export function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

/** Fails, naming the URL, unless a Redis server answers there. */
export async function requireRedis(url: string): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`--redis ${url}: not a URL (expected redis://host:port, or rediss:// for TLS)`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new Error(`--redis ${shownUrl(url)}: expected a redis:// or rediss:// URL`);
  }
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    // One attempt: the command fails now rather than retrying in silence.
    retryStrategy: () => null,
  });
  // The socket's error says why (connect() itself rejects with "Connection is closed"); a listener also keeps
  // ioredis from logging it.
  let cause: Error | null = null;
  client.on('error', (error: Error) => {
    cause ??= error;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    const why = (cause as Error | null) ?? (error as Error);
    throw new Error(`cannot reach Redis at ${shownUrl(url)}: ${why.message || String(why)}`);
  } finally {
    client.disconnect();
  }
}
