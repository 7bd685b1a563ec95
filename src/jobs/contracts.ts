/**
 * Every job the system runs: its name, the data it is enqueued with and the result it returns.
 * BullMQ stores data and results in Redis as plain text, so they carry ids, paths and options
 * only, never learner rows or names.
 */

/** Jobs that do CPU-heavy work (DuckDB, model fitting, rendering) run in a sandboxed child process. */
export const COMPUTE_JOBS = ['refresh', 'train-model', 'learner-profile'] as const;
/** Jobs that talk to Slack run in the worker process, where the Publisher lives. */
export const PUBLISH_JOBS = [
  'post-at-risk',
  'post-chart',
  'post-model-card',
  'weekly-digest',
  'record-feedback',
] as const;

export type ComputeJobName = (typeof COMPUTE_JOBS)[number];
export type PublishJobName = (typeof PUBLISH_JOBS)[number];
export type JobName = ComputeJobName | PublishJobName;

/** Queue names under the key prefix: one per kind of processor. */
export const COMPUTE_QUEUE = 'compute';
export const PUBLISH_QUEUE = 'publish';

export function queueOf(name: JobName): typeof COMPUTE_QUEUE | typeof PUBLISH_QUEUE {
  return (COMPUTE_JOBS as readonly string[]).includes(name) ? COMPUTE_QUEUE : PUBLISH_QUEUE;
}

export type RunTrigger = 'cli' | 'slack' | 'schedule' | 'test';

/**
 * Which enrolments (learner x course) a job that shows learner rows may show: those in one of these
 * courses, or every enrolment (null: programme staff, the CLI). A learner in C1 and C2 is shown to
 * C2's staff with the C2 enrolment only. Required on every such job, so a producer that forgets it
 * fails the type check rather than showing everyone.
 */
export type LearnerScope = readonly string[] | null;

/** Where a job reads the export and writes outputs, and how long it may work. */
interface Paths {
  readonly dataDir: string;
  readonly outDir: string;
}

export interface RefreshData extends Paths {
  readonly trigger: RunTrigger;
  /** Ignore events after this day (YYYY-MM-DD). */
  readonly asOf?: string | null;
  /** Retrain even when the data fingerprint and settings match the last good run's. */
  readonly forceTrain?: boolean;
  /** Working time limit in milliseconds (LUMEN_JOB_TIMEOUT). */
  readonly timeoutMs: number;
}

export type StageTimings = Record<string, number>;

export interface RefreshResult {
  readonly runId: string;
  /** The run's as-of day (YYYY-MM-DD). */
  readonly asOf: string;
  readonly runDir: string;
  readonly trained: boolean;
  readonly modelVersion: string | null;
  readonly dataFingerprint: string;
  readonly atRisk: number | null;
  readonly noListReason: string | null;
  readonly stages: StageTimings;
}

export interface TrainModelData extends Paths {
  readonly trigger: RunTrigger;
  readonly asOf?: string | null;
  readonly timeoutMs: number;
}

export interface TrainModelResult {
  readonly modelVersion: string | null;
  readonly reliable: boolean;
  readonly gateReasons: string[];
  readonly modelPath: string | null;
}

export interface LearnerProfileData {
  readonly outDir: string;
  /** The user_id to look up; '' when looking up by `emailKey`. */
  readonly learnerId: string;
  readonly timeoutMs: number;
  /**
   * Lookup by email: emailLookupKey (HMAC-SHA256 under the lookup secret, hex) of the email. An
   * email is learner data, so only this keyed hash goes into Redis (a bare sha256 could be reversed
   * by hashing guessed addresses); the worker keys the export's emails the same way and compares.
   */
  readonly emailKey?: string | null;
  /** A learner outside this scope is answered like one the export does not know. */
  readonly scope: LearnerScope;
}

/**
 * What the learner-profile job returns, and so what Redis keeps: ids and a path only. The learner's
 * risk, drivers and outcome are learner-level data: the worker writes them to `answerPath` (under
 * OUT/learner-answers/) and the bot reads that file, posts, and deletes it.
 */
export interface LearnerProfileReceipt {
  readonly learnerId: string;
  readonly found: boolean;
  readonly byEmail: boolean;
  readonly answerPath: string;
}

/** One open enrolment of the learner, from its row of ML_Prediction.csv (ids, numbers, phrases). */
export interface LearnerEnrolmentScore {
  readonly courseId: string;
  /** YYYY-MM-DD, or null when the export does not say. */
  readonly enrolledOn: string | null;
  readonly riskBand: string | null;
  readonly completionProbability: number | null;
  readonly atRisk: boolean;
  /** Enrolled, no activity in this course up to as-of (listed first, apart from the at-risk ones). */
  readonly neverActive: boolean;
  /** Up to three model drivers (feature phrases, no names). */
  readonly drivers: string[];
}

/** One enrolment's outcome, from its row of learner_outcomes.csv. */
export interface LearnerEnrolmentOutcome {
  readonly courseId: string;
  /** completed / dropped / open. */
  readonly outcome: string;
  /** 'enrolments file' or 'inferred'; null when the run does not say. */
  readonly outcomeSource: string | null;
}

/**
 * The answer file's content (OUT/learner-answers/<id>.json): the learner's enrolments the requester
 * may see, none of another course.
 */
export interface LearnerProfileResult {
  readonly learnerId: string;
  /** True when the learner has at least one open enrolment in scope (a row in ML_Prediction.csv). */
  readonly found: boolean;
  readonly modelVersion: string | null;
  readonly chartPath: string | null;
  /** Open enrolments in scope, in the file's order (by course). */
  readonly enrolments: LearnerEnrolmentScore[];
  /** Outcomes of the enrolments in scope (open ones included), by course. */
  readonly outcomes: LearnerEnrolmentOutcome[];
  /** True when the learner was looked up by email key (the id was resolved in the worker). */
  readonly byEmail?: boolean;
}

export interface PostAtRiskData {
  readonly outDir: string;
  readonly channel: string;
  /** Most at-risk enrolments listed per course (at most MAX_LISTED in the whole message). */
  readonly limit?: number;
  /** Only this course's list (an id from the export); default: every course of `scope`. */
  readonly courseId?: string | null;
  /** Also upload the listed courses' enrolments as a CSV file (the bot asks for it). */
  readonly attachCsv?: boolean;
  /** Only enrolments the requester may see (the lists, the CSV and the counts). */
  readonly scope: LearnerScope;
}

export interface PostResult {
  readonly channel: string;
  readonly posted: 'list' | 'reason' | 'file' | 'card' | 'digest' | 'none';
  readonly count: number;
  /** Aggregate numbers only (counts, dates), for the requester's note; never names. */
  readonly summary?: string | null;
}

export interface PostChartData {
  readonly outDir: string;
  readonly channel: string;
  readonly chart: string;
}

/** After a retrain (the parent of train-model in a flow): the model card and the coefficients chart. */
export interface PostModelCardData {
  readonly outDir: string;
  readonly channel: string;
}

export interface WeeklyDigestData {
  readonly outDir: string;
  readonly channel: string;
  /** Post even when this channel already got this ISO week's digest (`lumen digest --force`). */
  readonly force?: boolean;
  /**
   * A preview (`/lumen digest` to the requester's DM): posted every time, and it neither records
   * the week as done nor becomes the baseline of the next digest's new / recovered split.
   */
  readonly preview?: boolean;
  /** At-risk enrolments listed with buttons (default 10, at most 20). */
  readonly top?: number;
  /** The enrolments this digest covers: null for the programme digest, [course] for a course's. */
  readonly scope: LearnerScope;
}

export interface RecordFeedbackData {
  readonly outDir: string;
  readonly learnerId: string;
  /**
   * The enrolment's course: the verdict is on this learner in this course only (snoozing them in C1
   * leaves them on C2's list). '' comes from a button posted before lists were per course: a verdict
   * on the learner as a whole, which only programme staff may give.
   */
  readonly courseId: string;
  /** Slack user id of whoever gave the feedback. */
  readonly slackUserId: string;
  readonly verdict: 'correct' | 'wrong' | 'contacted' | 'snoozed' | 'not-at-risk';
  readonly modelVersion?: string | null;
  /** The clicker's scope: feedback on an enrolment outside it is not recorded. */
  readonly scope: LearnerScope;
}

export interface RecordFeedbackResult {
  /** The feedback log written; null when the feedback was refused. */
  readonly path: string | null;
  readonly recorded: boolean;
}

export interface JobDataMap {
  refresh: RefreshData;
  'train-model': TrainModelData;
  'learner-profile': LearnerProfileData;
  'post-at-risk': PostAtRiskData;
  'post-chart': PostChartData;
  'post-model-card': PostModelCardData;
  'weekly-digest': WeeklyDigestData;
  'record-feedback': RecordFeedbackData;
}

export interface JobResultMap {
  refresh: RefreshResult;
  'train-model': TrainModelResult;
  'learner-profile': LearnerProfileReceipt;
  'post-at-risk': PostResult;
  'post-chart': PostResult;
  'post-model-card': PostResult;
  'weekly-digest': PostResult;
  'record-feedback': RecordFeedbackResult;
}

/** What `job.updateProgress` carries: the bot shows stage and percent. */
export interface JobProgressReport {
  readonly stage: string;
  readonly percent: number;
  /**
   * Publish jobs: the parts already sent to Slack ('message', file names), kept across attempts so
   * a retry sends only the rest (see post-ledger.ts).
   */
  readonly sent?: readonly string[];
  /** The part being sent when this was written: a retry checks whether it arrived. */
  readonly sending?: string | null;
}

/** A job's stored progress as a report, or null when it is something else (or none). */
export function asProgressReport(value: unknown): JobProgressReport | null {
  if (typeof value !== 'object' || value === null) return null;
  const { stage, percent, sent, sending } = value as Partial<Record<keyof JobProgressReport, unknown>>;
  if (typeof stage !== 'string' || typeof percent !== 'number') return null;
  return {
    stage,
    percent,
    ...(Array.isArray(sent) ? { sent: sent.filter((part): part is string => typeof part === 'string') } : {}),
    ...(typeof sending === 'string' ? { sending } : {}),
  };
}

/**
 * The slice of a BullMQ job (sandboxed or not) that processors use, so the same processor runs
 * in a child process, in the worker, or in a unit test.
 */
export interface JobContext<N extends JobName> {
  readonly id: string;
  readonly name: N;
  readonly data: JobDataMap[N];
  /** Milliseconds since the epoch when the job was created; stable across retries. */
  readonly timestamp: number;
  /**
   * When the job was due: its creation plus its initial delay. A scheduled job is created when the
   * previous one runs (a week early for the digest), so this, not `timestamp`, is the run's time.
   */
  readonly dueAt: number;
  /** Attempts already made before this one. */
  readonly attemptsMade: number;
  /**
   * The progress this job last reported, kept across its attempts: where a retried publish job
   * resumes (null when it has reported none). Only publish jobs see it.
   */
  readonly lastProgress?: JobProgressReport | null;
  updateProgress(progress: JobProgressReport): Promise<void>;
  log(line: string): Promise<unknown> | unknown;
  /** Failure reasons of this job's children in a flow (a post after a refresh that failed). */
  childFailures?(): Promise<string[]>;
}
