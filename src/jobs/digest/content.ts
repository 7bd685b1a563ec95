/**
 * The weekly digest's content, built from run outputs without touching Slack or the file system:
 * KPIs of the as-of week against the week before, the at-risk split against the previous digest,
 * the enrolled-but-not-started enrolments and the top at-risk enrolments with feedback buttons, a
 * per-course breakdown when the digest covers several courses, model health and data quality.
 * At-risk rows are enrolments (a learner in a course), so counts are of enrolments and the split
 * compares enrolment keys. Every text that comes from the export (names, departments, drivers,
 * reasons) is escaped for mrkdwn.
 */

import { toCsv } from '../../analytics/csv-safe.ts';
import { enrolmentKey, parseEnrolmentKey } from '../../analytics/enrolment-key.ts';
import { groupBy } from '../../analytics/group-by.ts';
import { COMPLETION_RATE, completionRate } from '../../analytics/kpis.ts';
import { lastCompleteWeekEnd } from '../../analytics/weeks.ts';
import { byRiskDescending } from '../../run-folder/index.ts';
import {
  atRiskLearnerBlocks,
  context,
  divider,
  escapeMrkdwn,
  header,
  type KnownBlock,
  neverActiveBlocks,
  notStartedLines,
  type PredictionRowText,
  section,
  slackDate,
  trainedOnlyText,
  truncateLines,
  withinLimits,
  withoutPaths,
} from '../../slack/index.ts';
import { atRiskCsvAltText } from '../alt-text.ts';
import { feedbackOn, isSnoozed, type LatestFeedback } from '../feedback-log.ts';
import { addDays, isoWeek, mondayOf } from './iso-week.ts';
import type { CsvRow, RunOutputs } from './run-outputs.ts';

export const DEFAULT_DIGEST_TOP = 10;
/** Each listed enrolment takes two blocks; Slack allows 50 blocks per message. */
export const MAX_DIGEST_TOP = 20;
/** Courses named in the per-course breakdown; the rest are counted. */
const BREAKDOWN_COURSES = 15;

export interface WeekKpis {
  readonly weekStart: string;
  readonly activeLearners: number;
  readonly sessions: number;
  readonly modulesCompleted: number;
  /** Mean of avg_quiz_score over the learners with a quiz that week; null when nobody took one. */
  readonly avgQuizScore: number | null;
}

export interface Kpis {
  readonly current: WeekKpis;
  readonly previous: WeekKpis;
  /** Completed learners / learners with an outcome, in percent. */
  readonly completionRate: number | null;
  readonly previousCompletionRate: number | null;
}

/**
 * The split compares enrolments at risk now with those of the previous digest. Both are keyed by
 * enrolmentKey(learner, course).
 */
export interface AtRiskSplit {
  /** Counts by band (current band). */
  readonly newThisWeek: Record<string, number>;
  readonly stillAtRisk: Record<string, number>;
  /** In the previous digest's at-risk set, scored now and not at risk. */
  readonly recovered: number;
  /** In the previous set, no longer scored (completed or dropped since). */
  readonly left: number;
  /** False when there was no previous digest or run to compare with: everyone counts as new. */
  readonly hasBaseline: boolean;
}

export interface DigestInput {
  readonly current: RunOutputs;
  /** The run the previous digest was built from (completion-rate trend); null: none. */
  readonly previous: RunOutputs | null;
  /**
   * Enrolment keys at risk in the previous digest (a digest stored before the enrolment grain holds
   * learner ids: each stands for every enrolment of that learner); null: no previous digest (use
   * `previous`'s list).
   */
  readonly previousAtRisk: readonly string[] | null;
  readonly feedback: ReadonlyMap<string, LatestFeedback>;
  readonly now: Date;
  readonly top?: number;
  readonly modelMaxAgeDays: number;
}

export interface DigestContent {
  readonly asOf: string;
  /** ISO week of the as-of date, e.g. 2026-W26. */
  readonly asOfWeek: string;
  readonly blocks: KnownBlock[];
  readonly text: string;
  readonly kpis: Kpis;
  readonly split: AtRiskSplit;
  /** Enrolment keys of every started enrolment at risk (snoozed included): the next digest's baseline. */
  readonly atRiskIds: string[];
  /**
   * The not-started and at-risk enrolments (snoozed left out), in the file's order, spreadsheet-safe;
   * null when no list was published or nobody is on it.
   */
  readonly atRiskCsv: string | null;
  /** Rows in the CSV. */
  readonly atRiskCsvRows: number;
  /** What the CSV holds, for its alt text (counts and a date, never names). */
  readonly atRiskCsvAltText: string;
  readonly csvName: string;
  /** Charts to upload: file name and absolute path. */
  readonly charts: { name: string; path: string; title: string }[];
}

function num(value: string | undefined): number {
  const n = Number(value);
  return value === undefined || value === '' || !Number.isFinite(n) ? 0 : n;
}

export function weekKpis(weekly: readonly CsvRow[], weekStart: string): WeekKpis {
  const rows = weekly.filter((row) => row.week_start === weekStart);
  const quiz = rows.filter((row) => row.avg_quiz_score !== undefined && row.avg_quiz_score !== '');
  return {
    weekStart,
    activeLearners: new Set(rows.filter((row) => num(row.active_days) > 0).map((row) => row.user_id)).size,
    sessions: rows.reduce((sum, row) => sum + num(row.sessions), 0),
    modulesCompleted: rows.reduce((sum, row) => sum + num(row.modules_completed), 0),
    avgQuizScore: quiz.length
      ? quiz.reduce((sum, row) => sum + num(row.avg_quiz_score), 0) / quiz.length
      : null,
  };
}

/** COMPLETION_RATE (src/analytics/kpis.ts) of learner_outcomes.csv rows, in percent. */
export function completionRatePercent(outcomes: readonly CsvRow[]): number | null {
  const count = (outcome: string) => outcomes.filter((row) => row.outcome === outcome).length;
  const rate = completionRate(count('completed'), count('dropped'));
  return rate === null ? null : rate * 100;
}

export function computeKpis(current: RunOutputs, previous: RunOutputs | null): Kpis {
  // Complete weeks only: a Monday run compares last week with the week before, never one day with
  // seven (the week that has just begun is next week's news).
  const weekStart = mondayOf(lastCompleteWeekEnd(current.summary.asOf));
  return {
    current: weekKpis(current.weekly, weekStart),
    previous: weekKpis(current.weekly, addDays(weekStart, -7)),
    completionRate: completionRatePercent(current.outcomes),
    previousCompletionRate: previous ? completionRatePercent(previous.outcomes) : null,
  };
}

function keyOf(row: CsvRow): string {
  return enrolmentKey(row.user_id ?? '', row.course_id ?? '');
}

function isNotStarted(row: CsvRow): boolean {
  return row.never_active === 'true';
}

/**
 * Started enrolments at risk, highest risk first. Enrolled-but-not-started ones count apart: they
 * are listed first in their own section and are no news from one week to the next.
 */
function atRiskRows(outputs: RunOutputs | null): CsvRow[] {
  return (outputs?.predictions ?? [])
    .filter((row) => row.at_risk === 'true' && !isNotStarted(row))
    .sort(byRiskDescending);
}

export function splitAtRisk(
  current: readonly CsvRow[] | null,
  previousIds: readonly string[] | null,
): AtRiskSplit {
  const rows = (current ?? []).filter((row) => !isNotStarted(row));
  const before = new Set(previousIds ?? []);
  // A baseline stored before the enrolment grain names learners: it stands for all their enrolments.
  const learnersBefore = new Set([...before].filter((id) => parseEnrolmentKey(id).courseId === ''));
  const wasAtRisk = (row: CsvRow) => before.has(keyOf(row)) || learnersBefore.has(row.user_id ?? '');
  const newThisWeek: Record<string, number> = {};
  const stillAtRisk: Record<string, number> = {};
  const scored = new Map(rows.map((row) => [keyOf(row), row]));
  const scoredOf = groupBy(rows, (row) => row.user_id ?? '');
  for (const row of rows) {
    if (row.at_risk !== 'true') continue;
    const target = wasAtRisk(row) ? stillAtRisk : newThisWeek;
    const band = row.risk_band || '?';
    target[band] = (target[band] ?? 0) + 1;
  }
  let recovered = 0;
  let left = 0;
  for (const id of before) {
    const { userId, courseId } = parseEnrolmentKey(id);
    const now =
      courseId === '' ? (scoredOf.get(userId) ?? []) : [scored.get(id)].filter((r) => r !== undefined);
    if (now.length === 0) left += 1;
    else if (now.every((row) => row.at_risk !== 'true')) recovered += 1;
  }
  return { newThisWeek, stillAtRisk, recovered, left, hasBaseline: previousIds !== null };
}

/** "• C101: 5 at risk · 40 open · 2 not started", one line per course (the first BREAKDOWN_COURSES). */
function courseBreakdown(rows: readonly CsvRow[]): string[] {
  const courses = new Map<string, { atRisk: number; open: number; notStarted: number }>();
  for (const row of rows) {
    const course = courses.get(row.course_id ?? '') ?? { atRisk: 0, open: 0, notStarted: 0 };
    course.open += 1;
    if (isNotStarted(row)) course.notStarted += 1;
    else if (row.at_risk === 'true') course.atRisk += 1;
    courses.set(row.course_id ?? '', course);
  }
  const ids = [...courses.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const more = ids.length - BREAKDOWN_COURSES;
  return [
    '*By course*',
    ...ids.slice(0, BREAKDOWN_COURSES).map((id) => {
      const c = courses.get(id) ?? { atRisk: 0, open: 0, notStarted: 0 };
      return `• ${escapeMrkdwn(id || 'no course').slice(0, 100)}: ${c.atRisk} at risk · ${c.open} open · ${c.notStarted} not started`;
    }),
    ...(more > 0 ? [`... and ${more} more courses (in the CSV)`] : []),
  ];
}

function arrow(now: number | null, before: number | null, digits = 0, unit = '', deltaUnit = unit): string {
  const show = (n: number, suffix = unit) => `${n.toFixed(digits)}${suffix}`;
  if (now === null) return 'n/a';
  if (before === null) return `${show(now)} (no earlier week)`;
  const delta = now - before;
  const mark = Math.abs(delta) < 10 ** -digits / 2 ? '→' : delta > 0 ? '↑' : '↓';
  const signed = `${delta > 0 ? '+' : delta < 0 ? '−' : '±'}${show(Math.abs(delta), deltaUnit)}`;
  return `${show(now)} ${mark} ${signed}`;
}

function bandText(counts: Record<string, number>): string {
  const order = ['high', 'medium', 'low'];
  const bands = Object.keys(counts).sort((a, b) => {
    const ia = order.indexOf(a);
    const ib = order.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
  });
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  if (total === 0) return '0';
  return `${total} (${bands.map((band) => `${escapeMrkdwn(band)} ${counts[band]}`).join(', ')})`;
}

export function modelHealthLine(outputs: RunOutputs, now: Date, maxAgeDays: number): string {
  const card = outputs.card;
  if (!card) return ':warning: Model: no model card in this run.';
  const auc = card.evaluation?.cvAuc;
  const trained = card.trainedAt ? slackDate(card.trainedAt, '{date_short}') : 'unknown';
  const ageDays = card.trainedAt
    ? Math.floor((now.getTime() - Date.parse(card.trainedAt)) / 86_400_000)
    : null;
  const warnings: string[] = [];
  if (!card.reliable)
    warnings.push(`not reliable: ${escapeMrkdwn(card.gateReasons.join(' ') || 'failed the gate')}`);
  if (ageDays !== null && ageDays > maxAgeDays)
    warnings.push(`trained ${ageDays} days ago (over LUMEN_MODEL_MAX_AGE_DAYS=${maxAgeDays}): retrain`);
  const parts = [
    `Model ${escapeMrkdwn(card.modelVersion ?? 'none')}`,
    `CV AUC ${typeof auc === 'number' ? auc.toFixed(3) : 'n/a'}`,
    `gate ${card.reliable ? 'passed' : 'failed'}`,
    `trained ${escapeMrkdwn(trained)}`,
  ];
  return `${warnings.length ? ':warning: ' : ''}${parts.join(' · ')}${warnings.length ? ` - ${warnings.join('; ')}` : ''}`;
}

export function dataQualityLine(outputs: RunOutputs): string {
  const reasons = new Map<string, number>();
  let excluded = 0;
  for (const file of outputs.quality?.files ?? []) {
    for (const item of file.excluded ?? []) {
      excluded += item.rows;
      const label = item.label ?? item.reason;
      reasons.set(label, (reasons.get(label) ?? 0) + item.rows);
    }
  }
  if (!outputs.quality) return 'Data quality: no data_quality.json in this run.';
  if (excluded === 0) return 'Data quality: no rows excluded.';
  const [top, rows] = [...reasons].sort((a, b) => b[1] - a[1])[0] ?? ['?', 0];
  return `Data quality: ${excluded} rows excluded; top reason ${escapeMrkdwn(top)} (${rows}).`;
}

/** The at-risk list as CSV, formula-safe for spreadsheets. */
function atRiskCsv(rows: readonly CsvRow[]): string {
  const columns = Object.keys(rows[0] ?? {});
  return toCsv(
    rows.map((row) => columns.map((column) => row[column] ?? '')),
    { header: true, columns },
  );
}

export function buildDigestContent(input: DigestInput): DigestContent {
  const { current, feedback, now } = input;
  const asOf = current.summary.asOf;
  const asOfWeek = isoWeek(asOf);
  const top = Math.min(Math.max(input.top ?? DEFAULT_DIGEST_TOP, 1), MAX_DIGEST_TOP);
  const kpis = computeKpis(current, input.previous);
  const predictions = current.predictions ?? [];
  const flagged = atRiskRows(current);
  const previousIds = input.previousAtRisk ?? (input.previous ? atRiskRows(input.previous).map(keyOf) : null);
  const split = splitAtRisk(current.predictions, previousIds);
  const feedbackOf = (row: PredictionRowText) => feedbackOn(feedback, row.user_id ?? '', row.course_id ?? '');
  const notSnoozed = (row: CsvRow) => !isSnoozed(feedbackOf(row), now);
  const listed = flagged.filter(notSnoozed);
  const notStarted = predictions.filter((row) => isNotStarted(row) && notSnoozed(row)).sort(byRiskDescending);
  const snoozed = flagged.length - listed.length;
  const shown = listed.slice(0, top);
  // One course (a course digest): its enrolments are its learners. Several: a learner may count in each.
  const courses = [...new Set(predictions.map((row) => row.course_id ?? ''))];
  const course = courses.length === 1 ? (courses[0] ?? '') || 'no course' : null;
  const ofWhom = course !== null ? `learners in ${escapeMrkdwn(course)}` : 'open enrolments';

  const { current: week, previous: before } = kpis;
  const kpiText = [
    `*Week of ${week.weekStart}* vs week of ${before.weekStart}`,
    `• Active learners: ${arrow(week.activeLearners, before.activeLearners)}`,
    `• Sessions: ${arrow(week.sessions, before.sessions)}`,
    `• Modules completed: ${arrow(week.modulesCompleted, before.modulesCompleted)}`,
    `• Average quiz score: ${arrow(week.avgQuizScore, before.avgQuizScore, 1)}`,
    `• ${COMPLETION_RATE.name} (${COMPLETION_RATE.definition}): ${arrow(kpis.completionRate, kpis.previousCompletionRate, 1, '%', ' pp')}`,
  ].join('\n');

  const blocks: KnownBlock[] = [
    header(`Weekly learning digest - ${asOfWeek}`),
    context(`Data as of ${escapeMrkdwn(asOf)}`),
    section(kpiText),
  ];

  if (current.predictions === null) {
    const reasons = current.card?.gateReasons.join(' ') || 'no at-risk list was produced';
    // A reliable model and no list: the latest run only trained.
    blocks.push(
      section(
        current.card?.reliable
          ? `*No at-risk list this week:* ${trainedOnlyText(current.card.modelVersion)}.`
          : `*No at-risk list this week:* ${escapeMrkdwn(reasons)}`,
      ),
    );
  } else {
    const splitText = [
      `*At risk: ${flagged.length}* of ${predictions.length} ${ofWhom}`,
      `• New this week: ${bandText(split.newThisWeek)}`,
      `• Still at risk: ${bandText(split.stillAtRisk)}`,
      `• Recovered since last week: ${split.recovered}${split.left ? ` (and ${split.left} no longer open)` : ''}`,
      `• Enrolled, not started: ${predictions.filter(isNotStarted).length}`,
      ...(split.hasBaseline ? [] : ['_No previous digest to compare with: everyone counts as new._']),
      ...(courses.length > 1 ? ['', ...courseBreakdown(predictions)] : []),
    ].join('\n');
    blocks.push(section(truncateLines(splitText, 3000)));
    // Not started first, then the riskiest started enrolments: one section heads both (block budget).
    const heading = [
      ...notStartedLines(notStarted, feedbackOf),
      ...(shown.length ? [`${notStarted.length ? '\n' : ''}*Top ${shown.length} at risk*`] : []),
    ];
    if (heading.length) blocks.push(divider(), section(truncateLines(heading.join('\n'), 3000)));
    blocks.push(...atRiskLearnerBlocks(shown, feedbackOf));
    const more = listed.length - shown.length;
    const notes = [
      ...(more > 0 ? [`${more} more in the CSV`] : []),
      ...(snoozed > 0 ? [`${snoozed} snoozed not shown`] : []),
    ];
    if (notes.length) blocks.push(context(notes.join(' · ')));
  }
  blocks.push(...neverActiveBlocks(current.neverActive));
  blocks.push(
    divider(),
    context(modelHealthLine(current, now, input.modelMaxAgeDays), dataQualityLine(current)),
  );

  const charts: DigestContent['charts'] = [];
  if (current.charts.weeklyEngagement)
    charts.push({
      name: `weekly-engagement-${asOf}.png`,
      path: current.charts.weeklyEngagement,
      title: `Weekly engagement, as of ${asOf}`,
    });
  if (current.charts.riskDistribution)
    charts.push({
      name: `risk-distribution-${asOf}.png`,
      path: current.charts.riskDistribution,
      title: `Risk distribution, as of ${asOf}`,
    });

  const text = `Weekly learning digest ${asOfWeek} (data as of ${asOf}): ${flagged.length} ${course !== null ? `learners in ${course}` : 'enrolments'} at risk, ${week.activeLearners} active learners.`;
  // The CSV in the file's order (by course, not started first, then risk).
  const inCsv = new Set([...notStarted, ...listed]);
  const csvRows = predictions.filter((row) => inCsv.has(row));
  return {
    asOf,
    asOfWeek,
    blocks: withinLimits(blocks),
    text,
    kpis,
    split,
    atRiskIds: flagged.map(keyOf),
    atRiskCsv: csvRows.length === 0 ? null : atRiskCsv(csvRows),
    atRiskCsvRows: csvRows.length,
    atRiskCsvAltText: atRiskCsvAltText(listed.length, asOf, { course, notStarted: notStarted.length }),
    csvName: `at-risk-${asOf}.csv`,
    charts,
  };
}

/** The one line of a quiet week. */
export function quietWeekText(since: string): string {
  return `Weekly learning digest: no new activity since ${escapeMrkdwn(since)}.`;
}

/** The one line of a digest that could not be built: what went wrong and where to look. */
export function failedDigestText(reason: string): string {
  return `The weekly learning digest could not be built: ${escapeMrkdwn(withoutPaths(reason))}. Run \`lumen status\` on the worker (the last refresh runs and their errors); the job's log has the full reason.`;
}
