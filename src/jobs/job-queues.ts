/**
 * The two queues (compute and publish) on one producer connection, with the retry and retention
 * defaults every job gets.
 */
import { type DefaultJobOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { JobsConfig } from './config.ts';
import { COMPUTE_QUEUE, type JobName, PUBLISH_QUEUE, queueOf } from './contracts.ts';
import { emailLookupKey, readLookupSecret } from './lookup-key.ts';
import { isConnectionError, openProducerConnection } from './redis-connection.ts';

const DAY_SECONDS = 24 * 60 * 60;

/** Transient failures (Redis hiccup, Slack 5xx/429) retry 5 s, 10 s, 20 s; finished jobs are capped. */
export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 4,
  backoff: { type: 'exponential', delay: 5000 },
  removeOnComplete: { age: 7 * DAY_SECONDS, count: 1000 },
  removeOnFail: { age: 30 * DAY_SECONDS, count: 1000 },
};

export class JobQueues {
  private constructor(
    readonly jobsConfig: JobsConfig,
    readonly redis: Redis,
    readonly compute: Queue,
    readonly publish: Queue,
    private readonly ownsRedis: boolean,
  ) {}

  /** Opens a producer: throws QUEUE_DOWN quickly when Redis cannot be reached. */
  static async open(jobsConfig: JobsConfig, options: { timeoutMs?: number } = {}): Promise<JobQueues> {
    const redis = await openProducerConnection(jobsConfig, options);
    return JobQueues.on(jobsConfig, redis, true);
  }

  /** Queues on an existing connection (the worker's), which the caller keeps owning. */
  static on(jobsConfig: JobsConfig, redis: Redis, ownsRedis = false): JobQueues {
    const options = {
      connection: redis,
      prefix: jobsConfig.queuePrefix,
      defaultJobOptions: DEFAULT_JOB_OPTIONS,
    };
    const [compute, publish] = [new Queue(COMPUTE_QUEUE, options), new Queue(PUBLISH_QUEUE, options)];
    for (const queue of [compute, publish]) {
      // Without a listener BullMQ prints every reconnect failure with its stack; the connection's
      // owner reports those (QUEUE_DOWN for producers, one line for the worker).
      queue.on('error', (error) => {
        if (!isConnectionError(error)) console.error(`queue error (${queue.name}): ${error.message}`);
      });
    }
    return new JobQueues(jobsConfig, redis, compute, publish, ownsRedis);
  }

  queueFor(name: JobName): Queue {
    return queueOf(name) === COMPUTE_QUEUE ? this.compute : this.publish;
  }

  /** The email lookup key of `email` (lookup-key.ts), with the secret the worker uses too. */
  async emailLookupKey(email: string): Promise<string> {
    return emailLookupKey(await readLookupSecret(this.redis, this.jobsConfig), email);
  }

  /** True when Redis answers a PING within `timeoutMs` (the bot's /readyz); never throws. */
  async reachable(timeoutMs = 1000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      const ping = this.redis.ping().then(
        (reply) => reply === 'PONG',
        () => false,
      );
      return await Promise.race([ping, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.compute.close(), this.publish.close()]);
    if (this.ownsRedis) await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** Opens the queues, runs `use`, and always closes them: for one-shot CLI commands. */
export async function withJobQueues<T>(
  jobsConfig: JobsConfig,
  use: (queues: JobQueues) => Promise<T>,
): Promise<T> {
  const queues = await JobQueues.open(jobsConfig);
  try {
    return await use(queues);
  } finally {
    await queues.close();
  }
}
