/** `/lumen digest`: the worker posts a preview of the weekly digest to the requester's DM only. */
import { enqueue } from '../../../jobs/index.ts';
import { plainMessage } from '../../blocks/message.ts';
import { workingMessage } from '../../blocks/notices.ts';
import { type CommandHandler, oncePerRequest, reply, reportFailure } from './command-request.ts';

export const handleDigest: CommandHandler = async (request, deps) => {
  await request.ack();
  try {
    const dm = await deps.publisher.openDm(request.command.user_id);
    const job = await enqueue(
      deps.queues,
      'weekly-digest',
      { outDir: deps.jobsConfig.outDir, channel: dm, preview: true },
      oncePerRequest(request),
    );
    if (job.deduplicated) return;
    const working = workingMessage('a digest preview', job.id).text;
    await reply(
      request,
      plainMessage(`${working}\n:lock: It goes to your direct messages; nobody else sees it.`),
    );
  } catch (error) {
    await reportFailure(request, deps, 'digest', error, 'preview the digest');
  }
};
