/**
 * `/lumen learner <user_id>`: the learner-profile job looks the learner up in the latest scores and
 * returns ids and numbers; the bot then posts them (and the profile chart when one was rendered)
 * where learner-level content may go.
 */
import { readFileSync, rmSync } from 'node:fs';
import { enqueue, type LearnerProfileResult, learnerChartAltText } from '../../../jobs/index.ts';
import { plainMessage } from '../../../slack/index.ts';
import { learnerProfileMessage } from '../../blocks/learner-profile.ts';
import { badArgumentMessage, doneMessage, progressMessage, workingMessage } from '../../blocks/notices.ts';
import { learnerLevelDestination } from '../../privacy.ts';
import { type CommandHandler, followJob, oncePerRequest, reply, reportFailure } from './command-request.ts';

const LEARNER_ID = /^[A-Za-z0-9_.-]{1,64}$/;
/** Loose on purpose: the worker decides whether the export knows it. */
const EMAIL = /^[^\s@<>]{1,128}@[^\s@<>]{1,253}$/;

/** Slack sends a typed email as <mailto:a@b.c|a@b.c>: the address is the part after the bar. */
export function unwrapMailto(word: string): string {
  const link = /^<mailto:[^|>]*\|([^>]*)>$/.exec(word) ?? /^<mailto:([^|>]*)>$/.exec(word);
  return (link?.[1] ?? word).trim();
}

export const handleLearner: CommandHandler = async (request, deps) => {
  await request.ack();
  const { command } = request;
  try {
    const word = unwrapMailto(request.args[0] ?? '');
    const byEmail = word.includes('@');
    if (byEmail && !EMAIL.test(word)) {
      await reply(request, badArgumentMessage('That does not look like an email.', '/lumen learner a@b.org'));
      return;
    }
    const learnerId = byEmail ? '' : word;
    if (!byEmail && !LEARNER_ID.test(learnerId)) {
      await reply(request, badArgumentMessage('Which learner?', '/lumen learner U123'));
      return;
    }
    const destination = await learnerLevelDestination(deps, command.channel_id, command.user_id);
    if (!destination.allowed) {
      deps.log(`/lumen learner refused for ${command.user_id}: not staff`);
      await reply(request, plainMessage(destination.reason));
      return;
    }
    const job = await enqueue(
      deps.queues,
      'learner-profile',
      {
        outDir: deps.jobsConfig.outDir,
        learnerId,
        timeoutMs: deps.jobsConfig.jobTimeoutMs,
        scope: destination.scope,
        // An email is learner data: only its keyed hash (HMAC-SHA256, lookup-key.ts) goes into Redis.
        ...(byEmail ? { emailKey: await deps.queues.emailLookupKey(word) } : {}),
      },
      oncePerRequest(request),
    );
    if (job.deduplicated) return;
    // The email is not repeated back: the note says "that email".
    const who = byEmail ? 'the learner with that email' : `learner ${learnerId}`;
    await reply(request, workingMessage(`the profile of ${who}`, job.id, destination.viaDm));
    followJob(
      request,
      deps,
      { id: job.id, name: 'learner-profile' as const },
      {
        what: `look up ${who}`,
        progress: (progress) => progressMessage(`the profile of ${who}`, job.id, progress, destination.viaDm),
        // The posted profile names the learner: it goes where learner-level content may go.
        withResult: async (receipt) => {
          // The job's return value holds ids only; the answer itself is a file in OUT, read once.
          const profile = JSON.parse(readFileSync(receipt.answerPath, 'utf8')) as LearnerProfileResult;
          rmSync(receipt.answerPath, { force: true });
          const message = learnerProfileMessage(profile);
          await deps.publisher.postMessage(destination.channel, message.blocks, message.text);
          if (profile.chartPath) {
            const png = readFileSync(profile.chartPath);
            await deps.publisher.uploadFile(
              destination.channel,
              `learner-${profile.learnerId}.png`,
              png,
              'Learner profile',
              {
                altText: learnerChartAltText(profile.learnerId, profile.enrolments),
              },
            );
          }
        },
        done: () => doneMessage(`posted the profile of ${who}`, job.id, '', destination.viaDm),
      },
    );
  } catch (error) {
    await reportFailure(request, deps, 'learner', error, 'look up that learner');
  }
};
