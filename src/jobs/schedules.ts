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

/** The scheduler of one course's digest (LUMEN_CONFIG): one per course, keyed by course id. */
export function courseDigestScheduler(courseId: string): string {
  return `${DIGEST_SCHEDULER}:course:${courseId}`;
}

export async function upsertSchedules(
  queues: JobQueues,
  jobsConfig: JobsConfig = queues.jobsConfig,
): Promise<ScheduleTimes> {
  const every = { pattern: jobsConfig.digestCron, tz: jobsConfig.tz };
  if (jobsConfig.digestChannel) {
    // The programme digest: every learner, to the programme's digest channel.
    const digest: JobDataMap['weekly-digest'] = {
      outDir: jobsConfig.outDir,
      channel: jobsConfig.digestChannel,
      scope: null,
    };
    await queues.publish.upsertJobScheduler(DIGEST_SCHEDULER, every, {
      name: 'weekly-digest',
      data: digest,
      opts: DEFAULT_JOB_OPTIONS,
    });
  } else {
    // No digest channel (LUMEN_DIGEST_CHANNEL unset since the last start): no digest schedule.
    await queues.publish.removeJobScheduler(DIGEST_SCHEDULER);
  }
  // Each course with a digest channel gets its own digest of its own learners, at the same time.
  const wanted = new Set<string>();
  for (const course of jobsConfig.access.courses.values()) {
    if (course.digestChannel === null) continue;
    const id = courseDigestScheduler(course.courseId);
    wanted.add(id);
    const digest: JobDataMap['weekly-digest'] = {
      outDir: jobsConfig.outDir,
      channel: course.digestChannel,
      scope: [course.courseId],
    };
    await queues.publish.upsertJobScheduler(id, every, {
      name: 'weekly-digest',
      data: digest,
      opts: DEFAULT_JOB_OPTIONS,
    });
  }
  // Courses removed from the file (or their digest turned off) since the last start.
  for (const scheduler of await queues.publish.getJobSchedulers(0, -1)) {
    const id = scheduler.key;
    if (id.startsWith(`${DIGEST_SCHEDULER}:course:`) && !wanted.has(id))
      await queues.publish.removeJobScheduler(id);
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
