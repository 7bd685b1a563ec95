/** Producers fail fast with a readable error when Redis is down; settings errors name the variable. */
import type { Redis } from 'ioredis';
import { describe, expect, test } from 'vitest';
import { readJobsConfig } from '../../src/jobs/config.ts';
import { JobQueues } from '../../src/jobs/job-queues.ts';
import { JobsError } from '../../src/jobs/jobs-error.ts';
import { queueStatus } from '../../src/jobs/queue-status.ts';
import { warnIfEvicting } from '../../src/jobs/redis-connection.ts';
import { closedPort } from '../helpers/redis-proxy.ts';

describe('queue down', () => {
  test('opening a producer against a closed port throws QUEUE_DOWN within two seconds', async () => {
    const jobsConfig = readJobsConfig({ REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
    const started = performance.now();
    const error = await JobQueues.open(jobsConfig).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(error).toBeInstanceOf(JobsError);
    expect((error as JobsError).code).toBe('QUEUE_DOWN');
    expect((error as JobsError).message).toMatch(
      /^the job queue is down: cannot reach Redis at 127\.0\.0\.1:\d+/,
    );
    expect((error as JobsError).message).not.toContain('\n');
  });

  test('lumen status fails the same way', async () => {
    const jobsConfig = readJobsConfig({ REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
    await expect(queueStatus(jobsConfig)).rejects.toMatchObject({ code: 'QUEUE_DOWN' });
  });
});

describe('jobs settings', () => {
  test('defaults', () => {
    const config = readJobsConfig({});
    expect(config).toMatchObject({
      redisUrl: 'redis://127.0.0.1:6379',
      queuePrefix: 'lumen',
      jobTimeoutMs: 1_800_000,
      digestCron: '0 8 * * 1',
      refreshCron: null,
      tz: 'UTC',
      concurrency: 1,
    });
  });

  test.each([
    ['REDIS_URL', 'http://localhost', /^REDIS_URL=http:\/\/localhost must start with redis:\/\//],
    ['LUMEN_JOB_TIMEOUT', '-5', /^LUMEN_JOB_TIMEOUT=-5 is not a positive integer$/],
    ['LUMEN_WORKER_CONCURRENCY', 'two', /^LUMEN_WORKER_CONCURRENCY=two /],
    ['LUMEN_DIGEST_CRON', 'every monday', /^LUMEN_DIGEST_CRON=every monday is not a cron pattern/],
    ['LUMEN_TZ', 'Mars/Olympus', /^LUMEN_TZ=Mars\/Olympus is not a known IANA time zone$/],
    ['LUMEN_QUEUE_PREFIX', 'a:b', /^LUMEN_QUEUE_PREFIX=a:b /],
  ])('%s=%s is refused with a one-line message naming it', (name, value, message) => {
    expect(() => readJobsConfig({ [name]: value })).toThrow(message);
  });
});

describe('maxmemory-policy check', () => {
  const redisAnswering = (config: () => Promise<unknown>) => ({ config }) as unknown as Redis;

  test.each([
    ['noeviction', async () => ['maxmemory-policy', 'noeviction'], []],
    [
      'allkeys-lru',
      async () => ['maxmemory-policy', 'allkeys-lru'],
      ['warning: Redis maxmemory-policy is allkeys-lru; BullMQ needs noeviction or jobs may vanish'],
    ],
    [
      'CONFIG refused',
      async () => {
        throw new Error("ERR unknown command 'CONFIG'");
      },
      [
        "warning: could not read Redis maxmemory-policy (ERR unknown command 'CONFIG'); make sure it is noeviction",
      ],
    ],
  ])('%s', async (_name, config, expected) => {
    const lines: string[] = [];
    await warnIfEvicting(redisAnswering(config), (line) => lines.push(line));
    expect(lines).toEqual(expected);
  });
});
