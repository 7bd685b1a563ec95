/**
 * `/lumen train` (admins only): queues a retrain followed by the post of its answer (a flow); the
 * worker posts the model card summary and the coefficients chart to the channel (both aggregates),
 * so the answer arrives even if the bot restarts meanwhile. The requester's note follows the
 * retrain's stages.
 */
import { enqueueTrainThenPost } from '../../../jobs/index.ts';
import { adminOnlyMessage, doneMessage, progressMessage, workingMessage } from '../../blocks/notices.ts';
import { isAdmin } from '../../privacy.ts';
import { type CommandHandler, followJob, oncePerRequest, reply, reportFailure } from './command-request.ts';

export const handleTrain: CommandHandler = async (request, deps) => {
  await request.ack();
  const { command } = request;
  try {
    if (!isAdmin(deps, command.user_id)) {
      await reply(request, adminOnlyMessage('retrain the model'));
      return;
    }
    const flow = await enqueueTrainThenPost(
      deps.queues,
      { trigger: 'slack', channel: command.channel_id },
      oncePerRequest(request),
    );
    // A redelivered request: the first delivery already queued the retrain and answered.
    if (flow.child.deduplicated) return;
    const what = 'a new model';
    const train = { id: flow.child.id, name: 'train-model' as const };
    await reply(request, workingMessage(what, train.id));
    followJob(request, deps, train, {
      what: 'retrain the model',
      progress: (progress) => progressMessage(what, train.id, progress),
      done: (result) =>
        doneMessage(
          'retrained the model; the model card and the coefficients chart follow in this channel',
          train.id,
          result.reliable ? '' : `The new model failed its quality gate: ${result.gateReasons.join(' ')}`,
        ),
    });
  } catch (error) {
    await reportFailure(request, deps, 'train', error, 'start training');
  }
};
