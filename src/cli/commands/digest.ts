/** `lumen digest`: queues the weekly digest now, or previews it with --dry-run (no Slack, no Redis). */
import { resolve } from 'node:path';
import { digestScopeOf } from '../../bot/config.ts';
import { readJobsConfig } from '../../jobs/config.ts';
import { runDigestDryRun } from '../../jobs/digest/dry-run.ts';
import { withJobQueues } from '../../jobs/job-queues.ts';
import { JobsError } from '../../jobs/jobs-error.ts';
import { enqueue, waitForJob } from '../../jobs/producer.ts';
import { requireWorker } from '../../jobs/worker-presence.ts';

export interface DigestOptions {
  readonly dryRun?: boolean;
  readonly out?: string;
  readonly from?: string;
  readonly channel?: string;
  readonly course?: string;
  readonly force?: boolean;
}

export async function digestCommand(opts: DigestOptions): Promise<void> {
  const jobsConfig = readJobsConfig(process.env);
  const outDir = opts.from ? resolve(opts.from) : jobsConfig.outDir;
  if (opts.dryRun) {
    const preview = await runDigestDryRun({
      outDir,
      out: opts.out ? resolve(opts.out) : undefined,
      scope: opts.course ? [opts.course] : null,
      modelMaxAgeDays: jobsConfig.modelMaxAgeDays,
    });
    process.stdout.write(`${JSON.stringify(preview.blocks, null, 2)}\n`);
    process.stderr.write(`digest preview files:\n${preview.files.map((f) => `  ${f}`).join('\n')}\n`);
    return;
  }
  const channel = opts.channel ?? jobsConfig.digestChannel;
  if (!channel)
    throw new JobsError('BAD_CONFIG', 'no digest channel: pass --channel or set LUMEN_DIGEST_CHANNEL');
  const scope = digestScopeOf(channel, jobsConfig.access);
  await withJobQueues(jobsConfig, async (queues) => {
    const job = await enqueue(queues, 'weekly-digest', {
      outDir,
      channel,
      force: opts.force ?? false,
      scope,
    });
    process.stderr.write(`weekly digest queued as job ${job.id}\n`);
    await requireWorker(queues, 'weekly-digest', `the digest (job ${job.id})`);
    await waitForJob(queues, 'weekly-digest', job.id, {});
    process.stdout.write(`weekly digest job ${job.id} done\n`);
  });
}
