/** `lumen status`: queue counts, workers, the last runs and the next schedules (Redis only). */
import { readJobsConfig } from '../../jobs/config.ts';
import { queueStatus } from '../../jobs/queue-status.ts';
import { formatQueueStatus } from '../../jobs/status-text.ts';

export interface StatusOptions {
  readonly json?: boolean;
}

export async function statusCommand(opts: StatusOptions): Promise<void> {
  const status = await queueStatus(readJobsConfig(process.env));
  process.stdout.write(opts.json ? `${JSON.stringify(status, null, 2)}\n` : `${formatQueueStatus(status)}\n`);
}
