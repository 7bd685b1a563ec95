/**
 * The feedback buttons on an at-risk row (worker posts them, the bot listens for them) and the note
 * a click leaves on the message. The note goes into the learner's own section, replacing that
 * learner's earlier note, so a message never grows with clicks: a top-20 list (45 blocks) stays
 * within Slack's 50 blocks after any number of clicks.
 */
import type { ActionsBlock, KnownBlock } from '@slack/types';
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

/** The three feedback buttons for one learner; the button value is the learner id only. */
export function feedbackButtons(learnerId: string): ActionsBlock {
  return buttons(
    `${FEEDBACK_BLOCK_PREFIX}${learnerId}`,
    (Object.keys(FEEDBACK_ACTIONS) as FeedbackVerdict[]).map((verdict) => ({
      actionId: FEEDBACK_ACTIONS[verdict],
      label: FEEDBACK_LABELS[verdict],
      value: learnerId,
      ...(verdict === 'contacted' ? { style: 'primary' as const } : {}),
    })),
  );
}

export function feedbackNote(verdict: FeedbackVerdict, userId: string, at: Date): string {
  const note = `${NOTE_MARK}${FEEDBACK_LABELS[verdict]} - <@${escapeMrkdwn(userId)}>, ${slackDate(at)}`;
  return cutText(note, FEEDBACK_NOTE_RESERVE - 1);
}

/** The learner whose feedback buttons `block` is, or null for any other block. */
function buttonsLearner(block: KnownBlock): string | null {
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
 * The message's blocks with `note` shown for `learnerId`: the last line of the learner's section
 * (the block right above their buttons) becomes the note, replacing an earlier one. Notes that older
 * messages carry as separate context blocks move into their learner's section the same way.
 */
export function blocksWithFeedback(
  blocks: readonly KnownBlock[],
  learnerId: string,
  note: string,
): KnownBlock[] {
  const notes = new Map<string, string>();
  const rest: KnownBlock[] = [];
  for (const block of blocks) {
    const legacy = block.block_id?.startsWith(LEGACY_NOTE_PREFIX) ? legacyNoteText(block) : null;
    if (legacy !== null && block.block_id) notes.set(block.block_id.slice(LEGACY_NOTE_PREFIX.length), legacy);
    else rest.push(block);
  }
  notes.set(learnerId, note);
  const out = rest.map((block, i) => {
    const next = rest[i + 1];
    const learner = next ? buttonsLearner(next) : null;
    const learnerNote = learner === null ? undefined : notes.get(learner);
    if (learnerNote === undefined || block.type !== 'section' || block.text?.type !== 'mrkdwn') return block;
    return { ...block, text: { ...block.text, text: withNote(block.text.text, learnerNote) } };
  });
  return withinLimits(out);
}
