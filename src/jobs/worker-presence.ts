/**
 * Whether any `lumen worker` takes jobs from a queue: a command that waits for a job it queued says
 * so in one line instead of waiting for ever. BullMQ names every worker's connection, so CLIENT LIST
 * (Queue.getWorkersCount) shows them.
 */
import type { JobName } from './contracts.ts';
import type { JobQueues } from './job-queues.ts';
import { JobsError } from './jobs-error.ts';

/**
 * Resolves once a worker is connected to `name`'s queue; throws NO_WORKER after `graceMs` without one
 * (a worker started at the same moment has that long to connect). `what` names the queued job.
 */
export async function requireWorker(
  queues: JobQueues,
  name: JobName,
  what: string,
  { graceMs = 3000, pollMs = 250 }: { graceMs?: number; pollMs?: number } = {},
): Promise<void> {
  const queue = queues.queueFor(name);
  const deadline = Date.now() + graceMs;
  for (;;) {
    if ((await queue.getWorkersCount()) > 0) return;
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  throw new JobsError(
    'NO_WORKER',
    `no worker is running for queue ${queues.jobsConfig.queuePrefix}: start one with \`lumen worker\` (same REDIS_URL and LUMEN_QUEUE_PREFIX); ${what} stays queued and runs when one starts`,
  );
}
