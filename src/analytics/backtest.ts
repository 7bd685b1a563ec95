/**
 * The backtest's contract and arithmetic (issue 14 §3): which past as-of dates to replay, and how the
 * lists published at those dates did against the outcomes known at the end of the export. Pure: the
 * per-date predictions and outcomes come in as rows (backtest-run.ts reads them from the files each
 * replayed run wrote), the BacktestReport goes out. This module owns OUT/backtest.json: its type, its
 * file name and its one reader.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LumenError } from '../errors.ts';
import { enrolmentKey } from './enrolment-key.ts';
import { groupBy } from './group-by.ts';
import { type CalibrationBin, calibrationTable, rocAuc } from './model/metrics.ts';
import { lastCompleteWeekEnd } from './weeks.ts';

export const BACKTEST_JSON = 'backtest.json';
export const BACKTEST_MD = 'backtest.md';
/** Per as-of date, the files its figures were computed from: OUT/backtest/<YYYY-MM-DD>/. */
export const BACKTEST_DIR = 'backtest';
/** The outcomes every date is judged against: OUT/backtest/end/learner_outcomes.csv. */
export const BACKTEST_END_DIR = 'end';

/** Weeks of course (week_index: 1 = the week of enrolment) the figures are broken down by. */
export const WEEK_BUCKETS = ['1', '2', '3', '4', '5-8', '9-12', '13+'] as const;
export type WeekBucket = (typeof WEEK_BUCKETS)[number];

export function weekBucket(weekIndex: number): WeekBucket {
  if (weekIndex <= 1) return '1';
  if (weekIndex <= 4) return String(weekIndex) as WeekBucket;
  if (weekIndex <= 8) return '5-8';
  if (weekIndex <= 12) return '9-12';
  return '13+';
}

/** How well a score ranks the enrolments that did not complete (dropped by the end) above those that did. */
export interface RankingFigures {
  /** Enrolments in the slice whose outcome is known at the end (completed or dropped). */
  readonly enrolments: number;
  /** Of those, dropped by the end: the positive class (did not complete, for any reason). */
  readonly dropped: number;
  /** dropped / enrolments; null when the slice is empty. */
  readonly baseRate: number | null;
  /** ROC AUC of risk_score; null without a published list or when only one class is present. */
  readonly modelAuc: number | null;
  /**
   * ROC AUC of the baseline: days since the enrolment's last activity in the course, or since
   * enrolment when never active (days_inactive of learner_outcomes.csv as of that date); null when
   * only one class is present.
   */
  readonly baselineAuc: number | null;
}

/** The published list (at_risk = true) against the outcomes at the end. */
export interface ListFigures {
  /** Enrolments on the list, including those still open at the end. */
  readonly listed: number;
  /** Listed enrolments whose outcome is known at the end. */
  readonly listedJudged: number;
  /** Listed and dropped by the end. */
  readonly truePositives: number;
  /** truePositives / listedJudged; null when no listed enrolment is judged. */
  readonly precision: number | null;
  /** truePositives / dropped enrolments of the slice; null when none dropped. */
  readonly recall: number | null;
}

export interface SliceFigures {
  readonly ranking: RankingFigures;
  /** Null when no list was published (the quality gate failed). */
  readonly list: ListFigures | null;
}

export interface CourseFigures extends SliceFigures {
  readonly courseId: string;
}

export interface WeekFigures extends SliceFigures {
  readonly weeks: WeekBucket;
}

/** One replayed as-of date. */
export interface BacktestPoint {
  /** The as-of date replayed: a Sunday, the end of a complete week (YYYY-MM-DD). */
  readonly asOf: string;
  /** Whether that date's run published an at-risk list (its model passed the quality gate). */
  readonly listPublished: boolean;
  /** Why no list was published (the run's noListReason); null when one was. */
  readonly noListReason: string | null;
  /** ML_Prediction.csv's `target` column (what the list predicts); null when the file has none. */
  readonly target: string | null;
  /** The model fitted on data up to asOf; null when none could be fitted. */
  readonly modelVersion: string | null;
  /** That model's pooled cross-validated ROC AUC (its own training data, up to asOf). */
  readonly cvAuc: number | null;
  /** Enrolments that model was trained on, by outcome known at asOf; null without training data. */
  readonly training: { readonly completed: number; readonly dropped: number } | null;
  /** Enrolments open at asOf (learner_outcomes.csv of that date). */
  readonly open: number;
  /** Rows of that date's ML_Prediction.csv (0 without a list). */
  readonly scored: number;
  /** Scored enrolments with no activity in the course yet. */
  readonly neverActive: number;
  /** Open at asOf and still open at the end: left out of every figure. */
  readonly stillOpenAtEnd: number;
  /** Open at asOf and absent from the end's outcomes (should be 0): left out of every figure. */
  readonly missingAtEnd: number;
  /**
   * Whether the judged enrolments ended both ways (some completed, some dropped). When not, the date's
   * AUCs are null and its precision says nothing (with presentations still running at the end, only
   * their withdrawals are known), and the date is left out of `pooled`.
   */
  readonly bothClassesJudged: boolean;
  /** Every scored enrolment (the open ones when no list) with a known outcome at the end. */
  readonly all: SliceFigures;
  readonly courses: CourseFigures[];
  /** By week of course (week_index); empty without a list (the week comes from ML_Prediction.csv). */
  readonly weeks: WeekFigures[];
  /** 10 equal-width bins of risk_score vs the observed share dropped; null without a list. */
  readonly calibration: CalibrationBin[] | null;
}

/** Days from an enrolment's first listing to its dropped_at at the end, over enrolments listed then dropped. */
export interface LeadTime {
  /** Enrolments listed at one date or more (distinct). */
  readonly listedEnrolments: number;
  /** Of those, by outcome at the end. */
  readonly listedDropped: number;
  readonly listedCompleted: number;
  readonly listedStillOpen: number;
  /** Listed, later dropped, with a dropped_at: the enrolments the lead times are over. */
  readonly enrolments: number;
  /** Of those, dropped_at on or before the first listing (no warning ahead of the drop). */
  readonly notAhead: number;
  /** Quantiles of the lead time in days (linear interpolation between order statistics); null when none. */
  readonly minDays: number | null;
  readonly q1Days: number | null;
  readonly medianDays: number | null;
  readonly q3Days: number | null;
  readonly maxDays: number | null;
}

export interface BacktestVerdict {
  /** Pooled over the dates in `pooled`: model and baseline AUC on the same rows. */
  readonly modelAuc: number | null;
  readonly baselineAuc: number | null;
  /** modelAuc - baselineAuc; null when either is. */
  readonly difference: number | null;
  /** True when the model's pooled AUC is at least BEATS_MARGIN above the baseline's; null without figures. */
  readonly modelBeatsBaseline: boolean | null;
  /** Dates where both AUCs could be measured (a list, both classes judged). */
  readonly datesCompared: number;
  /** Of those, dates where the model's AUC is at least BEATS_MARGIN above the baseline's. */
  readonly datesModelAhead: number;
  /** The same in one sentence, for the card and the dashboard. */
  readonly text: string;
}

/** OUT/backtest.json. */
export interface BacktestReport {
  /** Bumped when a field changes meaning. */
  readonly schemaVersion: 1;
  readonly dataDir: string;
  /** When the backtest ran (ISO-8601). */
  readonly createdAt: string;
  /** The export's first event date, its as-of (latest event) and the end of its last complete week. */
  readonly export: {
    readonly firstEvent: string;
    readonly lastEvent: string;
    /** The outcomes every date is judged against are as of this Sunday. */
    readonly outcomesAsOf: string;
    /** Whether lms_enrolments.csv was given (outcomes from its statuses) or outcomes were inferred. */
    readonly enrolmentsFile: boolean;
  };
  /** Outcomes at the end over every enrolment of the export. */
  readonly finalOutcomes: { readonly completed: number; readonly dropped: number; readonly open: number };
  readonly schedule: BacktestSchedule;
  /** One per as-of date, oldest first. */
  readonly points: BacktestPoint[];
  /** Distinct learners among the judged enrolments of every date (what the chart speaks for). */
  readonly judgedLearners: number;
  /**
   * Pooled over every (date, enrolment) row of the dates with a list whose judged enrolments ended
   * both ways (bothClassesJudged): one-class dates would pair their enrolments only with other dates'.
   */
  readonly pooled: {
    readonly datesWithList: number;
    readonly datesWithoutList: number;
    /** Dates with a list and both classes judged: the dates pooled. */
    readonly datesPooled: number;
    /** Dates with a list whose judged enrolments all ended one way: not pooled. */
    readonly datesOneClass: number;
    /** Distinct enrolments and learners among the pooled rows (an enrolment open at 5 dates is 5 rows). */
    readonly distinctEnrolments: number;
    readonly distinctLearners: number;
    readonly all: SliceFigures;
    /** Weeks 1-4 of a course: the early weeks that matter most for early warning. */
    readonly earlyWeeks: SliceFigures;
    readonly courses: CourseFigures[];
    readonly weeks: WeekFigures[];
    readonly calibration: CalibrationBin[] | null;
  };
  readonly leadTime: LeadTime;
  readonly verdict: BacktestVerdict;
}

// ---------------------------------------------------------------------------------------------------------
// Schedule

export interface BacktestSchedule {
  /** First and last as-of date (Sundays), and the step. */
  readonly from: string;
  readonly to: string;
  readonly everyDays: number;
  /** Days the last default date keeps from the end, so an enrolment that stops then can be judged. */
  readonly horizonDays: number;
  /** Which of from / to / every were defaults (not given). */
  readonly defaults: { readonly from: boolean; readonly to: boolean; readonly every: boolean };
  readonly dates: string[];
}

/** Weeks of data before the first default as-of date: a list needs some history to learn from. */
export const DEFAULT_WARM_UP_DAYS = 28;
export const DEFAULT_EVERY_DAYS = 7;

const DAY_MS = 24 * 60 * 60 * 1000;

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/**
 * `--every`: `1w`, `2w`, `14d` -> days. The message of a bad value names no flag (the CLI does). Whole weeks only: each run sees complete weeks (weeks.ts), so two
 * dates in one week would replay the same week.
 */
export function parseEvery(text: string): number {
  const match = /^\s*(\d+)\s*([wd])\s*$/i.exec(text);
  const n = match ? Number(match[1]) : Number.NaN;
  const days = match?.[2]?.toLowerCase() === 'w' ? n * 7 : n;
  if (!match || !Number.isInteger(days) || days < 1) {
    throw new LumenError('BAD_ARGUMENT', 'expected weeks or days, e.g. 1w, 2w or 14d');
  }
  if (days % 7 !== 0) {
    throw new LumenError(
      'BAD_ARGUMENT',
      'expected whole weeks (1w, 2w, 7d, 14d, ...): every run sees complete weeks only',
    );
  }
  return days;
}

export interface ScheduleInput {
  readonly firstEvent: string;
  /** The end of the export's last complete week (a Sunday). */
  readonly outcomesAsOf: string;
  readonly from?: string | null;
  readonly to?: string | null;
  readonly everyDays?: number | null;
  /** The shortest silence after which an enrolment counts as dropped (LUMEN_DROPOUT_DAYS). */
  readonly dropoutDays: number;
}

/**
 * The as-of dates to replay. Defaults: from the Sunday on or after the first event + 4 weeks; to the
 * export's last complete week minus the drop-out silence rounded up to weeks (an enrolment that stops
 * at the last date has had the time to be judged dropped by the end); every week. Given dates snap to
 * the Sunday on or before them. Bad dates throw LumenError BAD_ARGUMENT (exit 2).
 */
export function backtestSchedule(input: ScheduleInput): BacktestSchedule {
  const horizonDays = Math.ceil(input.dropoutDays / 7) * 7;
  const end = input.outcomesAsOf;
  const from = input.from
    ? lastCompleteWeekEnd(input.from)
    : lastCompleteWeekEnd(addDays(input.firstEvent, DEFAULT_WARM_UP_DAYS + 6));
  const to = input.to ? lastCompleteWeekEnd(input.to) : addDays(end, -horizonDays);
  const everyDays = input.everyDays ?? DEFAULT_EVERY_DAYS;
  if (input.from && from > end) {
    throw new LumenError(
      'BAD_ARGUMENT',
      `--from ${input.from} is after the end of the export (its last complete week ends ${end})`,
    );
  }
  if (input.from && from < input.firstEvent) {
    throw new LumenError(
      'BAD_ARGUMENT',
      `--from ${input.from} is before the export's first event (${input.firstEvent})`,
    );
  }
  if (input.to && to > end) {
    throw new LumenError(
      'BAD_ARGUMENT',
      `--to ${input.to} is after the end of the export (its last complete week ends ${end})`,
    );
  }
  if (from > to) {
    throw new LumenError(
      'BAD_ARGUMENT',
      input.to
        ? `--from ${from} is after --to ${to}`
        : `no as-of date to replay: ${from} is after ${to}, the last date the export can judge (its last complete week ${end} minus ${horizonDays} days); pass --from or --to`,
    );
  }
  const dates: string[] = [];
  for (let day = from; day <= to; day = addDays(day, everyDays)) dates.push(day);
  return {
    from,
    to,
    everyDays,
    horizonDays,
    defaults: { from: !input.from, to: !input.to, every: input.everyDays == null },
    dates,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Figures

export type Outcome = 'completed' | 'dropped' | 'open';

/** One row of a date's ML_Prediction.csv. */
export interface PredictionRow {
  readonly userId: string;
  readonly courseId: string;
  readonly weekIndex: number;
  readonly riskScore: number;
  readonly atRisk: boolean;
  readonly neverActive: boolean;
  /** Optional column `target`. */
  readonly target: string | null;
}

/** One row of a learner_outcomes.csv. */
export interface OutcomeRow {
  readonly userId: string;
  readonly courseId: string;
  readonly outcome: Outcome;
  readonly daysInactive: number;
  readonly droppedAt: string | null;
}

/** What one replayed date produced. */
export interface BacktestRunInput {
  readonly asOf: string;
  readonly noListReason: string | null;
  readonly modelVersion: string | null;
  readonly cvAuc: number | null;
  readonly training: { readonly completed: number; readonly dropped: number } | null;
  /** That date's ML_Prediction.csv; null when no list was published. */
  readonly predictions: readonly PredictionRow[] | null;
  /** That date's open enrolments (learner_outcomes.csv rows with outcome open; other rows are ignored). */
  readonly outcomes: readonly OutcomeRow[];
}

export interface BacktestContext {
  readonly dataDir: string;
  readonly createdAt: string;
  readonly export: BacktestReport['export'];
  readonly schedule: BacktestSchedule;
}

/** The model beats the baseline when its pooled AUC is higher by at least this much. */
export const BEATS_MARGIN = 0.01;

/** One (date, enrolment) the figures are computed over: open at the date, outcome known at the end. */
interface JudgedRow {
  readonly key: string;
  readonly userId: string;
  readonly courseId: string;
  readonly weeks: WeekBucket | null;
  /** 1 = dropped by the end (did not complete), 0 = completed. */
  readonly label: 0 | 1;
  readonly risk: number | null;
  readonly atRisk: boolean;
  readonly daysInactive: number;
}

function aucOrNull(labels: readonly number[], scores: readonly number[]): number | null {
  if (labels.length === 0) return null;
  const positives = labels.reduce((sum, y) => sum + y, 0);
  return positives === 0 || positives === labels.length ? null : rocAuc(labels, scores);
}

function ranking(rows: readonly JudgedRow[], listPublished: boolean): RankingFigures {
  const labels = rows.map((r) => r.label);
  const dropped = labels.reduce<number>((sum, y) => sum + y, 0);
  return {
    enrolments: rows.length,
    dropped,
    baseRate: rows.length === 0 ? null : dropped / rows.length,
    modelAuc: listPublished
      ? aucOrNull(
          labels,
          rows.map((r) => r.risk as number),
        )
      : null,
    baselineAuc: aucOrNull(
      labels,
      rows.map((r) => r.daysInactive),
    ),
  };
}

function list(rows: readonly JudgedRow[], listedTotal: number): ListFigures {
  const listed = rows.filter((r) => r.atRisk);
  const truePositives = listed.filter((r) => r.label === 1).length;
  const dropped = rows.filter((r) => r.label === 1).length;
  return {
    listed: listedTotal,
    listedJudged: listed.length,
    truePositives,
    precision: listed.length === 0 ? null : truePositives / listed.length,
    recall: dropped === 0 ? null : truePositives / dropped,
  };
}

/**
 * Figures of a set of judged rows; `listed` counts every listed row of the slice, judged or not
 * (null without a list).
 */
function slice(rows: readonly JudgedRow[], listed: number | null): SliceFigures {
  return { ranking: ranking(rows, listed !== null), list: listed === null ? null : list(rows, listed) };
}

/** Listed counts (judged or not) per course and per week bucket, for ListFigures.listed. */
interface ListedCounts {
  total: number;
  courses: Map<string, number>;
  weeks: Map<WeekBucket, number>;
}

function addListed(counts: ListedCounts, prediction: PredictionRow): void {
  if (!prediction.atRisk) return;
  counts.total++;
  counts.courses.set(prediction.courseId, (counts.courses.get(prediction.courseId) ?? 0) + 1);
  const weeks = weekBucket(prediction.weekIndex);
  counts.weeks.set(weeks, (counts.weeks.get(weeks) ?? 0) + 1);
}

function emptyCounts(): ListedCounts {
  return { total: 0, courses: new Map(), weeks: new Map() };
}

function courseFigures(
  rows: readonly JudgedRow[],
  courseIds: readonly string[],
  listed: ListedCounts | null,
): CourseFigures[] {
  const byCourse = groupBy(rows, (r) => r.courseId);
  return [...courseIds].sort().map((courseId) => ({
    courseId,
    ...slice(byCourse.get(courseId) ?? [], listed ? (listed.courses.get(courseId) ?? 0) : null),
  }));
}

function weekFigures(rows: readonly JudgedRow[], listed: ListedCounts): WeekFigures[] {
  const byWeek = groupBy(rows, (r) => r.weeks);
  return WEEK_BUCKETS.filter((weeks) => byWeek.has(weeks) || listed.weeks.has(weeks)).map((weeks) => ({
    weeks,
    ...slice(byWeek.get(weeks) ?? [], listed.weeks.get(weeks) ?? 0),
  }));
}

function calibration(rows: readonly JudgedRow[]): CalibrationBin[] | null {
  if (rows.length === 0) return null;
  return calibrationTable(
    rows.map((r) => r.label),
    rows.map((r) => r.risk as number),
    10,
  );
}

/** Quantile with linear interpolation between order statistics (numpy's default, R type 7). */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sorted[below] as number;
  return low + ((sorted[above] as number) - low) * (position - below);
}

function leadTime(
  firstListed: ReadonlyMap<string, string>,
  finalByKey: ReadonlyMap<string, OutcomeRow>,
): LeadTime {
  const leads: number[] = [];
  let dropped = 0;
  let completed = 0;
  let stillOpen = 0;
  for (const [key, asOf] of firstListed) {
    const final = finalByKey.get(key);
    if (final?.outcome === 'dropped') {
      dropped++;
      if (final.droppedAt) leads.push(daysBetween(asOf, final.droppedAt));
    } else if (final?.outcome === 'completed') completed++;
    else stillOpen++;
  }
  leads.sort((a, b) => a - b);
  return {
    listedEnrolments: firstListed.size,
    listedDropped: dropped,
    listedCompleted: completed,
    listedStillOpen: stillOpen,
    enrolments: leads.length,
    notAhead: leads.filter((d) => d <= 0).length,
    minDays: leads[0] ?? null,
    q1Days: quantile(leads, 0.25),
    medianDays: quantile(leads, 0.5),
    q3Days: quantile(leads, 0.75),
    maxDays: leads.at(-1) ?? null,
  };
}

const f3 = (v: number) => v.toFixed(3);

function verdict(
  all: RankingFigures,
  early: RankingFigures,
  points: readonly BacktestPoint[],
): BacktestVerdict {
  const { modelAuc, baselineAuc } = all;
  const withList = points.filter((p) => p.listPublished).length;
  const dates = points.filter((p) => p.listPublished && p.bothClassesJudged).length;
  const oneClass = withList - dates;
  const oneClassText =
    oneClass === 0
      ? ''
      : ` ${oneClass} more ${oneClass === 1 ? 'date' : 'dates'} with a list could not be judged: ${oneClass === 1 ? 'its' : 'their'} enrolments whose outcome is known by the end all ended the same way.`;
  const compared = points.filter(
    (p) => p.all.ranking.modelAuc !== null && p.all.ranking.baselineAuc !== null,
  );
  const datesCompared = compared.length;
  const datesModelAhead = compared.filter(
    (p) => (p.all.ranking.modelAuc as number) - (p.all.ranking.baselineAuc as number) >= BEATS_MARGIN,
  ).length;
  const perDate =
    datesCompared === 0
      ? ' No single date had both classes among its judged enrolments.'
      : ` Date by date, the model was ahead at ${datesModelAhead} of ${datesCompared} ${datesCompared === 1 ? 'date' : 'dates'} where both could be measured.`;
  if (modelAuc === null || baselineAuc === null) {
    return {
      modelAuc,
      baselineAuc,
      difference: null,
      modelBeatsBaseline: null,
      datesCompared,
      datesModelAhead,
      text:
        withList === 0
          ? 'No list was published at any as-of date: there is nothing to compare with the baseline.'
          : `The lists published at ${withList} ${withList === 1 ? 'date' : 'dates'} cannot be judged: at none of them had the enrolments open then ended both ways (completed, and not) by the end of the export; with presentations still running at the end, only their withdrawals are known.`,
    };
  }
  const difference = modelAuc - baselineAuc;
  const beats = difference >= BEATS_MARGIN;
  const earlyText =
    early.modelAuc !== null && early.baselineAuc !== null
      ? ` In weeks 1-4 of a course: ${f3(early.modelAuc)} against ${f3(early.baselineAuc)}.`
      : '';
  const judgement = beats
    ? `the model beats the baseline by ${f3(difference)}`
    : difference > -BEATS_MARGIN
      ? 'the list is no better than the baseline'
      : `the list is worse than the baseline, by ${f3(-difference)}`;
  return {
    modelAuc,
    baselineAuc,
    difference,
    modelBeatsBaseline: beats,
    datesCompared,
    datesModelAhead,
    text: `Over ${dates} as-of ${dates === 1 ? 'date' : 'dates'} with a list judged both ways, the model ranks the enrolments that did not complete with ROC AUC ${f3(modelAuc)}, against ${f3(baselineAuc)} for days since last activity: ${judgement}.${earlyText}${perDate}${oneClassText}`,
  };
}

/** The backtest's figures from the replayed dates' files and the outcomes at the end. */
export function buildBacktestReport(
  runs: readonly BacktestRunInput[],
  finalOutcomes: readonly OutcomeRow[],
  context: BacktestContext,
): BacktestReport {
  const finalByKey = new Map(finalOutcomes.map((o) => [enrolmentKey(o.userId, o.courseId), o]));
  const pooledRows: JudgedRow[] = [];
  const pooledListed = emptyCounts();
  const pooledCourses = new Set<string>();
  const firstListed = new Map<string, string>();
  const judgedLearners = new Set<string>();
  const points = [...runs]
    .sort((a, b) => a.asOf.localeCompare(b.asOf))
    .map((run): BacktestPoint => {
      const openAtDate = run.outcomes.filter((o) => o.outcome === 'open');
      const outcomeAt = new Map(openAtDate.map((o) => [enrolmentKey(o.userId, o.courseId), o]));
      const published = run.predictions !== null;
      const population: { userId: string; courseId: string; prediction: PredictionRow | null }[] =
        run.predictions
          ? run.predictions.map((p) => ({ userId: p.userId, courseId: p.courseId, prediction: p }))
          : openAtDate.map((o) => ({ userId: o.userId, courseId: o.courseId, prediction: null }));
      const rows: JudgedRow[] = [];
      const listed = emptyCounts();
      let stillOpenAtEnd = 0;
      let missingAtEnd = 0;
      for (const { userId, courseId, prediction } of population) {
        const key = enrolmentKey(userId, courseId);
        if (prediction) addListed(listed, prediction);
        if (prediction?.atRisk && !firstListed.has(key)) firstListed.set(key, run.asOf);
        const final = finalByKey.get(key);
        if (!final) {
          missingAtEnd++;
          continue;
        }
        if (final.outcome === 'open') {
          stillOpenAtEnd++;
          continue;
        }
        const atDate = outcomeAt.get(key);
        if (!atDate) {
          throw new Error(`backtest ${run.asOf}: ${userId} in ${courseId} was scored but is not open then`);
        }
        rows.push({
          key,
          userId,
          courseId,
          weeks: prediction ? weekBucket(prediction.weekIndex) : null,
          label: final.outcome === 'dropped' ? 1 : 0,
          risk: prediction?.riskScore ?? null,
          atRisk: prediction?.atRisk ?? false,
          daysInactive: atDate.daysInactive,
        });
      }
      for (const r of rows) judgedLearners.add(r.userId);
      const courseIds = [...new Set(population.map((p) => p.courseId))];
      const dropped = rows.filter((r) => r.label === 1).length;
      const bothClassesJudged = dropped > 0 && dropped < rows.length;
      if (published && bothClassesJudged) {
        pooledRows.push(...rows);
        pooledListed.total += listed.total;
        for (const [c, n] of listed.courses)
          pooledListed.courses.set(c, (pooledListed.courses.get(c) ?? 0) + n);
        for (const [w, n] of listed.weeks) pooledListed.weeks.set(w, (pooledListed.weeks.get(w) ?? 0) + n);
        for (const c of courseIds) pooledCourses.add(c);
      }
      const targets = [...new Set((run.predictions ?? []).map((p) => p.target).filter((t) => t !== null))];
      return {
        asOf: run.asOf,
        listPublished: published,
        noListReason: published ? null : (run.noListReason ?? 'no list was published'),
        target: targets.length === 0 ? null : targets.sort().join(', '),
        modelVersion: run.modelVersion,
        cvAuc: run.cvAuc,
        training: run.training,
        open: openAtDate.length,
        scored: run.predictions?.length ?? 0,
        neverActive: (run.predictions ?? []).filter((p) => p.neverActive).length,
        stillOpenAtEnd,
        missingAtEnd,
        bothClassesJudged,
        all: slice(rows, published ? listed.total : null),
        courses: courseFigures(rows, courseIds, published ? listed : null),
        weeks: published ? weekFigures(rows, listed) : [],
        calibration: published ? calibration(rows) : null,
      };
    });
  const datesWithList = points.filter((p) => p.listPublished).length;
  const datesPooled = points.filter((p) => p.listPublished && p.bothClassesJudged).length;
  const early = pooledRows.filter(
    (r) => r.weeks === '1' || r.weeks === '2' || r.weeks === '3' || r.weeks === '4',
  );
  const earlyListed = ['1', '2', '3', '4'].reduce(
    (sum, w) => sum + (pooledListed.weeks.get(w as WeekBucket) ?? 0),
    0,
  );
  const all = slice(pooledRows, datesPooled > 0 ? pooledListed.total : null);
  const earlyWeeks = slice(early, datesPooled > 0 ? earlyListed : null);
  const count = (outcome: Outcome) => finalOutcomes.filter((o) => o.outcome === outcome).length;
  return {
    schemaVersion: 1,
    dataDir: context.dataDir,
    createdAt: context.createdAt,
    export: context.export,
    finalOutcomes: { completed: count('completed'), dropped: count('dropped'), open: count('open') },
    schedule: context.schedule,
    points,
    judgedLearners: judgedLearners.size,
    pooled: {
      datesWithList,
      datesWithoutList: points.length - datesWithList,
      datesPooled,
      datesOneClass: datesWithList - datesPooled,
      distinctEnrolments: new Set(pooledRows.map((r) => r.key)).size,
      distinctLearners: new Set(pooledRows.map((r) => r.userId)).size,
      all,
      earlyWeeks,
      courses: courseFigures(pooledRows, [...pooledCourses], pooledListed),
      weeks: weekFigures(pooledRows, pooledListed),
      calibration: calibration(pooledRows),
    },
    leadTime: leadTime(firstListed, finalByKey),
    verdict: verdict(all.ranking, earlyWeeks.ranking, points),
  };
}

/**
 * OUT/backtest.json of an earlier `lumen backtest --out OUT`; null when there is none, or it is not
 * one this version can read (a run must not fail over the backtest's section).
 */
export function readBacktestReport(outDir: string): BacktestReport | null {
  const path = join(outDir, BACKTEST_JSON);
  if (!existsSync(path)) return null;
  try {
    const report = JSON.parse(readFileSync(path, 'utf8')) as BacktestReport;
    return report.schemaVersion === 1 ? report : null;
  } catch {
    return null;
  }
}
