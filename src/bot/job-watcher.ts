/**
 * Waits for jobs the bot enqueued, on one QueueEvents stream per queue for the whole bot. (The
 * job system's waitForJob opens a Redis connection per call, which is right for the CLI but would
 * open hundreds under a burst of slash commands.)
 */
import { type Job, QueueEvents } from 'bullmq';
import {
  asProgressReport,
  type JobDataMap,
  type JobName,
  type JobProgressReport,
  type JobQueues,
  type JobResultMap,
  queueOf,
} from '../jobs/index.ts';

export type ProgressListener = (progress: JobProgressReport) => void;

/** Progress reports kept per job for late subscribers (a fast job may report before the bot listens). */
const PROGRESS_MEMORY = 500;

export class JobWatcher {
  private closed = false;
  /** Rejecters of the watches in progress, ended at close. */
  private readonly enders = new Set<(error: Error) => void>();
  /** Recent progress reports by "queue:jobId", oldest first (bounded). */
  private readonly recent = new Map<string, JobProgressReport[]>();
  private readonly progressListeners = new Map<string, Set<ProgressListener>>();

  private constructor(
    private readonly queues: JobQueues,
    private readonly events: Record<'compute' | 'publish', QueueEvents>,
  ) {
    for (const queue of ['compute', 'publish'] as const) {
      events[queue].on('progress', ({ jobId, data }) => this.progressed(`${queue}:${jobId}`, data));
    }
  }

  private progressed(key: string, data: unknown): void {
    const progress = asProgressReport(data);
    if (!progress) return;
    const seen = this.recent.get(key) ?? [];
    seen.push(progress);
    this.recent.delete(key);
    this.recent.set(key, seen);
    if (this.recent.size > PROGRESS_MEMORY) {
      const oldest = this.recent.keys().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
    for (const listener of this.progressListeners.get(key) ?? []) listener(progress);
  }

  /**
   * Calls `listener` with every progress report of the job, including those that arrived before
   * this call; returns the unsubscribe function.
   */
  onProgress(name: JobName, jobId: string, listener: ProgressListener): () => void {
    const key = `${queueOf(name)}:${jobId}`;
    for (const progress of this.recent.get(key) ?? []) listener(progress);
    const listeners = this.progressListeners.get(key) ?? new Set<ProgressListener>();
    listeners.add(listener);
    this.progressListeners.set(key, listeners);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.progressListeners.delete(key);
    };
  }

  static async open(queues: JobQueues): Promise<JobWatcher> {
    const open = (name: string) => {
      const events = new QueueEvents(name, {
        // Blocking reads on a stream need their own connection, without the producer's retry cap.
        connection: queues.redis.duplicate({ maxRetriesPerRequest: null, enableOfflineQueue: true }),
        prefix: queues.jobsConfig.queuePrefix,
      });
      // One listener pair per watched job: a burst of commands means many at once.
      events.setMaxListeners(0);
      return events;
    };
    const events = { compute: open(queues.compute.name), publish: open(queues.publish.name) };
    // waitUntilFinished also listens for the queue closing, once per watched job.
    queues.compute.setMaxListeners(0);
    queues.publish.setMaxListeners(0);
    await Promise.all([events.compute.waitUntilReady(), events.publish.waitUntilReady()]);
    return new JobWatcher(queues, events);
  }

  /** The job's result, or its failure reason as an error; JobWatchEnded when the watch itself ends. */
  async waitFor<N extends JobName>(name: N, jobId: string, timeoutMs: number): Promise<JobResultMap[N]> {
    if (this.closed) throw new JobWatchEnded(`stopped watching job ${jobId}: the bot is stopping`);
    const job = (await this.queues.queueFor(name).getJob(jobId)) as
      | Job<JobDataMap[N], JobResultMap[N]>
      | undefined;
    if (!job) throw new Error(`job ${jobId} not found (finished jobs are removed after a while)`);
    return new Promise<JobResultMap[N]>((resolve, reject) => {
      const end = (error: Error) => {
        cleanup();
        reject(error);
      };
      // Our own timer, unref'd, instead of BullMQ's ttl: a bot stopping mid-watch must not be kept alive.
      const timer = setTimeout(
        () =>
          end(new JobWatchEnded(`stopped watching job ${jobId} after ${timeoutMs} ms; it may still finish`)),
        timeoutMs,
      );
      timer.unref();
      const cleanup = () => {
        clearTimeout(timer);
        this.enders.delete(end);
      };
      this.enders.add(end);
      job.waitUntilFinished(this.events[queueOf(name)]).then(
        (result) => {
          cleanup();
          resolve(result);
        },
        (error: unknown) => end(error instanceof Error ? error : new Error(String(error))),
      );
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const end of [...this.enders]) end(new JobWatchEnded('stopped watching: the bot is stopping'));
    await Promise.all([this.events.compute.close(), this.events.publish.close()]);
  }
}

/** The watch ended (timeout or shutdown) without news of the job: nothing to tell the requester. */
export class JobWatchEnded extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobWatchEnded';
  }
}
