/**
 * The reviewers' verdicts from the feedback buttons, so later at-risk lists can mark contacted
 * learners and leave snoozed ones out, course by course, and the model card can say how flagged
 * enrolments turned out. The record is a Redis list per output folder (FeedbackStore: RPUSH is atomic,
 * so several workers can record at once); OUT/feedback/feedback.jsonl is its export, rewritten whole
 * through a temporary file after each verdict, and what everything else reads (no Redis needed).
 * Appending to a JSONL file on a shared volume from several workers was not safe: appends of
 * different hosts can interleave or be lost.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Redis } from 'ioredis';
import { toCsv } from '../analytics/csv-safe.ts';
import { enrolmentKey } from '../analytics/enrolment-key.ts';

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

/**
 * Appends one verdict to the file alone: only where no Redis is at hand (processor unit tests) and
 * for tests that write an old log. Workers record through FeedbackStore.
 */
export function appendFeedback(outDir: string, entry: FeedbackEntry): string {
  const path = feedbackLogPath(outDir);
  mkdirSync(dirname(path), { recursive: true });
  appendFileSync(path, `${JSON.stringify(entry)}\n`);
  return path;
}

/** The lines of a log file that parse (a line cut by a crash mid-append is skipped). */
function readLogLines(path: string): string[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => {
      if (!line.trim()) return false;
      try {
        JSON.parse(line);
        return true;
      } catch {
        return false;
      }
    });
}

/** How long a job id is remembered against a second record of the same verdict (retries come within minutes). */
const RETRY_WINDOW_S = 7 * 24 * 60 * 60;

/** The feedback record in Redis, one list per output folder, exported to OUT/feedback/feedback.jsonl. */
export class FeedbackStore {
  constructor(
    private readonly redis: Redis,
    private readonly queuePrefix: string,
  ) {}

  /** `<prefix>:feedback:<output folder>`: each output folder has its own log. */
  key(outDir: string): string {
    return `${this.queuePrefix}:feedback:${resolve(outDir)}`;
  }

  /**
   * Records one verdict and rewrites the export; returns the export's path. A job's retry (the worker
   * died after recording) records nothing new: one verdict per job id.
   */
  async record(outDir: string, entry: FeedbackEntry): Promise<string> {
    await this.importFile(outDir);
    const first = await this.redis.set(
      `${this.key(outDir)}:job:${entry.jobId}`,
      '1',
      'EX',
      RETRY_WINDOW_S,
      'NX',
    );
    if (first !== null) await this.redis.rpush(this.key(outDir), JSON.stringify(entry));
    return this.export(outDir);
  }

  /** Every recorded verdict, oldest first, as the JSON lines of the export. */
  lines(outDir: string): Promise<string[]> {
    return this.redis.lrange(this.key(outDir), 0, -1);
  }

  /**
   * Once per output folder: a log written before Redis held the record (a JSONL file appended by the
   * workers) goes to the head of the list, so no verdict is lost in the move.
   */
  private async importFile(outDir: string): Promise<void> {
    const claimed = await this.redis.set(`${this.key(outDir)}:imported`, new Date().toISOString(), 'NX');
    if (claimed === null) return;
    const lines = readLogLines(feedbackLogPath(outDir));
    // LPUSH puts its last argument first: reversed, the file's lines keep their order at the head.
    if (lines.length > 0) await this.redis.lpush(this.key(outDir), ...lines.reverse());
  }

  /**
   * Rewrites the export from the record through a temporary file (readers never see half of it). A
   * worker that wrote an older snapshot after a newer one sees the list grew and writes again, so the
   * last export always holds every verdict.
   */
  async export(outDir: string): Promise<string> {
    const path = feedbackLogPath(outDir);
    mkdirSync(dirname(path), { recursive: true });
    for (;;) {
      const lines = await this.lines(outDir);
      const temp = `${path}.${process.pid}-${randomUUID().slice(0, 8)}.tmp`;
      writeFileSync(temp, lines.length ? `${lines.join('\n')}\n` : '');
      renameSync(temp, path);
      if ((await this.redis.llen(this.key(outDir))) <= lines.length) return path;
    }
  }
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
        rows.push(FEEDBACK_COLUMNS.map((column) => String(entry[column] ?? '')));
      } catch {
        // A line cut by a crash mid-append.
      }
    }
  }
  return toCsv(rows, { header: true, columns: [...FEEDBACK_COLUMNS] });
}
