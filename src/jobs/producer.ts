/**
 * Enqueuing jobs. The same request twice while the first is still waiting or running is
 * deduplicated by BullMQ (the second call gets the first job's id back and nothing new runs).
 */
import { createHash, randomUUID } from 'node:crypto';
import { FlowProducer, type Job, QueueEvents } from 'bullmq';
import {
  type JobDataMap,
  type JobName,
  type JobProgressReport,
  type JobResultMap,
  queueOf,
  type RunTrigger,
} from './contracts.ts';
import { DEFAULT_JOB_OPTIONS, type JobQueues } from './job-queues.ts';

export interface EnqueueOptions {
  /** Jobs with the same key are deduplicated while one is waiting or running. */
  readonly dedupeKey?: string;
  /** Deduplicate for this long after the first request instead of until it finishes. */
  readonly dedupeWindowMs?: number;
  readonly attempts?: number;
  /** First retry delay; later ones double. */
  readonly backoffMs?: number;
  readonly delayMs?: number;
}

export interface EnqueuedJob {
  readonly id: string;
  readonly name: JobName;
  /** True when an identical request was already queued or running and this one was dropped. */
  readonly deduplicated: boolean;
}

function shortHash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

export async function enqueue<N extends JobName>(
  queues: JobQueues,
  name: N,
  data: JobDataMap[N],
  options: EnqueueOptions = {},
): Promise<EnqueuedJob> {
  const jobId = `${name}-${Date.now()}-${randomUUID().slice(0, 8)}`;
  const job = await queues.queueFor(name).add(name, data, {
    jobId,
    ...(options.attempts !== undefined ? { attempts: options.attempts } : {}),
    ...(options.backoffMs !== undefined
      ? { backoff: { type: 'exponential', delay: options.backoffMs } }
      : {}),
    ...(options.delayMs !== undefined ? { delay: options.delayMs } : {}),
    ...(options.dedupeKey !== undefined
      ? {
          deduplication: {
            id: `${name}:${options.dedupeKey}`,
            ...(options.dedupeWindowMs !== undefined ? { ttl: options.dedupeWindowMs } : {}),
          },
        }
      : {}),
  });
  const id = String(job.id);
  return { id, name, deduplicated: id !== jobId };
}

export interface RefreshRequest {
  readonly trigger: RunTrigger;
  readonly asOf?: string | null;
  readonly forceTrain?: boolean;
  /** Default: LUMEN_DATA_DIR / LUMEN_OUT_DIR. */
  readonly dataDir?: string;
  readonly outDir?: string;
}

/** Queues a refresh of OUT from the export; a second identical request while one is pending is dropped. */
export function enqueueRefresh(
  queues: JobQueues,
  request: RefreshRequest,
  options: Omit<EnqueueOptions, 'dedupeKey'> = {},
): Promise<EnqueuedJob> {
  const data = refreshData(queues, request);
  // The trigger is not part of the key: a Slack request and a CLI request for the same data are the same run.
  const dedupeKey = shortHash([data.dataDir, data.outDir, data.asOf, data.forceTrain]);
  return enqueue(queues, 'refresh', data, { ...options, dedupeKey });
}

function refreshData(queues: JobQueues, request: RefreshRequest): JobDataMap['refresh'] {
  const { jobsConfig } = queues;
  return {
    trigger: request.trigger,
    dataDir: request.dataDir ?? jobsConfig.dataDir,
    outDir: request.outDir ?? jobsConfig.outDir,
    asOf: request.asOf ?? null,
    forceTrain: request.forceTrain ?? false,
    timeoutMs: jobsConfig.jobTimeoutMs,
  };
}

/** A flow's two jobs: the work (child) and the post that runs after it (parent). */
export interface EnqueuedFlow<C extends JobName, P extends JobName> {
  readonly child: EnqueuedJob & { readonly name: C };
  readonly parent: EnqueuedJob & { readonly name: P };
}

/**
 * Queues `child`, then `parent` once the child has finished (BullMQ flow). The parent runs even when
 * the child fails (it sees the failure through childFailures and says why). With `dedupeKey`, the
 * same request again within `dedupeWindowMs` gets the first flow's ids back and queues nothing: a
 * SET NX record claims the key, since BullMQ cannot deduplicate flows.
 */
async function enqueueFlow<C extends JobName, P extends JobName>(
  queues: JobQueues,
  child: { readonly name: C; readonly data: JobDataMap[C] },
  parent: { readonly name: P; readonly data: JobDataMap[P] },
  options: Pick<EnqueueOptions, 'dedupeKey' | 'dedupeWindowMs'> = {},
): Promise<EnqueuedFlow<C, P>> {
  const stamp = `${Date.now()}-${randomUUID().slice(0, 8)}`;
  const ids = { child: `${child.name}-${stamp}`, parent: `${parent.name}-${stamp}` };
  if (options.dedupeKey !== undefined) {
    const key = `${queues.jobsConfig.queuePrefix}:flow-dedupe:${parent.name}:${options.dedupeKey}`;
    const windowMs = options.dedupeWindowMs ?? 10 * 60 * 1000;
    const claimed = await queues.redis.set(key, JSON.stringify(ids), 'PX', windowMs, 'NX');
    if (claimed === null) {
      const first = JSON.parse((await queues.redis.get(key)) ?? JSON.stringify(ids)) as typeof ids;
      return {
        child: { id: first.child, name: child.name, deduplicated: true },
        parent: { id: first.parent, name: parent.name, deduplicated: true },
      };
    }
  }
  const flows = new FlowProducer({ connection: queues.redis, prefix: queues.jobsConfig.queuePrefix });
  try {
    // FlowProducer does not apply the queues' default options, so they are passed explicitly.
    await flows.add({
      name: parent.name,
      queueName: queueOf(parent.name),
      data: parent.data,
      opts: { ...DEFAULT_JOB_OPTIONS, jobId: ids.parent },
      children: [
        {
          name: child.name,
          queueName: queueOf(child.name),
          data: child.data,
          opts: { ...DEFAULT_JOB_OPTIONS, jobId: ids.child, ignoreDependencyOnFailure: true },
        },
      ],
    });
  } finally {
    await flows.close();
  }
  return {
    child: { id: ids.child, name: child.name, deduplicated: false },
    parent: { id: ids.parent, name: parent.name, deduplicated: false },
  };
}

export interface TrainRequest {
  readonly trigger: RunTrigger;
  readonly channel: string;
  readonly asOf?: string | null;
  readonly dataDir?: string;
  readonly outDir?: string;
}

/**
 * A flow: retrain (train-model), then post the model card and the coefficients chart to `channel`
 * (`/lumen train`). The worker posts the answer, so it arrives even if the bot restarts meanwhile.
 */
export function enqueueTrainThenPost(
  queues: JobQueues,
  request: TrainRequest,
  options: Pick<EnqueueOptions, 'dedupeKey' | 'dedupeWindowMs'> = {},
): Promise<EnqueuedFlow<'train-model', 'post-model-card'>> {
  const { jobsConfig } = queues;
  const outDir = request.outDir ?? jobsConfig.outDir;
  return enqueueFlow(
    queues,
    {
      name: 'train-model',
      data: {
        trigger: request.trigger,
        dataDir: request.dataDir ?? jobsConfig.dataDir,
        outDir,
        asOf: request.asOf ?? null,
        timeoutMs: jobsConfig.jobTimeoutMs,
      },
    },
    { name: 'post-model-card', data: { outDir, channel: request.channel } },
    options,
  );
}

export interface WaitOptions {
  readonly timeoutMs?: number;
  readonly onProgress?: (progress: JobProgressReport) => void;
}

/** Waits for a job to finish and returns its result; throws with the job's failure reason. */
export async function waitForJob<N extends JobName>(
  queues: JobQueues,
  name: N,
  jobId: string,
  options: WaitOptions = {},
): Promise<JobResultMap[N]> {
  const queue = queues.queueFor(name);
  // QueueEvents blocks on a Redis stream, so it gets its own connection (worker-style: no retry cap).
  const events = new QueueEvents(queue.name, {
    connection: queues.redis.duplicate({ maxRetriesPerRequest: null, enableOfflineQueue: true }),
    prefix: queues.jobsConfig.queuePrefix,
  });
  const onProgress = ({ jobId: id, data }: { jobId: string; data: unknown }) => {
    if (id === jobId && options.onProgress && typeof data === 'object' && data !== null) {
      options.onProgress(data as JobProgressReport);
    }
  };
  events.on('progress', onProgress);
  try {
    await events.waitUntilReady();
    const job = (await queue.getJob(jobId)) as Job<JobDataMap[N], JobResultMap[N]> | undefined;
    if (!job) throw new Error(`job ${jobId} not found (finished jobs are removed after a while)`);
    return await job.waitUntilFinished(events, options.timeoutMs);
  } finally {
    events.off('progress', onProgress);
    await events.close();
  }
}
