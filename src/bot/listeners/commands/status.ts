/** `/lumen status`: queue counts, running jobs with their stage, last runs, next digest, data as-of. */
import { formatQueueStatus, latestRunFolder, readModelCard, readQueueStatus } from '../../../jobs/index.ts';
import { statusMessage } from '../../blocks/status.ts';
import { type CommandHandler, reply, reportFailure } from './command-request.ts';

export const handleStatus: CommandHandler = async (request, deps) => {
  await request.ack();
  try {
    const status = await readQueueStatus(deps.queues, { runs: 5 });
    const runDir = latestRunFolder(deps.jobsConfig.outDir);
    const dataAsOf = runDir ? (readModelCard(runDir)?.dataAsOf ?? null) : null;
    await reply(request, statusMessage(formatQueueStatus(status), dataAsOf));
  } catch (error) {
    await reportFailure(request, deps, 'status', error, 'read the queue status');
  }
};
