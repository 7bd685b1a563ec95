/**
 * OUT/feedback/feedback.jsonl, the reviewers' verdicts from the feedback buttons: written here (one
 * line per verdict, by record-feedback) and read back here, the latest verdict per enrolment, so
 * later at-risk lists can mark contacted learners and leave snoozed ones out, course by course, and
 * the model card can say how flagged enrolments turned out.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { enrolmentKey } from '../analytics/enrolment-key.ts';
import { spreadsheetSafe } from '../analytics/prediction-csv.ts';

export const SNOOZE_DAYS = 14;

export interface LatestFeedback {
  readonly verdict: string;
  readonly at: string;
}

/** One line of the log. */
export interface FeedbackEntry {
  readonly at: string;
  readonly jobId: string;
  readonly learnerId: string;
  /** The enrolment's course; '' for a verdict on the learner as a whole (see latestFeedback). */
  readonly courseId: string;
  readonly slackUserId: string;
  readonly verdict: string;
  readonly modelVersion: string | null;
}

export function feedbackLogPath(outDir: string): string {
  return join(outDir, 'feedback', 'feedback.jsonl');
}

/** Appends one verdict; returns the log's path. */
export function appendFeedback(outDir: string, entry: FeedbackEntry): string {
  const path = feedbackLogPath(outDir);
  mkdirSync(dirname(path), { recursive: true });
  // One short append per line: concurrent workers' lines do not interleave (O_APPEND).
  appendFileSync(path, `${JSON.stringify(entry)}\n`);
  return path;
}

/**
 * Latest verdict per enrolment, keyed by enrolmentKey(learnerId, courseId): the key the at-risk list,
 * the digest and the analytics (AnalysisOptions.feedback) look verdicts up by. Lines written before
 * verdicts were per enrolment have no courseId: they are kept, keyed enrolmentKey(learnerId, '')
 * (parseEnrolmentKey gives courseId ''), because the reviewer gave them on the learner as a whole
 * (the list was per learner then), so `feedbackOn` applies them to every enrolment of that learner
 * until a newer verdict on an enrolment replaces them there. Unreadable lines (a half-written last
 * line) are skipped.
 */
export function latestFeedback(outDir: string): Map<string, LatestFeedback> {
  const path = feedbackLogPath(outDir);
  const latest = new Map<string, LatestFeedback>();
  if (!existsSync(path)) return latest;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as {
        learnerId?: unknown;
        courseId?: unknown;
        verdict?: unknown;
        at?: unknown;
      };
      if (
        typeof entry.learnerId !== 'string' ||
        typeof entry.verdict !== 'string' ||
        typeof entry.at !== 'string'
      )
        continue;
      const key = enrolmentKey(entry.learnerId, typeof entry.courseId === 'string' ? entry.courseId : '');
      const previous = latest.get(key);
      if (!previous || previous.at <= entry.at) latest.set(key, { verdict: entry.verdict, at: entry.at });
    } catch {
      // A line cut by a crash mid-append: the rest of the log is still good.
    }
  }
  return latest;
}

/**
 * The verdict that holds for one enrolment: its own, or the learner-wide one of an older line
 * (see latestFeedback), whichever is later.
 */
export function feedbackOn(
  feedback: ReadonlyMap<string, LatestFeedback>,
  learnerId: string,
  courseId: string,
): LatestFeedback | undefined {
  const own = feedback.get(enrolmentKey(learnerId, courseId));
  const learnerWide = courseId === '' ? undefined : feedback.get(enrolmentKey(learnerId, ''));
  if (!own) return learnerWide;
  if (!learnerWide) return own;
  return learnerWide.at > own.at ? learnerWide : own;
}

/** Snoozed within the last SNOOZE_DAYS days (of `now`). */
export function isSnoozed(feedback: LatestFeedback | undefined, now: Date): boolean {
  if (feedback?.verdict !== 'snoozed') return false;
  return now.getTime() - Date.parse(feedback.at) < SNOOZE_DAYS * 24 * 60 * 60 * 1000;
}

const FEEDBACK_COLUMNS = [
  'at',
  'learnerId',
  'courseId',
  'slackUserId',
  'verdict',
  'modelVersion',
  'jobId',
] as const;

/** The whole feedback log as CSV, oldest first (for `lumen feedback --out FILE.csv`). */
export function feedbackCsv(outDir: string): string {
  const path = feedbackLogPath(outDir);
  const rows: string[][] = [];
  if (existsSync(path)) {
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        rows.push(FEEDBACK_COLUMNS.map((column) => spreadsheetSafe(String(entry[column] ?? ''))));
      } catch {
        // A line cut by a crash mid-append.
      }
    }
  }
  return stringify(rows, { header: true, columns: [...FEEDBACK_COLUMNS] });
}
