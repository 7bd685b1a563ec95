/** Shows a recorded feedback click on the at-risk message: a context line under that learner's buttons. */
import { escapeMrkdwn, FEEDBACK_LABELS, type FeedbackVerdict, type SlackBlock } from '../../jobs/index.ts';

export function feedbackNote(verdict: FeedbackVerdict, userId: string, at: Date): string {
  const when = at.toISOString().slice(0, 16).replace('T', ' ');
  return `:memo: ${FEEDBACK_LABELS[verdict]} - <@${escapeMrkdwn(userId)}>, ${when} UTC`;
}

/**
 * The original message's blocks with the note placed right after the learner's buttons (replacing an
 * earlier note for the same learner), so the list shows who did what.
 */
export function blocksWithFeedback(
  blocks: readonly SlackBlock[],
  learnerId: string,
  note: string,
): SlackBlock[] {
  const buttonsId = `lumen-feedback:${learnerId}`.slice(0, 255);
  const noteId = `lumen-feedback-note:${learnerId}`.slice(0, 255);
  const out: SlackBlock[] = [];
  for (const block of blocks) {
    if (block.block_id === noteId) continue;
    out.push(block);
    if (block.block_id === buttonsId) {
      out.push({ type: 'context', block_id: noteId, elements: [{ type: 'mrkdwn', text: note }] });
    }
  }
  return out;
}
