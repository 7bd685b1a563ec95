/**
 * The feedback buttons on an at-risk row (Contacted / Snooze 2 weeks / Not at risk): acknowledged at
 * once, recorded durably by the record-feedback job (who, when, learner, course, what), and shown on
 * the message as the last line of that row's section (src/slack/feedback.ts). A row is an enrolment:
 * the button carries the learner and the course, and only staff who may see that course's learners
 * act; anyone else's click is logged (who, when; no learner data), answered with an ephemeral note,
 * and changes nothing.
 */
import type { App, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { parseEnrolmentKey } from '../../../analytics/enrolment-key.ts';
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
/** A course id from the export: trimmed, no control characters ('' on buttons of older lists). */
const COURSE_ID = /^\P{Cc}{0,255}$/u;
/** How long a course staff member's click waits for the worker's check before giving up. */
const FEEDBACK_CHECK_MS = 30_000;

export const NOT_STAFF_FEEDBACK_TEXT =
  'Only programme staff can give feedback on learners, so nothing was recorded. Ask a Lumen admin if you should be on the staff list.';
export const OUTSIDE_SCOPE_FEEDBACK_TEXT =
  'That learner is not in one of your courses, so nothing was recorded.';
export const OLD_LIST_FEEDBACK_TEXT =
  'That list was posted before lists were per course, so nothing was recorded. Ask for a fresh list (`/lumen at-risk`) and give your feedback there.';

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
    const value = action.value ?? '';
    // An enrolment key; buttons posted before lists were per course carry the learner id alone.
    const { userId: learnerId, courseId } = parseEnrolmentKey(value);
    if (!verdict || !LEARNER_ID.test(learnerId) || !COURSE_ID.test(courseId)) {
      deps.log(`ignored feedback click ${action.action_id} from ${body.user.id}: bad learner or course id`);
      return;
    }
    const who = await staffScopeOf(deps, body.user.id);
    if (!who.staff) {
      deps.log(`ignored feedback click from ${body.user.id} at ${new Date().toISOString()}: not staff`);
      await tellClicker(respond, NOT_STAFF_FEEDBACK_TEXT);
      return;
    }
    if (courseId === '' && who.scope !== null) {
      // Which of the learner's courses was meant cannot be told: a learner-wide verdict is programme staff's.
      deps.log(`ignored feedback click from ${body.user.id}: a button of a list without courses`);
      await tellClicker(respond, OLD_LIST_FEEDBACK_TEXT);
      return;
    }
    const job = await enqueue(
      deps.queues,
      'record-feedback',
      {
        outDir: deps.jobsConfig.outDir,
        learnerId,
        courseId,
        slackUserId: body.user.id,
        verdict,
        scope: who.scope,
      },
      // A redelivered click (same user, enrolment and click time) is recorded once.
      {
        dedupeKey: `${body.user.id}-${learnerId}-${courseId}-${action.action_ts}`,
        dedupeWindowMs: 10 * 60 * 1000,
      },
    );
    // Course staff: the worker checks the enrolment is one of their course's before the message shows it.
    if (who.scope !== null) {
      const result = await deps.watcher.waitFor('record-feedback', job.id, FEEDBACK_CHECK_MS);
      if (!result.recorded) {
        deps.log(`ignored feedback click from ${body.user.id}: enrolment outside their courses`);
        await tellClicker(respond, OUTSIDE_SCOPE_FEEDBACK_TEXT);
        return;
      }
    }
    const channel = body.channel?.id;
    const ts = body.message?.ts;
    const blocks = receivedBlocks(body.message?.blocks);
    if (channel && ts && blocks) {
      const updated = blocksWithFeedback(blocks, value, feedbackNote(verdict, body.user.id, new Date()));
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
