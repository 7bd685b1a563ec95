/**
 * The at-risk lists as the at-risk answer and the weekly digest show them. A row of ML_Prediction.csv
 * is an enrolment (a learner in a course), so a learner in two courses can be listed twice, each
 * time with that course's risk, and every line names its course. Per course: its enrolled-but-not-
 * started enrolments first (one section, no buttons: they count apart from the at-risk ones), then
 * its at-risk enrolments, highest risk first, each a section (name, id, department, course, risk,
 * drivers) and the feedback buttons. Parts of a row can be long (a 500-character name), so each is
 * cut to its own budget and the section keeps room for a feedback note.
 */
import type { KnownBlock } from '@slack/types';
import { context, section } from './blocks.ts';
import { FEEDBACK_NOTE_RESERVE, feedbackButtons } from './feedback.ts';
import { SECTION_TEXT_LIMIT } from './limits.ts';
import { cutText, escapeMrkdwn, slackDate, truncateLines, truncateList } from './text.ts';

/**
 * Why a run with a reliable model holds no list: it only trained (`lumen train` publishes the model,
 * its card and stats, and scores nobody). Said as such, not as an unreliable model.
 */
export function trainedOnlyText(modelVersion: string | null): string {
  const model = modelVersion ? `model ${escapeMrkdwn(modelVersion)}` : 'the model';
  return `the latest run only trained ${model} (\`lumen train\`) and scored no learners; the next scoring run (\`lumen score\`, \`lumen run\` or a refresh) lists them`;
}

/** A learner's line at most this long, so a feedback note still fits in the section. */
export const LEARNER_LINE_LIMIT = SECTION_TEXT_LIMIT - FEEDBACK_NOTE_RESERVE;
/** Enrolled-but-not-started enrolments named per course; the rest are in the CSV. */
export const NOT_STARTED_SHOWN = 5;

/** Budgets of a line's parts (escaped text, in characters). */
const NAME_LIMIT = 150;
const ID_LIMIT = 80;
const COURSE_LIMIT = 100;
const DEPARTMENT_LIMIT = 150;
const BAND_LIMIT = 40;
const DRIVER_LIMIT = 200;

export type PredictionRowText = Readonly<Record<string, string | undefined>>;
export interface LearnerFeedback {
  readonly verdict: string;
  readonly at: string;
}
/** The verdict that holds for a row's enrolment (the jobs side keeps the feedback log). */
export type FeedbackOf = (row: PredictionRowText) => LearnerFeedback | undefined;

function part(text: string | undefined, max: number): string {
  return cutText(escapeMrkdwn(text ?? ''), max);
}

function nameOf(row: PredictionRowText): string {
  return part(`${row.first_name ?? ''} ${row.last_name ?? ''}`.trim(), NAME_LIMIT);
}

function contactedMark(feedback: LearnerFeedback | undefined): string {
  return feedback?.verdict === 'contacted'
    ? ` :white_check_mark: contacted ${slackDate(feedback.at, '{date_short}')}`
    : '';
}

/** A row of ML_Prediction.csv (column name -> cell) as a listed at-risk enrolment. */
export function atRiskLearnerLine(row: PredictionRowText, feedback: LearnerFeedback | undefined): string {
  const risk = Math.round(Number(row.risk_score) * 100);
  const drivers = (row.top_drivers ?? '').split(/;\s*/).filter(Boolean).slice(0, 3);
  const head = `*${nameOf(row)}* (${part(row.user_id, ID_LIMIT)})${contactedMark(feedback)}`;
  const where = `${part(row.department, DEPARTMENT_LIMIT)} · ${part(row.course_id, COURSE_LIMIT)}`;
  const tail = [
    `${risk}% risk, ${part(row.risk_band ?? '?', BAND_LIMIT)}`,
    ...(drivers.length ? [drivers.map((driver) => part(driver, DRIVER_LIMIT)).join('; ')] : []),
  ];
  return truncateLines([head, where, ...tail].join('\n'), LEARNER_LINE_LIMIT);
}

/** Each listed enrolment as two blocks: its line, then its feedback buttons. */
export function atRiskLearnerBlocks(
  rows: readonly PredictionRowText[],
  feedbackOf: FeedbackOf,
): KnownBlock[] {
  return rows.flatMap((row) => [
    section(atRiskLearnerLine(row, feedbackOf(row))),
    feedbackButtons(row.user_id ?? '', row.course_id ?? ''),
  ]);
}

/** An enrolled-but-not-started enrolment: "• *Name* (U1) · C1: enrolled 2026-02-03, no activity in 23 days". */
function notStartedLine(row: PredictionRowText, feedback: LearnerFeedback | undefined): string {
  const reason =
    (row.top_drivers ?? '').split(/;\s*/).find(Boolean) ??
    (row.enrolled_on ? `enrolled ${row.enrolled_on}, no activity yet` : 'no activity yet');
  return `• *${nameOf(row)}* (${part(row.user_id, ID_LIMIT)}) · ${part(row.course_id, COURSE_LIMIT)}: ${part(reason, DRIVER_LIMIT)}${contactedMark(feedback)}`;
}

/**
 * "*Enrolled, not started (N)*" and the first `shown` of `rows` (the rest: "N more in the CSV"), as
 * lines; [] when there are none.
 */
export function notStartedLines(
  rows: readonly PredictionRowText[],
  feedbackOf: FeedbackOf,
  shown = NOT_STARTED_SHOWN,
): string[] {
  if (rows.length === 0) return [];
  const more = rows.length - Math.min(shown, rows.length);
  return [
    `*Enrolled, not started (${rows.length})*`,
    ...rows.slice(0, shown).map((row) => notStartedLine(row, feedbackOf(row))),
    ...(more > 0 ? [`_${more} more in the CSV_`] : []),
  ];
}

/** One course's list: what is in scope of it, feedback applied (snoozed enrolments left out). */
export interface CourseList {
  readonly courseId: string;
  /** Open enrolments of the course (every row of it, snoozed or not). */
  readonly open: number;
  /** Enrolled, never active in the course: listed first, counted apart from the at-risk ones. */
  readonly notStarted: readonly PredictionRowText[];
  /** Started enrolments at risk, highest risk first. */
  readonly atRisk: readonly PredictionRowText[];
  /** Snoozed enrolments left out of `notStarted` and `atRisk`. */
  readonly snoozed: number;
}

export interface CourseListOptions {
  /** At-risk enrolments listed with buttons per course. */
  readonly perCourse: number;
  /** ... and in the whole message. */
  readonly maxListed: number;
  /** Blocks these lists may take (the message's other blocks are the caller's). */
  readonly blockBudget: number;
  readonly feedbackOf: FeedbackOf;
}

export interface CourseListBlocks {
  readonly blocks: KnownBlock[];
  /** At-risk enrolments listed with buttons. */
  readonly listed: number;
  /** At-risk enrolments not listed (in the CSV). */
  readonly more: number;
}

function courseHeading(list: CourseList, listed: number, feedbackOf: FeedbackOf): string {
  const course = part(list.courseId || 'no course', COURSE_LIMIT);
  const more = list.atRisk.length - listed;
  const detail = [
    ...(listed > 0 ? [`top ${listed} below`] : []),
    ...(more > 0 ? [`${more} ${listed > 0 ? 'more ' : ''}in the CSV`] : []),
    ...(list.snoozed > 0 ? [`${list.snoozed} snoozed not shown`] : []),
  ];
  const head = `*${course}*: ${list.atRisk.length} of ${list.open} learner${list.open === 1 ? '' : 's'} at risk${detail.length ? ` (${detail.join('; ')})` : ''}`;
  return truncateLines(
    [head, ...notStartedLines(list.notStarted, feedbackOf)].join('\n'),
    SECTION_TEXT_LIMIT,
  );
}

/**
 * The lists of `lists`' courses within `options.blockBudget` blocks: per course a heading section
 * (its counts and enrolled-but-not-started enrolments), then its top at-risk enrolments with buttons.
 * Rows are dealt round-robin (every course its riskiest before any course its second), at most
 * `perCourse` per course and `maxListed` in all; courses that do not fit are named on one line with
 * their counts, and courses with nothing to list on another.
 */
export function courseListBlocks(lists: readonly CourseList[], options: CourseListOptions): CourseListBlocks {
  const hasNews = (list: CourseList) => list.atRisk.length + list.notStarted.length + list.snoozed > 0;
  const active = lists.filter(hasNews);
  const quiet = lists.filter((list) => !hasNews(list));
  const budget = options.blockBudget - (quiet.length > 0 ? 1 : 0);
  // A course costs its heading and, when it has any, room for its riskiest enrolment.
  const cost = (list: CourseList) => 1 + (list.atRisk.length > 0 && options.perCourse > 0 ? 2 : 0);
  const total = active.reduce((sum, list) => sum + cost(list), 0);
  const room = total <= budget ? budget : budget - 1;
  const shown: CourseList[] = [];
  let used = 0;
  for (const list of active) {
    if (used + cost(list) > room) break;
    shown.push(list);
    used += cost(list);
  }
  const overflow = active.slice(shown.length);
  const rowBudget = Math.min(
    options.maxListed,
    Math.floor((budget - (overflow.length > 0 ? 1 : 0) - shown.length) / 2),
  );
  const dealt = shown.map(() => 0);
  const caps = shown.map((list) => Math.min(options.perCourse, list.atRisk.length));
  for (let given = 0, progress = true; given < rowBudget && progress; ) {
    progress = false;
    for (let i = 0; i < shown.length && given < rowBudget; i += 1) {
      if ((dealt[i] ?? 0) < (caps[i] ?? 0)) {
        dealt[i] = (dealt[i] ?? 0) + 1;
        given += 1;
        progress = true;
      }
    }
  }

  const blocks: KnownBlock[] = [];
  let listed = 0;
  shown.forEach((list, i) => {
    const rows = list.atRisk.slice(0, dealt[i] ?? 0);
    listed += rows.length;
    blocks.push(section(courseHeading(list, rows.length, options.feedbackOf)));
    blocks.push(...atRiskLearnerBlocks(rows, options.feedbackOf));
  });
  if (overflow.length > 0) {
    const items = overflow.map(
      (list) =>
        `${part(list.courseId || 'no course', COURSE_LIMIT)} (${list.atRisk.length} at risk, ${list.notStarted.length} not started)`,
    );
    blocks.push(context(`More courses, in the CSV: ${truncateList(items, 2800)}`));
  }
  if (quiet.length > 0) {
    const ids = quiet.map((list) => part(list.courseId || 'no course', COURSE_LIMIT));
    blocks.push(context(`Nobody at risk or waiting to start in ${truncateList(ids, 2800)}`));
  }
  const atRiskAll = active.reduce((sum, list) => sum + list.atRisk.length, 0);
  return { blocks, listed, more: atRiskAll - listed };
}
