/**
 * Repeating jobs. upsertJobScheduler is keyed by scheduler id, so running this at every worker start
 * updates the schedules in place: restarts never add duplicates (unlike the old `repeat` option).
 */
import type { JobsConfig } from './config.ts';
import type { JobDataMap } from './contracts.ts';
import { DEFAULT_JOB_OPTIONS, type JobQueues } from './job-queues.ts';

export const DIGEST_SCHEDULER = 'weekly-digest';
export const REFRESH_SCHEDULER = 'scheduled-refresh';

export interface ScheduleTimes {
  readonly digestNextAt: string | null;
  readonly refreshNextAt: string | null;
}

function at(ms: number | undefined | null): string | null {
  return ms ? new Date(ms).toISOString() : null;
}

export async function upsertSchedules(
  queues: JobQueues,
  jobsConfig: JobsConfig = queues.jobsConfig,
): Promise<ScheduleTimes> {
  if (jobsConfig.digestChannel) {
    const digest: JobDataMap['weekly-digest'] = {
      outDir: jobsConfig.outDir,
      channel: jobsConfig.digestChannel,
    };
    await queues.publish.upsertJobScheduler(
      DIGEST_SCHEDULER,
      { pattern: jobsConfig.digestCron, tz: jobsConfig.tz },
      { name: 'weekly-digest', data: digest, opts: DEFAULT_JOB_OPTIONS },
    );
  } else {
    // No digest channel (LUMEN_DIGEST_CHANNEL unset since the last start): no digest schedule.
    await queues.publish.removeJobScheduler(DIGEST_SCHEDULER);
  }
  if (jobsConfig.refreshCron) {
    const refresh: JobDataMap['refresh'] = {
      trigger: 'schedule',
      dataDir: jobsConfig.dataDir,
      outDir: jobsConfig.outDir,
      asOf: null,
      forceTrain: false,
      timeoutMs: jobsConfig.jobTimeoutMs,
    };
    await queues.compute.upsertJobScheduler(
      REFRESH_SCHEDULER,
      { pattern: jobsConfig.refreshCron, tz: jobsConfig.tz },
      { name: 'refresh', data: refresh, opts: DEFAULT_JOB_OPTIONS },
    );
  } else {
    // LUMEN_REFRESH_CRON was unset since the last start: stop the old schedule.
    await queues.compute.removeJobScheduler(REFRESH_SCHEDULER);
  }
  return scheduleTimes(queues);
}

export async function scheduleTimes(queues: JobQueues): Promise<ScheduleTimes> {
  const [digest, refresh] = await Promise.all([
    queues.publish.getJobScheduler(DIGEST_SCHEDULER),
    queues.compute.getJobScheduler(REFRESH_SCHEDULER),
  ]);
  return { digestNextAt: at(digest?.next), refreshNextAt: at(refresh?.next) };
}
