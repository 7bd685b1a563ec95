/**
 * `/lumen train` (admins only): retrains through the train-model job; when it finishes the channel
 * gets the model card summary and the worker posts the coefficients chart. Both are aggregates.
 */
import { enqueue, latestRunFolder, readModelCard } from '../../../jobs/index.ts';
import { modelCardMessage } from '../../blocks/model-card.ts';
import { adminOnlyMessage, failureMessage, workingMessage } from '../../blocks/notices.ts';
import { inBackground } from '../../deps.ts';
import { JobWatchEnded } from '../../job-watcher.ts';
import { isAdmin } from '../../privacy.ts';
import { type CommandHandler, oncePerRequest, reply, reportFailure } from './command-request.ts';

export const handleTrain: CommandHandler = async (request, deps) => {
  await request.ack();
  const { command } = request;
  try {
    if (!isAdmin(deps, command.user_id)) {
      await reply(request, adminOnlyMessage('retrain the model'));
      return;
    }
    const { dataDir, outDir, jobTimeoutMs } = deps.jobsConfig;
    const job = await enqueue(
      deps.queues,
      'train-model',
      {
        trigger: 'slack',
        dataDir,
        outDir,
        timeoutMs: jobTimeoutMs,
      },
      oncePerRequest(request),
    );
    if (job.deduplicated) return;
    await reply(request, workingMessage('a new model', job.id));
    inBackground(deps, `train-model ${job.id}`, async () => {
      try {
        await deps.watcher.waitFor('train-model', job.id, jobTimeoutMs + 60_000);
        const runDir = latestRunFolder(outDir);
        const message = modelCardMessage(runDir ? readModelCard(runDir) : null);
        await deps.publisher.postMessage(command.channel_id, message.blocks, message.text);
        await enqueue(deps.queues, 'post-chart', {
          outDir,
          channel: command.channel_id,
          chart: 'model-coefficients',
        });
      } catch (error) {
        if (!deps.stopping.aborted && !(error instanceof JobWatchEnded))
          await reply(request, failureMessage('retrain the model', error));
        throw error;
      }
    });
  } catch (error) {
    await reportFailure(request, deps, 'train', error, failureMessage('start training', error));
  }
};
