/**
 * post-at-risk: the latest at-risk lists to a Slack channel, one per course the requester may see
 * (or the one course asked for): its enrolled-but-not-started enrolments first, then its at-risk
 * enrolments, highest risk first (src/slack/at-risk.ts). Rows are enrolments (a learner in a course),
 * so counts are of enrolments and a learner at risk in C1 only is on C1's list only. When the model
 * failed its reliability gate (or no list was published) the channel gets the reason, never an empty
 * list. Names and drivers come from the export, so they are escaped for mrkdwn.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toCsv } from '../../analytics/csv-safe.ts';
import { weakListText } from '../../analytics/model/card.ts';
import {
  byRiskDescending,
  latestRunFolderOrFail,
  type CsvRow as PredictionRow,
  previousRunFolder,
  RUN_FILES,
  readModelCard,
  readNeverActive,
  readPredictions,
  readRunSummary,
} from '../../run-folder/index.ts';
import {
  type CourseList,
  context as contextLine,
  courseListBlocks,
  escapeMrkdwn,
  header as headerBlock,
  type KnownBlock,
  MAX_BLOCKS,
  neverActiveBlocks,
  section,
  trainedOnlyText,
  withinLimits,
} from '../../slack/index.ts';
import { atRiskCsvAltText, neverActiveCsvAltText } from '../alt-text.ts';
import type { JobContext, LearnerScope, PostResult } from '../contracts.ts';
import { feedbackOn, isSnoozed, type LatestFeedback, latestFeedback } from '../feedback-log.ts';
import { rowsInScope } from '../learner-scope.ts';
import { PostLedger } from '../post-ledger.ts';
import type { ProcessorContext } from '../processor-context.ts';
import { requirePublisher } from './require-publisher.ts';

/** At-risk enrolments listed with buttons in one message (each takes two of Slack's 50 blocks). */
export const MAX_LISTED = 20;

function bandCounts(rows: PredictionRow[]): string {
  const bands = new Map<string, number>();
  for (const row of rows) bands.set(row.risk_band ?? '?', (bands.get(row.risk_band ?? '?') ?? 0) + 1);
  return [...bands].map(([band, n]) => `${escapeMrkdwn(band)}: ${n}`).join(' · ');
}

/**
 * The courses whose lists a message shows: the one asked for, else every course of the requester's
 * scope (those without open enrolments too: "nobody at risk" is news to their staff), else (programme
 * staff) every course with open enrolments.
 */
function listedCourses(
  rows: readonly PredictionRow[],
  scope: LearnerScope,
  courseId: string | null,
): string[] {
  if (courseId) return [courseId];
  const courses = scope ?? rows.map((row) => row.course_id ?? '');
  return [...new Set(courses)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Each course's list from its in-scope rows: enrolled-but-not-started enrolments (never_active) and
 * started ones at risk, each highest risk first, snoozed enrolments left out and counted.
 */
export function courseLists(
  rows: readonly PredictionRow[],
  courses: readonly string[],
  feedback: ReadonlyMap<string, LatestFeedback>,
  now: Date,
): CourseList[] {
  const snoozed = (row: PredictionRow) =>
    isSnoozed(feedbackOn(feedback, row.user_id ?? '', row.course_id ?? ''), now);
  return courses.map((courseId) => {
    const ofCourse = rows.filter((row) => (row.course_id ?? '') === courseId).sort(byRiskDescending);
    const notStarted = ofCourse.filter((row) => row.never_active === 'true');
    const atRisk = ofCourse.filter((row) => row.at_risk === 'true' && row.never_active !== 'true');
    const shownNotStarted = notStarted.filter((row) => !snoozed(row));
    const shownAtRisk = atRisk.filter((row) => !snoozed(row));
    return {
      courseId,
      open: ofCourse.length,
      notStarted: shownNotStarted,
      atRisk: shownAtRisk,
      snoozed: notStarted.length - shownNotStarted.length + atRisk.length - shownAtRisk.length,
    };
  });
}

/** "at risk: 427 (+12 since 2026-06-21)", or "(first run)" when there is no earlier run to compare. */
export function atRiskChange(outDir: string, latestDir: string, atRiskNow: number): string {
  const previousDir = previousRunFolder(outDir, latestDir);
  let previous = null;
  try {
    previous = previousDir ? readRunSummary(previousDir) : null;
  } catch {
    // A damaged earlier run only costs the comparison.
  }
  if (previous === null || previous.atRisk === null) return `at risk: ${atRiskNow} (first run)`;
  const delta = atRiskNow - previous.atRisk;
  const sign = delta > 0 ? '+' : delta < 0 ? '-' : '±';
  return `at risk: ${atRiskNow} (${sign}${Math.abs(delta)} since ${escapeMrkdwn(previous.asOf)})`;
}

function summaryBandCounts(bands: Record<string, number>): string {
  return Object.entries(bands)
    .map(([band, n]) => `${escapeMrkdwn(band)}: ${n}`)
    .join(' · ');
}

export async function processPostAtRisk(
  job: JobContext<'post-at-risk'>,
  context: ProcessorContext,
): Promise<PostResult> {
  const publisher = requirePublisher(context);
  const { channel, outDir, scope } = job.data;
  const courseId = job.data.courseId || null;
  const limit = Math.min(Math.max(job.data.limit ?? 10, 1), MAX_LISTED);
  // What earlier attempts already sent: a retry finishes the rest and never posts the list twice.
  const ledger = new PostLedger(job, publisher, channel);
  await ledger.stage('reading the latest scores and the previous run', 20);
  const runDir = latestRunFolderOrFail(outDir);
  const card = readModelCard(runDir);
  const rows = readPredictions(runDir);

  if (!card?.reliable || rows === null) {
    const reasons = card?.gateReasons.length ? card.gateReasons.join(' ') : 'no at-risk list was produced';
    // A reliable model and no list: the run only trained (a scoring run always writes the list).
    const text = card?.reliable
      ? `No at-risk list this time: ${trainedOnlyText(card.modelVersion)}.`
      : `No at-risk list this time: no model ranks the learners reliably enough (neither completion nor going quiet). ${escapeMrkdwn(reasons)}`;
    await ledger.message([section(text)], text);
    return { channel, posted: 'reason', count: 0 };
  }

  const summary = readRunSummary(runDir);
  const allAtRisk = summary?.atRisk ?? rows.filter((r) => r.at_risk === 'true').length;
  const change = atRiskChange(outDir, runDir, allAtRisk);
  const allBands = summary?.bands ? summaryBandCounts(summary.bands) : bandCounts(rows);
  // The run's own totals, over every course (the lists below are narrower when the scope is).
  const totals = `${change} · ${allBands}${scope !== null || courseId ? ' (all courses)' : ''}`;
  // Only the enrolments the requester may see, then the course asked for.
  const inScope = rowsInScope(rows, scope).filter((r) => !courseId || r.course_id === courseId);
  const courses = listedCourses(inScope, scope, courseId);
  // Feedback from the buttons, per enrolment: snoozed ones stay out until the snooze ends.
  const feedback = latestFeedback(outDir);
  const lists = courseLists(inScope, courses, feedback, new Date());
  const atRiskCount = lists.reduce((sum, list) => sum + list.atRisk.length, 0);
  const notStartedCount = lists.reduce((sum, list) => sum + list.notStarted.length, 0);
  const snoozed = lists.reduce((sum, list) => sum + list.snoozed, 0);
  const asOf = rows[0]?.as_of ?? card.dataAsOf;
  // One course: its enrolments are its learners. Several: a learner may count in each of them.
  const singleCourse = courses.length === 1 ? courses[0] || 'no course' : null;
  const single = singleCourse === null ? null : escapeMrkdwn(singleCourse);
  const where = courseId ? ` in ${escapeMrkdwn(courseId)}` : '';
  // Registered learners with no activity at all belong to no course: programme-wide answers only.
  const neverActive = scope === null && !courseId ? readNeverActive(runDir) : [];
  if (atRiskCount === 0 && notStartedCount === 0) {
    const hidden = snoozed > 0 ? ` (${snoozed} snoozed not shown)` : '';
    const who = single !== null ? `learner in ${single}` : 'enrolment';
    const text = `No ${who} is at risk as of ${asOf}${hidden} (model ${card.modelVersion}).`;
    await ledger.stage('posting the list', 70);
    await ledger.message([section(text), contextLine(totals), ...neverActiveBlocks(neverActive)], text);
    return { channel, posted: 'list', count: 0, summary: totals };
  }
  const waiting = notStartedCount > 0 ? `; ${notStartedCount} enrolled, not started` : '';
  const headline =
    single !== null
      ? `${atRiskCount} of ${inScope.length} learners in ${single} at risk as of ${asOf}${waiting}`
      : `${atRiskCount} of ${inScope.length} open enrolments at risk in ${courses.length} courses as of ${asOf}${waiting}`;
  // What the list ranks (ML_Prediction.csv's target; absent in runs before it).
  const target = rows[0]?.target;
  const ranks = card?.silenceOnly
    ? 'Ranked by days since the last activity: no model fitted on this export did better (see the model card).'
    : target === 'disengagement'
      ? 'Ranked by the risk of going quiet or scoring low in the coming weeks (nobody has completed yet to learn from).'
      : target === 'completion'
        ? 'Ranked by the risk of not completing the course.'
        : null;
  const weak = card?.weakList ? weakListText(card.weakList.cvAuc) : null;
  const top: KnownBlock[] = [
    headerBlock('Learners at risk'),
    section(headline),
    contextLine(courseId ? `${where.trim()}: ${bandCounts(inScope)}` : bandCounts(inScope)),
    contextLine([totals, ranks, weak].filter((part) => part !== null).join(' · ')),
  ];
  const bottom: KnownBlock[] = neverActiveBlocks(neverActive);
  const footerBlocks = 1;
  const listed = courseListBlocks(lists, {
    perCourse: limit,
    maxListed: MAX_LISTED,
    blockBudget: MAX_BLOCKS - top.length - bottom.length - footerBlocks,
    feedbackOf: (row) => feedbackOn(feedback, row.user_id ?? '', row.course_id ?? ''),
  });
  const footer = [
    `model ${card.modelVersion}`,
    ...(listed.more > 0 ? [`and ${listed.more} more at risk - see the CSV`] : []),
    ...(snoozed > 0 ? [`${snoozed} snoozed not shown`] : []),
  ].join(' · ');
  const blocks = [...top, ...listed.blocks, ...bottom, contextLine(footer)];
  await ledger.stage('posting the list', 70);
  await ledger.message(withinLimits(blocks), headline);
  if (job.data.attachCsv) {
    await ledger.stage('uploading the CSV', 85);
    // Every listed course's not-started and at-risk enrolments the requester may see, snoozed left out.
    const csvRows = lists.flatMap((list) => [...list.notStarted, ...list.atRisk]);
    // LMS text (names, departments) that a spreadsheet would run as a formula is neutralised.
    const csv = () => Buffer.from(toCsv(csvRows, { header: true, columns: Object.keys(csvRows[0] ?? {}) }));
    await ledger.upload(`at-risk-${asOf}.csv`, csv, `At-risk learners ${asOf}`, {
      altText: atRiskCsvAltText(atRiskCount, asOf, { course: singleCourse, notStarted: notStartedCount }),
    });
    // The run's own never_active.csv, as written (formula-safe).
    if (neverActive.length > 0)
      await ledger.upload(
        `never-active-${asOf}.csv`,
        () => readFileSync(join(runDir, RUN_FILES.neverActive)),
        `Registered, never active ${asOf}`,
        { altText: neverActiveCsvAltText(neverActive.length, asOf) },
      );
  }
  return {
    channel,
    posted: 'list',
    count: listed.listed,
    summary: `${listed.listed} listed · ${totals}`,
  };
}
