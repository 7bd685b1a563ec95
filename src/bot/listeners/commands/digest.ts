/**
 * `/lumen digest`: the worker posts a preview of the weekly digest to the requester's DM only, with
 * the learners the requester may see (staff only).
 */
import { enqueue } from '../../../jobs/index.ts';
import { plainMessage } from '../../../slack/index.ts';
import { workingMessage } from '../../blocks/notices.ts';
import { NOT_STAFF_TEXT, staffScopeOf } from '../../privacy.ts';
import { type CommandHandler, oncePerRequest, reply, reportFailure } from './command-request.ts';

export const handleDigest: CommandHandler = async (request, deps) => {
  await request.ack();
  try {
    const who = await staffScopeOf(deps, request.command.user_id);
    if (!who.staff) {
      deps.log(`/lumen digest refused for ${request.command.user_id}: not staff`);
      await reply(request, plainMessage(NOT_STAFF_TEXT));
      return;
    }
    const dm = await deps.publisher.openDm(request.command.user_id);
    const job = await enqueue(
      deps.queues,
      'weekly-digest',
      { outDir: deps.jobsConfig.outDir, channel: dm, preview: true, scope: who.scope },
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
