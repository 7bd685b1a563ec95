/**
 * OUT/ML_Prediction.csv: one row per open learner, highest risk first. Text cells are made safe for
 * spreadsheets: a cell starting with = + - @ (or tab / carriage return) is prefixed with a single quote
 * so Excel and LibreOffice show it as text instead of running it as a formula.
 */
import { stringify } from 'csv-stringify/sync';
import type { LearnerScore } from './model/score.ts';

export const PREDICTION_COLUMNS = [
  'user_id',
  'first_name',
  'last_name',
  'department',
  'courses',
  'week_index',
  'completion_probability',
  'risk_score',
  'risk_band',
  'at_risk',
  'top_drivers',
  'predicted_final_quiz',
  'as_of',
  'model_version',
] as const;

export interface LearnerInfo {
  readonly firstName: string;
  readonly lastName: string;
  readonly department: string;
  readonly courses: string;
}

export function spreadsheetSafe(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export function predictionCsv(
  scores: LearnerScore[],
  info: Map<string, LearnerInfo>,
  forecasts: Map<string, number>,
  context: { asOf: string; modelVersion: string },
): string {
  const rows = scores.map((s) => {
    const learner = info.get(s.userId);
    const forecast = forecasts.get(s.userId);
    return [
      spreadsheetSafe(s.userId),
      spreadsheetSafe(learner?.firstName ?? ''),
      spreadsheetSafe(learner?.lastName ?? ''),
      spreadsheetSafe(learner?.department ?? ''),
      spreadsheetSafe(learner?.courses ?? ''),
      s.weekIndex,
      s.completionProbability.toFixed(6),
      s.riskScore.toFixed(6),
      s.riskBand,
      s.atRisk ? 'true' : 'false',
      spreadsheetSafe(s.drivers.map((d) => d.text).join('; ')),
      forecast === undefined ? '' : forecast.toFixed(2),
      context.asOf,
      context.modelVersion,
    ];
  });
  return stringify([[...PREDICTION_COLUMNS], ...rows]);
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
  return stringify(
    learners.map((l) => [
      l.userId,
      l.firstName,
      l.lastName,
      l.department,
      l.registeredOn ?? '',
      l.daysSinceRegistration ?? '',
      asOf,
    ]),
    { header: true, columns: [...NEVER_ACTIVE_COLUMNS], escape_formulas: true },
  );
}
