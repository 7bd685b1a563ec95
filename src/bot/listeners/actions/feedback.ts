/**
 * The feedback buttons on an at-risk row (Contacted / Snooze 2 weeks / Not at risk): acknowledged at
 * once, recorded durably by the record-feedback job (who, when, learner, what), and shown on the
 * message as the last line of that learner's section (src/slack/feedback.ts). Only staff who may see
 * the learner act: anyone else's click is logged (who, when; no learner data), answered with an
 * ephemeral note, and changes nothing.
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
import { staffScopeOf } from '../../privacy.ts';

const VERDICT_OF_ACTION = new Map<string, FeedbackVerdict>(
  (Object.entries(FEEDBACK_ACTIONS) as [FeedbackVerdict, string][]).map(([verdict, id]) => [id, verdict]),
);

const LEARNER_ID = /^[A-Za-z0-9_.-]{1,64}$/;
/** How long a course staff member's click waits for the worker's check before giving up. */
const FEEDBACK_CHECK_MS = 30_000;

export const NOT_STAFF_FEEDBACK_TEXT =
  'Only programme staff can give feedback on learners, so nothing was recorded. Ask a Lumen admin if you should be on the staff list.';
export const OUTSIDE_SCOPE_FEEDBACK_TEXT =
  'That learner is not in one of your courses, so nothing was recorded.';

/** An ephemeral line to whoever clicked (response_url of the click); a failure is only logged by the caller. */
async function tellClicker(
  respond: SlackActionMiddlewareArgs<BlockAction<ButtonAction>>['respond'],
  text: string,
): Promise<void> {
  await respond({ response_type: 'ephemeral', replace_original: false, text });
}

export async function handleFeedbackClick(
  {
    ack,
    action,
    body,
    client,
    respond,
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
    const who = await staffScopeOf(deps, body.user.id);
    if (!who.staff) {
      deps.log(`ignored feedback click from ${body.user.id} at ${new Date().toISOString()}: not staff`);
      await tellClicker(respond, NOT_STAFF_FEEDBACK_TEXT);
      return;
    }
    const job = await enqueue(
      deps.queues,
      'record-feedback',
      {
        outDir: deps.jobsConfig.outDir,
        learnerId,
        slackUserId: body.user.id,
        verdict,
        scope: who.scope,
      },
      // A redelivered click (same user, learner and click time) is recorded once.
      { dedupeKey: `${body.user.id}-${learnerId}-${action.action_ts}`, dedupeWindowMs: 10 * 60 * 1000 },
    );
    // Course staff: the worker checks the learner is one of theirs before the message shows it.
    if (who.scope !== null) {
      const result = await deps.watcher.waitFor('record-feedback', job.id, FEEDBACK_CHECK_MS);
      if (!result.recorded) {
        deps.log(`ignored feedback click from ${body.user.id}: learner outside their courses`);
        await tellClicker(respond, OUTSIDE_SCOPE_FEEDBACK_TEXT);
        return;
      }
    }
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
