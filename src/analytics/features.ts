/**
 * Weekly behavioural features per learner, from the validated tables.
 */
import type { Db } from './db.ts';

/** The six weekly behavioural features, in the contract's column order. */
export const WEEKLY_FEATURES = [
  'sessions',
  'avg_progress',
  'modules_completed',
  'avg_quiz_score',
  'active_days',
  'inactivity_days',
] as const;

/** Columns of weekly_behavioral_features.csv, in order. */
export const FEATURE_COLUMNS = [
  'user_id',
  'week_start',
  'week_index',
  ...WEEKLY_FEATURES,
  'week_end',
  'lesson_events',
  'quiz_attempts',
  'cum_sessions',
  'cum_active_days',
  'cum_modules_completed',
  'cum_lesson_events',
  'cum_quiz_attempts',
  'cum_avg_progress',
  'cum_avg_quiz_score',
] as const;

/**
 * Defines int_events (a view: a filter over the checked event tables, which a table would copy,
 * 100k learners: ~0.9 GB) and builds weekly_behavioral_features for the given as-of date.
 */
export async function buildWeeklyFeatures(db: Db, asOf: string): Promise<{ rows: number; learners: number }> {
  await db.defineViewAsOf('int_events', asOf);
  await db.lean(async () => {
    await db.materialize('weekly_behavioral_features', { as_of: asOf });
  });
  const [row] = await db.all<{ rows: bigint; learners: bigint }>(
    'SELECT count(*) AS rows, count(DISTINCT user_id) AS learners FROM weekly_behavioral_features',
  );
  return { rows: Number(row?.rows ?? 0), learners: Number(row?.learners ?? 0) };
}

/** Writes the feature table as CSV, ordered by learner and week. */
export async function writeWeeklyFeaturesCsv(db: Db, path: string): Promise<void> {
  await db.copyToCsv(
    `SELECT ${FEATURE_COLUMNS.join(', ')} FROM weekly_behavioral_features ORDER BY user_id, week_start`,
    path,
  );
}
