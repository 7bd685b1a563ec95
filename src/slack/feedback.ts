/**
 * The feedback buttons on an at-risk row (worker posts them, the bot listens for them) and the note
 * a click leaves on the message. A row is an enrolment (a learner in a course): the buttons carry
 * enrolmentKey(learner, course), the one key jobs and analytics keep verdicts by, so a verdict on a
 * learner in C1 says nothing about C2. The note goes into that row's own section, replacing its
 * earlier note, so a message never grows with clicks: a top-20 list stays within Slack's 50 blocks
 * after any number of clicks.
 */
import type { ActionsBlock, KnownBlock } from '@slack/types';
import { enrolmentKey } from '../analytics/enrolment-key.ts';
import { buttons, withinLimits } from './blocks.ts';
import { SECTION_TEXT_LIMIT } from './limits.ts';
import { cutText, escapeMrkdwn, slackDate, truncateLines } from './text.ts';

/** action_id of each feedback button on an at-risk row; the bot listens for these. */
export const FEEDBACK_ACTIONS = {
  contacted: 'lumen-feedback-contacted',
  snoozed: 'lumen-feedback-snooze',
  'not-at-risk': 'lumen-feedback-not-at-risk',
} as const;

export type FeedbackVerdict = keyof typeof FEEDBACK_ACTIONS;

export const FEEDBACK_LABELS: Record<FeedbackVerdict, string> = {
  contacted: 'Contacted',
  snoozed: 'Snooze 2 weeks',
  'not-at-risk': 'Not at risk',
};

/** block_id prefix of a learner's feedback buttons. */
export const FEEDBACK_BLOCK_PREFIX = 'lumen-feedback:';
/** Messages posted before notes moved into the learner's section carry them as context blocks. */
const LEGACY_NOTE_PREFIX = 'lumen-feedback-note:';
/** A note is the last line of the learner's section and starts with this. */
const NOTE_MARK = ':memo: ';
/** Room a learner's section keeps for a note (learner lines are cut to leave it). */
export const FEEDBACK_NOTE_RESERVE = 200;

/**
 * The three feedback buttons for one enrolment. The value is enrolmentKey(learner, course): ids and
 * a tab, far below Slack's 2,000 characters (BUTTON_VALUE_LIMIT) for any id the bot accepts (64 + 1 +
 * 255); messages posted before carry the learner id alone. The block_id only has to be unique in the
 * message (withinLimits makes sure), so it spells the key without the tab.
 */
export function feedbackButtons(learnerId: string, courseId: string): ActionsBlock {
  const value = enrolmentKey(learnerId, courseId);
  return buttons(
    `${FEEDBACK_BLOCK_PREFIX}${learnerId}:${courseId}`,
    (Object.keys(FEEDBACK_ACTIONS) as FeedbackVerdict[]).map((verdict) => ({
      actionId: FEEDBACK_ACTIONS[verdict],
      label: FEEDBACK_LABELS[verdict],
      value,
      ...(verdict === 'contacted' ? { style: 'primary' as const } : {}),
    })),
  );
}

export function feedbackNote(verdict: FeedbackVerdict, userId: string, at: Date): string {
  const note = `${NOTE_MARK}${FEEDBACK_LABELS[verdict]} - <@${escapeMrkdwn(userId)}>, ${slackDate(at)}`;
  return cutText(note, FEEDBACK_NOTE_RESERVE - 1);
}

/** The value (enrolment key) of the feedback buttons `block` is, or null for any other block. */
function buttonsValue(block: KnownBlock): string | null {
  if (block.type !== 'actions' || !block.block_id?.startsWith(FEEDBACK_BLOCK_PREFIX)) return null;
  const first = block.elements[0];
  return first?.type === 'button' ? (first.value ?? null) : null;
}

/** The section text with `note` as its last line, replacing an earlier note; within Slack's limit. */
function withNote(text: string, note: string): string {
  const lines = text.split('\n');
  if (lines.length > 1 && lines.at(-1)?.startsWith(NOTE_MARK)) lines.pop();
  const body = truncateLines(lines.join('\n'), SECTION_TEXT_LIMIT - note.length - 1);
  return `${body}\n${note}`;
}

function legacyNoteText(block: KnownBlock): string | null {
  if (block.type !== 'context') return null;
  const element = block.elements[0];
  return element && element.type === 'mrkdwn' ? element.text : null;
}

/**
 * The message's blocks with `note` shown for the row whose buttons carry `buttonValue` (the clicked
 * button's value: an enrolment key, or a learner id on older messages): the last line of that row's
 * section (the block right above its buttons) becomes the note, replacing an earlier one. Notes that
 * older messages carry as separate context blocks move into their learner's section the same way.
 */
export function blocksWithFeedback(
  blocks: readonly KnownBlock[],
  buttonValue: string,
  note: string,
): KnownBlock[] {
  const notes = new Map<string, string>();
  const rest: KnownBlock[] = [];
  for (const block of blocks) {
    const legacy = block.block_id?.startsWith(LEGACY_NOTE_PREFIX) ? legacyNoteText(block) : null;
    if (legacy !== null && block.block_id) notes.set(block.block_id.slice(LEGACY_NOTE_PREFIX.length), legacy);
    else rest.push(block);
  }
  notes.set(buttonValue, note);
  const out = rest.map((block, i) => {
    const next = rest[i + 1];
    const value = next ? buttonsValue(next) : null;
    const learnerNote = value === null ? undefined : notes.get(value);
    if (learnerNote === undefined || block.type !== 'section' || block.text?.type !== 'mrkdwn') return block;
    return { ...block, text: { ...block.text, text: withNote(block.text.text, learnerNote) } };
  });
  return withinLimits(out);
}
