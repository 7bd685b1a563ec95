/**
 * The processor BullMQ runs in a child process for compute jobs (refresh, train-model, ...). The
 * worker process only renews locks and relays messages, so a long DuckDB query or model fit can
 * never starve lock renewal and get the job reported as stalled.
 */
import type { SandboxedJob } from 'bullmq';
import { Redis } from 'ioredis';
import type { JobContext, JobName, JobResultMap } from './contracts.ts';
import { dueAt } from './due-at.ts';
import { readLookupSecret } from './lookup-key.ts';
import { isJobName, runJob } from './run-job.ts';
import { RunHistory } from './runs/run-history.ts';
import { errorCode } from './unrecoverable.ts';
import { decodeWorkerSettings } from './worker-settings.ts';

// An orphaned child (its worker was killed) must not go on writing a run another worker now owns.
process.on('disconnect', () => process.exit(1));

const settings = decodeWorkerSettings(process.env);
let redis: Redis | null = null;

/** One connection per child, opened on first use; it dies with the child. */
function connection(): Redis {
  redis ??= new Redis(settings.jobsConfig.redisUrl, { maxRetriesPerRequest: 3 });
  return redis;
}

function history(): RunHistory {
  return new RunHistory(connection(), settings.jobsConfig.queuePrefix);
}

export default async function processComputeJob(
  job: SandboxedJob,
  _token?: string,
  signal?: AbortSignal,
): Promise<JobResultMap[JobName]> {
  const name = String(job.name);
  if (!isJobName(name)) throw new Error(`unknown job ${name}`);
  const context: JobContext<JobName> = {
    id: String(job.id),
    name,
    data: job.data,
    timestamp: job.timestamp,
    dueAt: dueAt(job),
    attemptsMade: job.attemptsMade,
    updateProgress: (progress) => job.updateProgress({ ...progress }),
    log: (line) => job.log(line),
  };
  try {
    return await runJob(context, {
      config: settings.config,
      jobsConfig: settings.jobsConfig,
      history: history(),
      publisher: null,
      signal,
      lookupSecret: () => readLookupSecret(connection(), settings.jobsConfig),
    });
  } catch (error) {
    if (errorCode(error) === 'JOB_TIMEOUT') {
      // The timed-out work may still be running in this process; end the child once the failure has
      // been sent so it cannot keep a CPU busy (the pool forks a fresh child for the next job).
      setTimeout(() => process.exit(1), 500).unref();
    }
    throw error;
  }
}
