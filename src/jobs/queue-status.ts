/** What `lumen status` shows: queue counts, jobs running now with their stage, recent runs, next schedules. */
import { latestPath, readLatestRun } from '../run-folder/index.ts';
import type { JobsConfig } from './config.ts';
import type { JobProgressReport } from './contracts.ts';
import { type JobQueues, withJobQueues } from './job-queues.ts';
import { RunHistory } from './runs/run-history.ts';
import type { RunRecord } from './runs/run-record.ts';
import { type ScheduleTimes, scheduleTimes } from './schedules.ts';

export interface ActiveJob {
  readonly id: string;
  readonly name: string;
  readonly progress: JobProgressReport | null;
  readonly startedAt: string | null;
}

/** A `lumen worker` process connected to Redis now (BullMQ names its connections). */
export interface ConnectedWorker {
  /** host-pid of the process (job-worker.ts workerName). */
  readonly name: string;
  /** Address Redis sees it connecting from. */
  readonly addr: string;
  /** Seconds since it connected. */
  readonly connectedSeconds: number;
  /** Queues it takes jobs from. */
  readonly queues: Array<'compute' | 'publish'>;
}

export interface QueueStatus {
  readonly workers: ConnectedWorker[];
  readonly counts: Record<'compute' | 'publish', Record<string, number>>;
  readonly active: ActiveJob[];
  readonly lastRuns: RunRecord[];
  readonly schedules: ScheduleTimes;
  /** The run OUT/latest points at (from the CLI or a refresh), or where none is yet. */
  readonly published: PublishedRun | { readonly none: string };
}

export interface PublishedRun {
  readonly runId: string;
  readonly source: string;
  readonly asOf: string | null;
  readonly modelVersion: string | null;
  readonly atRisk: number | null;
  readonly finishedAt: string | null;
}

/** What OUT/latest holds, read through the run folder's readers; never fails the status. */
export function publishedRun(outDir: string): PublishedRun | { readonly none: string } {
  try {
    const latest = readLatestRun(outDir);
    if (!latest) return { none: `no published run in ${latestPath(outDir)} yet` };
    return {
      runId: latest.manifest?.runId ?? latest.dir.replace(/^.*[\\/]/, ''),
      source: latest.manifest?.source ?? 'refresh',
      asOf: latest.summary?.asOf ?? null,
      modelVersion: latest.summary?.modelVersion ?? latest.manifest?.modelVersion ?? null,
      atRisk: latest.summary?.atRisk ?? null,
      finishedAt: latest.manifest?.finishedAt ?? null,
    };
  } catch (error) {
    return {
      none: `${latestPath(outDir)} cannot be read: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

const COUNTED = ['waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized'] as const;

export async function readQueueStatus(
  queues: JobQueues,
  { runs = 10 }: { runs?: number } = {},
): Promise<QueueStatus> {
  const [workers, compute, publish, activeCompute, activePublish, lastRuns, schedules] = await Promise.all([
    connectedWorkers(queues),
    queues.compute.getJobCounts(...COUNTED),
    queues.publish.getJobCounts(...COUNTED),
    queues.compute.getActive(),
    queues.publish.getActive(),
    new RunHistory(queues.redis, queues.jobsConfig.queuePrefix).list(runs),
    scheduleTimes(queues),
  ]);
  const active = [...activeCompute, ...activePublish].map((job) => ({
    id: String(job.id),
    name: job.name,
    progress:
      typeof job.progress === 'object' && job.progress !== null ? (job.progress as JobProgressReport) : null,
    startedAt: job.processedOn ? new Date(job.processedOn).toISOString() : null,
  }));
  return {
    workers,
    counts: { compute, publish },
    active,
    lastRuns,
    schedules,
    published: publishedRun(queues.jobsConfig.outDir),
  };
}

/**
 * Workers connected to this prefix's queues, one entry per process (from CLIENT LIST: BullMQ names
 * each worker's blocking connection `<prefix>:<queue>:w:<name>`). A worker that lost Redis shows up
 * again once it has reconnected.
 */
export async function connectedWorkers(queues: JobQueues): Promise<ConnectedWorker[]> {
  const byName = new Map<string, ConnectedWorker>();
  for (const [queueName, queue] of [
    ['compute', queues.compute],
    ['publish', queues.publish],
  ] as const) {
    const clients = (await queue.getWorkers()) as Array<Record<string, string>>;
    const unnamed = `${queues.jobsConfig.queuePrefix}:${Buffer.from(queue.name).toString('base64')}`;
    for (const client of clients) {
      // Redis services without CLIENT LIST answer with one placeholder entry: nothing to list.
      if (client.addr === undefined) continue;
      // BullMQ puts the queue's name in `name` and the connection's in `rawname`.
      const raw = client.rawname ?? '';
      const name = raw.startsWith(`${unnamed}:w:`)
        ? raw.slice(unnamed.length + 3)
        : `unnamed ${client.addr ?? ''}`.trim();
      const known = byName.get(name);
      byName.set(name, {
        name,
        addr: known?.addr ?? client.addr ?? '',
        connectedSeconds: Math.max(known?.connectedSeconds ?? 0, Number(client.age ?? 0)),
        queues: [...new Set([...(known?.queues ?? []), queueName])],
      });
    }
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** One-shot form for the CLI: opens the queues (failing fast when Redis is down), reads, closes. */
export function queueStatus(jobsConfig: JobsConfig, options: { runs?: number } = {}): Promise<QueueStatus> {
  return withJobQueues(jobsConfig, (queues) => readQueueStatus(queues, options));
}
