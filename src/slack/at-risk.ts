/**
 * A listed at-risk learner as the at-risk list and the weekly digest show it: one section (name,
 * id, department, courses, risk, drivers) and the feedback buttons. A row of ML_Prediction.csv can
 * be long (a learner in 400 courses, a 500-character name), so each part is cut to its own budget
 * and the course list says how many it left out; the section keeps room for a feedback note.
 */
import type { KnownBlock } from '@slack/types';
import { section } from './blocks.ts';
import { FEEDBACK_NOTE_RESERVE, feedbackButtons } from './feedback.ts';
import { SECTION_TEXT_LIMIT } from './limits.ts';
import { cutText, escapeMrkdwn, slackDate, truncateLines, truncateList } from './text.ts';

/** A learner's line at most this long, so a feedback note still fits in the section. */
export const LEARNER_LINE_LIMIT = SECTION_TEXT_LIMIT - FEEDBACK_NOTE_RESERVE;

/** Budgets of the parts other than the course list (escaped text, in characters). */
const NAME_LIMIT = 150;
const ID_LIMIT = 80;
const DEPARTMENT_LIMIT = 150;
const BAND_LIMIT = 40;
const DRIVER_LIMIT = 200;

export type PredictionRowText = Readonly<Record<string, string | undefined>>;
export interface LearnerFeedback {
  readonly verdict: string;
  readonly at: string;
}

function part(text: string | undefined, max: number): string {
  return cutText(escapeMrkdwn(text ?? ''), max);
}

/** A row of ML_Prediction.csv (column name -> cell) as the at-risk list and the digest show it. */
export function atRiskLearnerLine(row: PredictionRowText, feedback: LearnerFeedback | undefined): string {
  const risk = Math.round(Number(row.risk_score) * 100);
  const name = part(`${row.first_name ?? ''} ${row.last_name ?? ''}`.trim(), NAME_LIMIT);
  const drivers = (row.top_drivers ?? '').split(/;\s*/).filter(Boolean).slice(0, 3);
  const contacted =
    feedback?.verdict === 'contacted'
      ? ` :white_check_mark: contacted ${slackDate(feedback.at, '{date_short}')}`
      : '';
  const head = `*${name}* (${part(row.user_id, ID_LIMIT)})${contacted}`;
  const department = `${part(row.department, DEPARTMENT_LIMIT)} · `;
  const tail = [
    `${risk}% risk, ${part(row.risk_band ?? '?', BAND_LIMIT)}`,
    ...(drivers.length ? [drivers.map((driver) => part(driver, DRIVER_LIMIT)).join('; ')] : []),
  ];
  // The course list takes what the other parts leave (ids are joined by ';' in the outputs).
  const fixed = head.length + 1 + department.length + tail.reduce((sum, line) => sum + 1 + line.length, 0);
  const courses = (row.courses ?? '')
    .split(/\s*[;,]\s*/)
    .filter(Boolean)
    .map(escapeMrkdwn);
  const courseList = truncateList(courses, Math.max(LEARNER_LINE_LIMIT - fixed, 0));
  return truncateLines([head, `${department}${courseList}`, ...tail].join('\n'), LEARNER_LINE_LIMIT);
}

/** Each listed learner as two blocks: the learner line, then the feedback buttons. */
export function atRiskLearnerBlocks(
  rows: readonly PredictionRowText[],
  feedback: ReadonlyMap<string, LearnerFeedback>,
): KnownBlock[] {
  return rows.flatMap((row) => [
    section(atRiskLearnerLine(row, feedback.get(row.user_id ?? ''))),
    feedbackButtons(row.user_id ?? ''),
  ]);
}
