/**
 * The feedback buttons on an at-risk row (Contacted / Snooze 2 weeks / Not at risk): acknowledged at
 * once, recorded durably by the record-feedback job (who, when, learner, what), and shown on the
 * message as the last line of that learner's section (src/slack/feedback.ts).
 */
import type { App, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { enqueue } from '../../../jobs/index.ts';
import {
  blocksWithFeedback,
  FEEDBACK_ACTIONS,
  type FeedbackVerdict,
  feedbackNote,
  receivedBlocks,
} from '../../../slack/index.ts';
import type { BotDeps } from '../../deps.ts';

const VERDICT_OF_ACTION = new Map<string, FeedbackVerdict>(
  (Object.entries(FEEDBACK_ACTIONS) as [FeedbackVerdict, string][]).map(([verdict, id]) => [id, verdict]),
);

const LEARNER_ID = /^[A-Za-z0-9_.-]{1,64}$/;

export async function handleFeedbackClick(
  {
    ack,
    action,
    body,
    client,
  }: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & {
    client: App['client'];
  },
  deps: BotDeps,
): Promise<void> {
  await ack();
  try {
    const verdict = VERDICT_OF_ACTION.get(action.action_id);
    const learnerId = action.value ?? '';
    if (!verdict || !LEARNER_ID.test(learnerId)) {
      deps.log(`ignored feedback click ${action.action_id} from ${body.user.id}: bad learner id`);
      return;
    }
    await enqueue(
      deps.queues,
      'record-feedback',
      {
        outDir: deps.jobsConfig.outDir,
        learnerId,
        slackUserId: body.user.id,
        verdict,
      },
      // A redelivered click (same user, learner and click time) is recorded once.
      { dedupeKey: `${body.user.id}-${learnerId}-${action.action_ts}`, dedupeWindowMs: 10 * 60 * 1000 },
    );
    const channel = body.channel?.id;
    const ts = body.message?.ts;
    const blocks = receivedBlocks(body.message?.blocks);
    if (channel && ts && blocks) {
      const updated = blocksWithFeedback(blocks, learnerId, feedbackNote(verdict, body.user.id, new Date()));
      await client.chat.update({
        channel,
        ts,
        blocks: updated,
        text: String(body.message?.text ?? 'Learners at risk'),
      });
    }
  } catch (error) {
    deps.log(
      `feedback click from ${body.user.id} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

export function registerFeedbackActions(app: App, deps: BotDeps): void {
  app.action<BlockAction<ButtonAction>>(/^lumen-feedback-/, (args) => handleFeedbackClick(args, deps));
}
