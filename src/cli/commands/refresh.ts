/** `lumen refresh`: queues a refresh for the worker and waits for it, showing its stage. */
import { join, resolve } from 'node:path';
import { LumenError } from '../../errors.ts';
import { readJobsConfig } from '../../jobs/config.ts';
import type { RefreshResult } from '../../jobs/contracts.ts';
import { withJobQueues } from '../../jobs/job-queues.ts';
import { enqueueRefresh, waitForJob } from '../../jobs/producer.ts';
import { requireWorker } from '../../jobs/worker-presence.ts';
import { stageLogger } from '../progress.ts';

export interface RefreshOptions {
  readonly data?: string;
  readonly out?: string;
  readonly asOf?: string;
  readonly train?: boolean;
  readonly wait: boolean;
}

/** The one-line answer of a refresh that succeeded: its as-of, its list and where the dashboard is. */
function refreshDoneLine(jobId: string, result: RefreshResult): string {
  const list =
    result.atRisk !== null
      ? `${result.atRisk} enrolments at risk`
      : `no at-risk list (${result.noListReason ?? 'no model'})`;
  const asOf = result.asOf ? `as of ${result.asOf}, ` : '';
  return `refresh ${jobId} done: ${asOf}${list}, dashboard ${join(result.runDir, 'dashboard.html')}\n`;
}

export async function refreshCommand(opts: RefreshOptions): Promise<void> {
  await withJobQueues(readJobsConfig(process.env), async (queues) => {
    const job = await enqueueRefresh(queues, {
      trigger: 'cli',
      dataDir: opts.data ? resolve(opts.data) : undefined,
      outDir: opts.out ? resolve(opts.out) : undefined,
      asOf: opts.asOf ?? null,
      forceTrain: opts.train ?? false,
    });
    process.stderr.write(`refresh queued as job ${job.id}\n`);
    if (!opts.wait) return;
    await requireWorker(queues, 'refresh', `the refresh (job ${job.id})`);
    const log = stageLogger();
    let result: RefreshResult;
    try {
      result = await waitForJob(queues, 'refresh', job.id, {
        onProgress: ({ stage }) => log.stage(stage),
      });
    } catch (error) {
      throw new LumenError(
        'JOB_FAILED',
        `refresh job ${job.id} failed: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    } finally {
      log.done();
    }
    process.stdout.write(refreshDoneLine(job.id, result));
  });
}
