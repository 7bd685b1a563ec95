/** `lumen worker`: runs the queue's jobs until SIGTERM/SIGINT. */
import { digestScopeOf } from '../../bot/config.ts';
import { slackPublisherFromEnv } from '../../bot/publish.ts';
import type { Config } from '../../config.ts';
import { readJobsConfig } from '../../jobs/config.ts';
import { closeOnSignals, startWorker } from '../../jobs/job-worker.ts';

export async function workerCommand(config: Config): Promise<void> {
  // Slack posts need the bot token; without it the worker still runs every compute job.
  const jobsConfig = readJobsConfig(process.env);
  const publisher = slackPublisherFromEnv();
  if (!publisher)
    process.stderr.write(
      'lumen worker: warning: SLACK_BOT_TOKEN is not set: Slack jobs (posts, the digest, feedback) will fail; refreshes and other compute jobs run\n',
    );
  // With Slack, the worker schedules the digest: it must go to a staff channel.
  if (publisher && jobsConfig.digestChannel) digestScopeOf(jobsConfig.digestChannel, jobsConfig.access);
  if (!jobsConfig.digestChannel)
    process.stderr.write('lumen worker: no weekly digest scheduled (LUMEN_DIGEST_CHANNEL is not set)\n');
  const log = (line: string) => process.stderr.write(`lumen worker: ${line}\n`);
  const worker = await startWorker(config, jobsConfig, publisher ?? undefined, { log });
  closeOnSignals(worker, log);
  log(`waiting for jobs on queue ${jobsConfig.queuePrefix} (Ctrl-C to stop)`);
  await new Promise(() => {});
}
