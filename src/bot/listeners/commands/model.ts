/** `/lumen model`: the current model card (a small JSON file under OUT/latest, no learner data). */
import { latestRunFolder, modelCardMessage, readModelCard } from '../../../jobs/index.ts';
import { type CommandHandler, reply, reportFailure } from './command-request.ts';

export const handleModel: CommandHandler = async (request, deps) => {
  await request.ack();
  try {
    const runDir = latestRunFolder(deps.jobsConfig.outDir);
    await reply(request, modelCardMessage(runDir ? readModelCard(runDir) : null));
  } catch (error) {
    await reportFailure(request, deps, 'model', error, 'read the model card');
  }
};
