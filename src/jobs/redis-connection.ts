/**
 * Redis connections for the two roles BullMQ distinguishes. Producers (CLI, bot) must fail fast so
 * the user hears "the queue is down" instead of waiting; workers must wait out Redis restarts.
 */
import { Redis } from 'ioredis';
import type { JobsConfig } from './config.ts';
import { JobsError } from './jobs-error.ts';

export type Log = (line: string) => void;

export function where(url: string): string {
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
    // ioredis waits this long for a socket to close after disconnect(); a socket that never opened
    // (ECONNREFUSED) never closes again, so its default 2 s kept `lumen status` alive 2 s after
    // printing that Redis is down (and 2 s more after a silent server).
    disconnectTimeout: 100,
    // Once connected, keep reconnecting in the background (the bot is long-lived); the first connect
    // is bounded by the timeout below.
    retryStrategy: (times) => Math.min(times * 250, 2000),
  });
  // ioredis emits 'error' on every failed reconnect; without a listener Node would crash the process.
  // The first one says why the connect failed (connect() itself only says "Connection is closed").
  const seen: { firstError?: Error & { code?: string } } = {};
  redis.on('error', (error: Error & { code?: string }) => {
    seen.firstError ??= error;
  });
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
    const reason = seen.firstError?.code ?? (cause instanceof Error ? cause.message : String(cause));
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

/** Delay before reconnect attempt `times` (1, 2, ...): 0.5 s doubling to at most 10 s. */
export function reconnectDelay(times: number): number {
  return Math.min(500 * 2 ** Math.min(times - 1, 5), 10_000);
}

/** Connection failures ioredis reports on every reconnect attempt; anything else is worth a line. */
export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (
    typeof code === 'string' &&
    /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EPIPE)$/.test(code)
  )
    return true;
  const message = error instanceof Error ? error.message : String(error);
  return /Connection is closed|connect ETIMEDOUT|getaddrinfo|ECONNREFUSED|ECONNRESET/.test(message);
}

/**
 * A worker connection: BullMQ requires maxRetriesPerRequest null for its blocking commands; it
 * reconnects with backoff for ever (Redis restarts are waited out) and says so in one line each way:
 * "cannot reach Redis ..." once when the connection is lost or never came up, "connected to Redis
 * ..." once it is (back) up. ioredis would otherwise print an ECONNREFUSED stack on every attempt.
 */
export function openWorkerConnection(jobsConfig: Pick<JobsConfig, 'redisUrl'>, log: Log = () => {}): Redis {
  const redis = new Redis(jobsConfig.redisUrl, {
    maxRetriesPerRequest: null,
    retryStrategy: reconnectDelay,
  });
  const at = where(jobsConfig.redisUrl);
  let state: 'starting' | 'up' | 'down' = 'starting';
  const down = (reason: string) => {
    if (state === 'down') return;
    state = 'down';
    log(`cannot reach Redis at ${at} (${reason}); retrying in the background (every 0.5-10 s)`);
  };
  redis.on('error', (error: Error & { code?: string }) => down(error.code ?? error.message));
  redis.on('close', () => {
    if (state === 'up') down('connection lost');
  });
  redis.on('ready', () => {
    if (state === 'up') return;
    state = 'up';
    log(`connected to Redis at ${at}`);
  });
  return redis;
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
