/** Schedules are upserted at every worker start: restarts never add duplicate schedulers or jobs. */
import { afterAll, describe, expect, test } from 'vitest';
import { JobQueues } from '../../src/jobs/job-queues.ts';
import { startWorker } from '../../src/jobs/job-worker.ts';
import { upsertSchedules } from '../../src/jobs/schedules.ts';
import { removeTempDirs, tempDir } from '../helpers/fs.ts';
import { deleteKeys, quietLog, testConfig, testJobsConfig, uniquePrefix } from './redis-kit.ts';

const prefixes: string[] = [];

afterAll(async () => {
  for (const prefix of prefixes) await deleteKeys(prefix);
  removeTempDirs();
});

function settings(extra: Record<string, string> = {}) {
  const prefix = uniquePrefix('schedules');
  prefixes.push(prefix);
  return testJobsConfig(
    prefix,
    { dataDir: tempDir(), outDir: tempDir() },
    { LUMEN_DIGEST_CHANNEL: 'CDIGEST', ...extra },
  );
}

describe('schedules', () => {
  test('three worker restarts leave one digest and one refresh scheduler with one pending job each', async () => {
    const jobsConfig = settings({ LUMEN_REFRESH_CRON: '0 2 * * *', LUMEN_TZ: 'Europe/Berlin' });
    for (let start = 0; start < 3; start++) {
      const worker = await startWorker(testConfig(), jobsConfig, null, { log: quietLog });
      await worker.close();
    }
    const queues = await JobQueues.open(jobsConfig);
    try {
      expect(await queues.publish.getJobSchedulersCount()).toBe(1);
      expect(await queues.compute.getJobSchedulersCount()).toBe(1);
      expect(await queues.publish.getDelayedCount()).toBe(1);
      expect(await queues.compute.getDelayedCount()).toBe(1);
      const digest = await queues.publish.getJobScheduler('weekly-digest');
      expect(digest).toMatchObject({ pattern: '0 8 * * 1', tz: 'Europe/Berlin' });
      // Monday 08:00 in Berlin is 06:00 or 07:00 UTC.
      const next = new Date(digest?.next ?? 0);
      expect(next.getUTCDay()).toBe(1);
      expect([6, 7]).toContain(next.getUTCHours());
    } finally {
      await queues.close();
    }
  });

  test('upserting twice keeps one scheduler; dropping LUMEN_REFRESH_CRON removes the refresh schedule', async () => {
    const withRefresh = settings({ LUMEN_REFRESH_CRON: '30 1 * * *' });
    const queues = await JobQueues.open(withRefresh);
    try {
      await upsertSchedules(queues);
      const times = await upsertSchedules(queues);
      expect(times.digestNextAt).not.toBeNull();
      expect(times.refreshNextAt).not.toBeNull();
      expect(await queues.compute.getJobSchedulersCount()).toBe(1);
      expect(await queues.publish.getJobSchedulersCount()).toBe(1);

      const without = await upsertSchedules(queues, { ...withRefresh, refreshCron: null });
      expect(without.refreshNextAt).toBeNull();
      expect(await queues.compute.getJobSchedulersCount()).toBe(0);

      // No digest channel: no digest schedule, and the pending digest job goes with it.
      const noDigest = await upsertSchedules(queues, {
        ...withRefresh,
        refreshCron: null,
        digestChannel: null,
      });
      expect(noDigest.digestNextAt).toBeNull();
      expect(await queues.publish.getJobSchedulersCount()).toBe(0);
      expect(await queues.publish.getDelayedCount()).toBe(0);
    } finally {
      await queues.close();
    }
  });
});
