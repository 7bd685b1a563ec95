/**
 * Redis connections for the two roles BullMQ distinguishes. Producers (CLI, bot) must fail fast so
 * the user hears "the queue is down" instead of waiting; workers must wait out Redis restarts.
 */
import { Redis } from 'ioredis';
import type { JobsConfig } from './config.ts';
import { JobsError } from './jobs-error.ts';

export type Log = (line: string) => void;

function where(url: string): string {
  const { hostname, port } = new URL(url);
  return `${hostname}:${port || '6379'}`;
}

/** Connects a producer connection or throws QUEUE_DOWN within `timeoutMs`. */
export async function openProducerConnection(
  jobsConfig: Pick<JobsConfig, 'redisUrl'>,
  { timeoutMs = 2000 }: { timeoutMs?: number } = {},
): Promise<Redis> {
  const redis = new Redis(jobsConfig.redisUrl, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: timeoutMs,
    // Once connected, keep reconnecting in the background (the bot is long-lived); the first connect
    // is bounded by the timeout below.
    retryStrategy: (times) => Math.min(times * 250, 2000),
  });
  // ioredis emits 'error' on every failed reconnect; without a listener Node would crash the process.
  redis.on('error', () => {});
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return redis;
  } catch (cause) {
    redis.disconnect();
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new JobsError(
      'QUEUE_DOWN',
      `the job queue is down: cannot reach Redis at ${where(jobsConfig.redisUrl)} (${reason})`,
      {
        cause,
      },
    );
  } finally {
    clearTimeout(timer);
  }
}

/** A worker connection: BullMQ requires maxRetriesPerRequest null for its blocking commands. */
export function openWorkerConnection(jobsConfig: Pick<JobsConfig, 'redisUrl'>): Redis {
  return new Redis(jobsConfig.redisUrl, { maxRetriesPerRequest: null });
}

/**
 * BullMQ loses jobs if Redis evicts keys under memory pressure. Managed Redis services often refuse
 * CONFIG, in which case the operator is told to check it themselves.
 */
export async function warnIfEvicting(redis: Redis, log: Log): Promise<void> {
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as unknown;
    const policy = Array.isArray(reply) ? String(reply[1] ?? '') : '';
    if (policy && policy !== 'noeviction') {
      log(`warning: Redis maxmemory-policy is ${policy}; BullMQ needs noeviction or jobs may vanish`);
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    log(`warning: could not read Redis maxmemory-policy (${reason}); make sure it is noeviction`);
  }
}
