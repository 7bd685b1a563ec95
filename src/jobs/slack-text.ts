/**
 * Slack text helpers shared by the worker's processors and the bot. Names and drivers come from the
 * LMS export, so they are escaped before they reach mrkdwn: `<!channel>` in a name must ping nobody.
 */
import type { SlackBlock } from './publisher.ts';

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

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

/** The three feedback buttons for one learner; the button value is the learner id only. */
export function feedbackButtons(learnerId: string): SlackBlock {
  return {
    type: 'actions',
    block_id: `lumen-feedback:${learnerId}`.slice(0, 255),
    elements: (Object.keys(FEEDBACK_ACTIONS) as FeedbackVerdict[]).map((verdict) => ({
      type: 'button',
      action_id: FEEDBACK_ACTIONS[verdict],
      text: { type: 'plain_text', text: FEEDBACK_LABELS[verdict] },
      value: learnerId,
      ...(verdict === 'contacted' ? { style: 'primary' } : {}),
    })),
  };
}

/** A row of ML_Prediction.csv (column name -> cell) as the at-risk list and the digest show it. */
export function atRiskLearnerLine(
  row: Readonly<Record<string, string | undefined>>,
  feedback: { readonly verdict: string; readonly at: string } | undefined,
): string {
  const risk = Math.round(Number(row.risk_score) * 100);
  const name = escapeMrkdwn(`${row.first_name ?? ''} ${row.last_name ?? ''}`.trim());
  const drivers = (row.top_drivers ?? '').split(/;\s*/).filter(Boolean).slice(0, 3);
  const details = [
    `${escapeMrkdwn(row.department ?? '')} · ${escapeMrkdwn(row.courses ?? '')}`,
    `${risk}% risk, ${escapeMrkdwn(row.risk_band ?? '?')}`,
    ...(drivers.length ? [drivers.map(escapeMrkdwn).join('; ')] : []),
  ];
  const contacted =
    feedback?.verdict === 'contacted'
      ? ` :white_check_mark: contacted ${escapeMrkdwn(feedback.at.slice(0, 10))}`
      : '';
  return `*${name}* (${escapeMrkdwn(row.user_id ?? '')})${contacted}\n${details.join('\n')}`;
}

/** Each listed learner as two blocks: the learner line, then the feedback buttons. */
export function atRiskLearnerBlocks(
  rows: readonly Readonly<Record<string, string | undefined>>[],
  feedback: ReadonlyMap<string, { readonly verdict: string; readonly at: string }>,
): SlackBlock[] {
  return rows.flatMap((row) => [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: atRiskLearnerLine(row, feedback.get(row.user_id ?? '')) },
    },
    feedbackButtons(row.user_id ?? ''),
  ]);
}
