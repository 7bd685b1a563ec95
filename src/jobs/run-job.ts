/**
 * Dispatches a job to its processor under the working time limit. On timeout the job fails with
 * JOB_TIMEOUT and no retry (a run that overran once will overrun again), and the processor's
 * signal is aborted so a run still going cannot switch OUT/latest afterwards.
 */

import { LumenError } from '../errors.ts';
import type { JobContext, JobName, JobResultMap } from './contracts.ts';
import type { ProcessorContext } from './processor-context.ts';
import { processLearnerProfile } from './processors/learner-profile.ts';
import { processPostAtRisk } from './processors/post-at-risk.ts';
import { processPostChart } from './processors/post-chart.ts';
import { processPostModelCard } from './processors/post-model-card.ts';
import { processRecordFeedback } from './processors/record-feedback.ts';
import { processRefresh } from './processors/refresh.ts';
import { processTrainModel } from './processors/train-model.ts';
import { processWeeklyDigest } from './processors/weekly-digest.ts';
import { unrecoverable } from './unrecoverable.ts';

type Processors = {
  [N in JobName]: (job: JobContext<N>, context: ProcessorContext) => Promise<JobResultMap[N]>;
};

const PROCESSORS: Processors = {
  refresh: processRefresh,
  'train-model': processTrainModel,
  'learner-profile': processLearnerProfile,
  'post-at-risk': processPostAtRisk,
  'post-chart': processPostChart,
  'post-model-card': processPostModelCard,
  'weekly-digest': processWeeklyDigest,
  'record-feedback': processRecordFeedback,
};

/** How long a timed-out processor gets to record its failure before the job is failed. */
const TIMEOUT_GRACE_MS = 1000;

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(PROCESSORS, name);
}

function timeoutOf(job: JobContext<JobName>, fallbackMs: number): number {
  const data = job.data as { timeoutMs?: unknown };
  return typeof data.timeoutMs === 'number' && data.timeoutMs > 0 ? data.timeoutMs : fallbackMs;
}

export async function runJob<N extends JobName>(
  job: JobContext<N>,
  context: Omit<ProcessorContext, 'signal'> & { signal?: AbortSignal },
): Promise<JobResultMap[N]> {
  const processor = PROCESSORS[job.name] as (
    job: JobContext<N>,
    context: ProcessorContext,
  ) => Promise<JobResultMap[N]>;
  if (!processor) throw unrecoverable('UNKNOWN_JOB', `unknown job ${job.name}`);
  const limitMs = timeoutOf(job, context.jobsConfig.jobTimeoutMs);
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(context.signal?.reason ?? 'cancelled');
  context.signal?.addEventListener('abort', onOuterAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const work = processor(job, { ...context, signal: controller.signal });
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const message = `${job.name} job ${job.id} timed out after ${Math.round(limitMs / 1000)} s (LUMEN_JOB_TIMEOUT)`;
      controller.abort(message);
      // Give the processor a moment to react to the abort (a refresh records the failed run).
      const settled = work.then(
        () => {},
        () => {},
      );
      const grace = new Promise((resolve) => setTimeout(resolve, TIMEOUT_GRACE_MS));
      void Promise.race([settled, grace]).then(() => reject(unrecoverable('JOB_TIMEOUT', message)));
    }, limitMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } catch (error) {
    // Lumen errors (a missing chart, no run yet, bad input) will not heal on retry.
    if (error instanceof LumenError) throw unrecoverable(error.code, error.message);
    throw error;
  } finally {
    clearTimeout(timer);
    context.signal?.removeEventListener('abort', onOuterAbort);
  }
}
