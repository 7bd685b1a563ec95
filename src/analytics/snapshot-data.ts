/**
 * Reading the snapshot tables (enrolment_week_snapshots and the tables built on it) into the
 * column arrays the model uses, row-aligned in one order, and writing the training matrix as CSV.
 */
import type { Db } from './db.ts';
import { COMPLETION_FEATURES, type FeatureSpec, type SnapshotColumns } from './model/features.ts';
import type { ScoredEnrolment } from './model/score.ts';
import type { TrainingData } from './model/train.ts';
import type { LearnerInfo } from './prediction-csv.ts';

export function numbers(values: unknown[] | undefined): (number | null)[] {
  return (values ?? []).map((v) => (v === null || v === undefined ? null : Number(v)));
}

/**
 * A feature column as doubles, NaN where the table has NULL (the model's code reads NaN, null and
 * undefined alike as missing). Not an array of numbers or null: half a million rows of eleven such
 * columns are millions of boxed numbers that every major garbage collection walks.
 */
export function featureValues(values: unknown[] | undefined): Float64Array {
  const list = values ?? [];
  const out = new Float64Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    out[i] = v === null || v === undefined ? Number.NaN : Number(v);
  }
  return out;
}

/** One order for every read of a snapshot table, so the files and arrays drawn from it line up. */
export const SNAPSHOT_ORDER = 'user_id, course_id, week_index';

export async function readSnapshotColumns(db: Db, table: string, extra: string[] = []) {
  const select = [
    'user_id',
    'course_id',
    'week_index::DOUBLE AS week_index',
    ...extra,
    ...COMPLETION_FEATURES.columns.map((c) => `${c}::DOUBLE AS ${c}`),
  ];
  const raw = await db.columns(`SELECT ${select.join(', ')} FROM ${table} ORDER BY ${SNAPSHOT_ORDER}`);
  const columns: SnapshotColumns = {};
  for (const name of COMPLETION_FEATURES.columns) columns[name] = featureValues(raw[name]);
  return {
    userIds: (raw.user_id ?? []).map(String),
    courseIds: (raw.course_id ?? []).map(String),
    weekIndex: numbers(raw.week_index).map((v) => v ?? 0),
    columns,
    raw,
  };
}

export async function readTrainingData(db: Db, table: string): Promise<TrainingData> {
  const { userIds, courseIds, weekIndex, columns, raw } = await readSnapshotColumns(db, table, [
    'label::DOUBLE AS label',
  ]);
  return {
    userIds,
    courseIds,
    weekIndex,
    labels: numbers(raw.label).map((v) => v ?? 0),
    columns,
  };
}

/**
 * The training matrix exactly as it enters the model (its features: those the rows could support),
 * before standardisation, as CSV.
 */
export async function writeTrainingSnapshotsCsv(
  db: Db,
  table: string,
  path: string,
  imputation: Record<string, number>,
  spec: FeatureSpec,
): Promise<void> {
  const params: Record<string, number> = {};
  const select = ['user_id', 'course_id', 'week_index', 'label'];
  for (const column of spec.columns) {
    params[`fill_${column}`] = imputation[column] ?? 0;
    select.push(`coalesce(${column}::DOUBLE, $fill_${column}::DOUBLE) AS ${column}`);
  }
  for (const column of spec.imputed) select.push(`(${column} IS NULL)::INTEGER AS ${column}_missing`);
  await db.copyToCsv(`SELECT ${select.join(', ')} FROM ${table} ORDER BY ${SNAPSHOT_ORDER}`, path, params);
}

/** Name and department of each learner with an open enrolment. */
export async function learnerInfo(db: Db): Promise<Map<string, LearnerInfo>> {
  const rows = await db.all<{ user_id: string; first_name: string; last_name: string; department: string }>(
    `SELECT DISTINCT user_id, first_name, last_name, department FROM learner_outcomes WHERE outcome = 'open'`,
  );
  return new Map(
    rows.map((r) => [
      r.user_id,
      { firstName: r.first_name ?? '', lastName: r.last_name ?? '', department: r.department ?? '' },
    ]),
  );
}

/** The open enrolments scoring_snapshots holds, row-aligned with its feature columns. */
export async function scoredEnrolments(db: Db): Promise<ScoredEnrolment[]> {
  const rows = await db.all<Record<string, unknown>>(
    `SELECT user_id, course_id, week_index::INTEGER AS week_index, strftime(enrolled_on, '%Y-%m-%d') AS enrolled_on,
            never_active_to_date AS never_active, inactivity_days::INTEGER AS inactivity_days,
            active_days_14::INTEGER AS active_days_14, cum_active_days::INTEGER AS cum_active_days,
            modules_done::INTEGER AS modules_done, required_modules::INTEGER AS required_modules,
            cum_avg_quiz_score::DOUBLE AS quiz_score, peer_days_inactive::DOUBLE AS peer_days_inactive,
            peer_active_days_14::DOUBLE AS peer_active_days_14, peer_cum_active_days::DOUBLE AS peer_cum_active_days,
            peer_modules_done::DOUBLE AS peer_modules_done, peer_avg_quiz_score::DOUBLE AS peer_quiz_score,
            progress_per_step::DOUBLE AS progress_per_step, peer_progress_per_step::DOUBLE AS peer_progress_per_step
     FROM scoring_snapshots ORDER BY ${SNAPSHOT_ORDER}`,
  );
  const orNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return rows.map((r) => ({
    userId: String(r.user_id),
    courseId: String(r.course_id),
    weekIndex: Number(r.week_index),
    enrolledOn: r.enrolled_on === null ? null : String(r.enrolled_on),
    neverActive: Boolean(r.never_active),
    inactivityDays: Number(r.inactivity_days),
    activeDays14: Number(r.active_days_14),
    cumActiveDays: Number(r.cum_active_days),
    modulesDone: Number(r.modules_done),
    requiredModules: Number(r.required_modules),
    quizScore: orNull(r.quiz_score),
    progressPerStep: orNull(r.progress_per_step),
    peer: {
      inactivityDays: orNull(r.peer_days_inactive),
      activeDays14: orNull(r.peer_active_days_14),
      cumActiveDays: orNull(r.peer_cum_active_days),
      modulesDone: orNull(r.peer_modules_done),
      quizScore: orNull(r.peer_quiz_score),
      progressPerStep: orNull(r.peer_progress_per_step),
    },
  }));
}
