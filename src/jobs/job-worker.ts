/**
 * `lumen worker`: one process running the compute queue in sandboxed child processes and the
 * publish queue in-process (where the Slack publisher lives). Schedules are upserted at start.
 */
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type Job, Worker } from 'bullmq';
import type { Config } from '../config.ts';
import type { JobsConfig } from './config.ts';
import {
  asProgressReport,
  COMPUTE_QUEUE,
  type JobContext,
  type JobName,
  type JobProgressReport,
  PUBLISH_QUEUE,
} from './contracts.ts';
import { dueAt } from './due-at.ts';
import { FeedbackStore } from './feedback-log.ts';
import { JobQueues } from './job-queues.ts';
import type { Publisher } from './publisher.ts';
import { isConnectionError, type Log, openWorkerConnection, warnIfEvicting } from './redis-connection.ts';
import { isJobName, runJob } from './run-job.ts';
import { RunHistory } from './runs/run-history.ts';
import { upsertSchedules } from './schedules.ts';
import { encodeWorkerSettings, WORKER_SETTINGS_VAR } from './worker-settings.ts';

// The module BullMQ forks for compute jobs. Built (dist/jobs/job-worker.js, what `lumen worker` runs):
// the built processor itself. From the sources (tests under vitest or tsx): an entry that registers
// tsx first, since the parent's loader is not passed on to the child.
const SANDBOX_ENTRY = fileURLToPath(
  new URL(
    import.meta.url.endsWith('.ts') ? './compute-sandbox-entry.mjs' : './compute-sandbox.js',
    import.meta.url,
  ),
);

export interface WorkerTuning {
  /** How long a job's lock lasts without renewal (BullMQ default 30 s); renewed at half of it. */
  readonly lockDurationMs?: number;
  /** How often this worker looks for jobs whose lock expired (BullMQ default 30 s). */
  readonly stalledIntervalMs?: number;
  /** Times a job may be recovered from a dead worker before it fails (default 1). */
  readonly maxStalledCount?: number;
  /** Upsert the digest / refresh schedules at start (default true). */
  readonly upsertSchedules?: boolean;
  readonly log?: Log;
}

export interface RunningWorker {
  /** Stops taking jobs, waits for the current ones (or, with force, hands them back), closes Redis. */
  close(force?: boolean): Promise<void>;
  readonly compute: Worker;
  readonly publish: Worker;
}

/** How this process shows in `lumen status`: host and process id. */
export function workerName(): string {
  return `${hostname()}-${process.pid}`;
}

function describe(job: Job | undefined): string {
  return job ? `${job.name} job ${job.id}` : 'a job';
}

export async function startWorker(
  config: Config,
  jobsConfig: JobsConfig,
  publisher: Publisher | null = null,
  tuning: WorkerTuning = {},
): Promise<RunningWorker> {
  const log = tuning.log ?? ((line: string) => console.error(line));
  const redis = openWorkerConnection(jobsConfig, log);
  const queues = JobQueues.on(jobsConfig, redis);
  try {
    await redis.ping();
    await warnIfEvicting(redis, log);
    if (tuning.upsertSchedules !== false) await upsertSchedules(queues, jobsConfig);
  } catch (error) {
    await queues.close();
    redis.disconnect();
    throw error;
  }

  const common = {
    connection: redis,
    // Named connections: `lumen status` lists the workers and `lumen refresh` sees when none runs.
    name: workerName(),
    prefix: jobsConfig.queuePrefix,
    concurrency: jobsConfig.concurrency,
    ...(tuning.lockDurationMs !== undefined ? { lockDuration: tuning.lockDurationMs } : {}),
    ...(tuning.stalledIntervalMs !== undefined ? { stalledInterval: tuning.stalledIntervalMs } : {}),
    ...(tuning.maxStalledCount !== undefined ? { maxStalledCount: tuning.maxStalledCount } : {}),
  };
  const compute = new Worker(COMPUTE_QUEUE, SANDBOX_ENTRY, {
    ...common,
    useWorkerThreads: false,
    workerForkOptions: {
      env: { ...process.env, [WORKER_SETTINGS_VAR]: encodeWorkerSettings({ config, jobsConfig }) },
      // The parent's loader flags (vitest's, tsx's) are not passed on: the entry brings its own.
      execArgv: process.execArgv.filter((arg) => arg.startsWith('--max-old-space-size')),
    },
  });
  const history = new RunHistory(redis, jobsConfig.queuePrefix);
  const feedback = new FeedbackStore(redis, jobsConfig.queuePrefix);
  const publish = new Worker(
    PUBLISH_QUEUE,
    async (job: Job, _token?: string, signal?: AbortSignal) => {
      if (!isJobName(job.name)) throw new Error(`unknown job ${job.name}`);
      const context: JobContext<JobName> = {
        id: String(job.id),
        name: job.name,
        data: job.data,
        timestamp: job.timestamp,
        dueAt: dueAt(job),
        lastProgress: asProgressReport(job.progress),
        attemptsMade: job.attemptsMade,
        updateProgress: (progress: JobProgressReport) => job.updateProgress({ ...progress }),
        log: (line: string) => job.log(line),
        childFailures: async () => Object.values(await job.getIgnoredChildrenFailures()),
      };
      return runJob(context, { config, jobsConfig, history, feedback, publisher, signal });
    },
    { ...common, concurrency: jobsConfig.publishConcurrency },
  );

  for (const worker of [compute, publish]) {
    // Connection failures are reported once by the connection itself (openWorkerConnection).
    worker.on('error', (error) => {
      if (!isConnectionError(error)) log(`worker error (${worker.name}): ${error.message}`);
    });
    worker.on('failed', (job, error) => log(`${describe(job)} failed: ${error.message}`));
    worker.on('stalled', (jobId) =>
      log(`job ${jobId} stalled: its worker stopped renewing the lock; it will be retried`),
    );
  }
  await Promise.all([compute.waitUntilReady(), publish.waitUntilReady()]);

  let closing: Promise<void> | null = null;
  return {
    compute,
    publish,
    close(force = false) {
      closing ??= (async () => {
        await Promise.all([compute.close(force), publish.close(force)]);
        await queues.close();
        await redis.quit().catch(() => redis.disconnect());
      })();
      return closing;
    },
  };
}

/**
 * SIGTERM / SIGINT: stop taking jobs and let the current ones finish; a second signal hands them back
 * at once (another worker picks them up after the lock expires). Returns a function removing the handlers.
 */
export function closeOnSignals(worker: RunningWorker, log: Log = (line) => console.error(line)): () => void {
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals === 1) {
      log(`${signal}: finishing the current jobs, then stopping (send it again to stop now)`);
      worker.close().then(
        () => process.exit(0),
        (error: unknown) => {
          log(`error while stopping: ${error instanceof Error ? error.message : String(error)}`);
          process.exit(1);
        },
      );
    } else {
      log(`${signal}: stopping now; running jobs go back to the queue`);
      worker.close(true).finally(() => process.exit(1));
    }
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
}
