/**
 * `/lumen learner <user_id>`: the learner-profile job looks the learner up in the latest scores and
 * returns ids and numbers; the bot then posts them (and the profile chart when one was rendered)
 * where learner-level content may go.
 */
import { readFileSync } from 'node:fs';
import { enqueue } from '../../../jobs/index.ts';
import { learnerProfileMessage } from '../../blocks/learner-profile.ts';
import { badArgumentMessage, failureMessage, workingMessage } from '../../blocks/notices.ts';
import { inBackground } from '../../deps.ts';
import { JobWatchEnded } from '../../job-watcher.ts';
import { learnerLevelDestination } from '../../privacy.ts';
import { type CommandHandler, oncePerRequest, reply, reportFailure } from './command-request.ts';

const LEARNER_ID = /^[A-Za-z0-9_.-]{1,64}$/;
/** How long the bot waits for the profile before telling the requester it gave up. */
const PROFILE_WAIT_MS = 120_000;

export const handleLearner: CommandHandler = async (request, deps) => {
  await request.ack();
  const { command } = request;
  try {
    const learnerId = request.args[0] ?? '';
    if (learnerId.includes('@')) {
      await reply(
        request,
        badArgumentMessage('Lookup by email is not available yet; use the user id.', '/lumen learner U123'),
      );
      return;
    }
    if (!LEARNER_ID.test(learnerId)) {
      await reply(request, badArgumentMessage('Which learner?', '/lumen learner U123'));
      return;
    }
    const destination = await learnerLevelDestination(deps, command.channel_id, command.user_id);
    const job = await enqueue(
      deps.queues,
      'learner-profile',
      {
        outDir: deps.jobsConfig.outDir,
        learnerId,
        timeoutMs: deps.jobsConfig.jobTimeoutMs,
      },
      oncePerRequest(request),
    );
    if (job.deduplicated) return;
    await reply(request, workingMessage(`the profile of learner ${learnerId}`, job.id, destination.viaDm));
    inBackground(deps, `learner-profile ${job.id}`, async () => {
      try {
        const profile = await deps.watcher.waitFor('learner-profile', job.id, PROFILE_WAIT_MS);
        const message = learnerProfileMessage(profile);
        await deps.publisher.postMessage(destination.channel, message.blocks, message.text);
        if (profile.chartPath) {
          const png = readFileSync(profile.chartPath);
          await deps.publisher.uploadFile(
            destination.channel,
            `learner-${learnerId}.png`,
            png,
            'Learner profile',
          );
        }
      } catch (error) {
        if (!deps.stopping.aborted && !(error instanceof JobWatchEnded))
          await reply(request, failureMessage(`look up learner ${learnerId}`, error));
        throw error;
      }
    });
  } catch (error) {
    await reportFailure(request, deps, 'learner', error, failureMessage('look up that learner', error));
  }
};
