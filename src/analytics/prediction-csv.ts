/**
 * OUT/ML_Prediction.csv: one row per open enrolment (a learner in a course), by course: never-active
 * enrolments first, then highest risk first. Text cells are formula-safe for spreadsheets
 * (src/analytics/csv-safe.ts).
 */
import { toCsv } from './csv-safe.ts';
import type { LearnerScore } from './model/score.ts';

export const PREDICTION_COLUMNS = [
  'user_id',
  'course_id',
  'first_name',
  'last_name',
  'department',
  'enrolled_on',
  'week_index',
  'completion_probability',
  'risk_score',
  'risk_band',
  'at_risk',
  'never_active',
  'rank_in_course',
  'list_reason',
  'top_drivers',
  'predicted_final_quiz',
  'target',
  'as_of',
  'model_version',
] as const;

export interface LearnerInfo {
  readonly firstName: string;
  readonly lastName: string;
  readonly department: string;
}

export function predictionCsv(
  scores: LearnerScore[],
  info: Map<string, LearnerInfo>,
  forecasts: Map<string, number>,
  context: { asOf: string; modelVersion: string; target: string },
): string {
  const ordered = [...scores].sort(
    (a, b) =>
      a.courseId.localeCompare(b.courseId) ||
      Number(b.neverActive) - Number(a.neverActive) ||
      b.riskScore - a.riskScore ||
      a.userId.localeCompare(b.userId),
  );
  const rows = ordered.map((s) => {
    const learner = info.get(s.userId);
    const forecast = forecasts.get(s.userId);
    return [
      s.userId,
      s.courseId,
      learner?.firstName ?? '',
      learner?.lastName ?? '',
      learner?.department ?? '',
      s.enrolledOn ?? '',
      s.weekIndex,
      s.completionProbability.toFixed(6),
      s.riskScore.toFixed(6),
      s.riskBand,
      s.atRisk ? 'true' : 'false',
      s.neverActive ? 'true' : 'false',
      s.rankInCourse,
      s.listReason,
      s.drivers.map((d) => d.text).join('; '),
      forecast === undefined ? '' : forecast.toFixed(2),
      context.target,
      context.asOf,
      context.modelVersion,
    ];
  });
  return toCsv([[...PREDICTION_COLUMNS], ...rows]);
}

export const NEVER_ACTIVE_COLUMNS = [
  'user_id',
  'first_name',
  'last_name',
  'department',
  'registered_on',
  'days_since_registration',
  'as_of',
] as const;

/** A learner registered with no activity at all (queries/marts/never_active_learners.sql). */
export interface NeverActiveLearner {
  readonly userId: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly department: string;
  readonly registeredOn: string | null;
  readonly daysSinceRegistration: number | null;
}

/**
 * OUT/never_active.csv: learners registered but never active, longest-waiting first. Formula-like
 * text (including full-width = + - @) is escaped by csv-stringify's escape_formulas.
 */
export function neverActiveCsv(learners: readonly NeverActiveLearner[], asOf: string): string {
  return toCsv(
    learners.map((l) => [
      l.userId,
      l.firstName,
      l.lastName,
      l.department,
      l.registeredOn ?? '',
      l.daysSinceRegistration ?? '',
      asOf,
    ]),
    { header: true, columns: [...NEVER_ACTIVE_COLUMNS] },
  );
}
