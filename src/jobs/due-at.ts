/**
 * When a BullMQ job was due: its creation time plus the delay it was created with. BullMQ zeroes a
 * job's `delay` field when it promotes it, but keeps the delay in the options it was added with.
 * A job scheduler creates each run's job when the previous run starts, so for the weekly digest
 * the creation time is a week before the run.
 */
export function dueAt(job: {
  readonly timestamp: number;
  readonly opts?: { readonly delay?: number };
}): number {
  const delay = Number(job.opts?.delay ?? 0);
  return job.timestamp + (Number.isFinite(delay) && delay > 0 ? delay : 0);
}
