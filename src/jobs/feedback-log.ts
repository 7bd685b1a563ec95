/**
 * Reading OUT/feedback/feedback.jsonl (written by record-feedback) back: the latest verdict per
 * learner, so later at-risk lists can mark contacted learners and leave snoozed ones out.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { spreadsheetSafe } from '../analytics/prediction-csv.ts';

export const SNOOZE_DAYS = 14;

export interface LatestFeedback {
  readonly verdict: string;
  readonly at: string;
}

export function feedbackLogPath(outDir: string): string {
  return join(outDir, 'feedback', 'feedback.jsonl');
}

/** Latest verdict per learner id; unreadable lines (a half-written last line) are skipped. */
export function latestFeedback(outDir: string): Map<string, LatestFeedback> {
  const path = feedbackLogPath(outDir);
  const latest = new Map<string, LatestFeedback>();
  if (!existsSync(path)) return latest;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as { learnerId?: unknown; verdict?: unknown; at?: unknown };
      if (
        typeof entry.learnerId !== 'string' ||
        typeof entry.verdict !== 'string' ||
        typeof entry.at !== 'string'
      )
        continue;
      const previous = latest.get(entry.learnerId);
      if (!previous || previous.at <= entry.at)
        latest.set(entry.learnerId, { verdict: entry.verdict, at: entry.at });
    } catch {
      // A line cut by a crash mid-append: the rest of the log is still good.
    }
  }
  return latest;
}

/** Snoozed within the last SNOOZE_DAYS days (of `now`). */
export function isSnoozed(feedback: LatestFeedback | undefined, now: Date): boolean {
  if (feedback?.verdict !== 'snoozed') return false;
  return now.getTime() - Date.parse(feedback.at) < SNOOZE_DAYS * 24 * 60 * 60 * 1000;
}

const FEEDBACK_COLUMNS = ['at', 'learnerId', 'slackUserId', 'verdict', 'modelVersion', 'jobId'] as const;

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
