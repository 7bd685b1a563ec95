/**
 * Feature lists and how snapshot rows become feature vectors. Missing averages are imputed with the
 * training mean and flagged by a 0/1 `<name>_missing` indicator column, so every matrix is complete.
 */

export interface FeatureSpec {
  /** Source columns, in matrix order. */
  readonly columns: readonly string[];
  /** Source columns that may be null; each gets an indicator after the source columns. */
  readonly imputed: readonly string[];
  /** Every matrix column: the source columns, then the indicators. */
  readonly features: readonly string[];
}

export function featureSpec(sources: readonly { name: string; imputed?: boolean }[]): FeatureSpec {
  const columns = sources.map((f) => f.name);
  const imputed = sources.filter((f) => f.imputed).map((f) => f.name);
  return Object.freeze({
    columns,
    imputed,
    features: [...columns, ...imputed.map((name) => `${name}_missing`)],
  });
}

/**
 * The at-risk model's inputs, per enrolment-week (queries/features/enrolment_week_snapshots.sql). They
 * mean the same in every course, so a model carries over to another course or cohort: silence in days,
 * the place among peers (same course, same calendar week, same stage since enrolment), the share of the
 * course's required modules done, quiz scores (0-100), lesson progress per step as a ratio to the
 * typical step on the same modules, and whether the learner has started at all. Raw
 * counts whose scale differs per course (sessions, events) are left out, and so is the week of the
 * course: within one running cohort every scored learner is past the weeks the model learnt from, so a
 * tenure weight only extrapolates (measured: it ranked late joiners first, list precision 0.38 at week
 * 4 of a single cohort, below the base rate of 0.48), and tenure is never a reason to contact anyone.
 * In priority order: when two are (nearly) collinear on the training rows, the later one is dropped.
 */
const COMPLETION_SOURCES = [
  { name: 'days_inactive_log' },
  { name: 'pct_days_inactive' },
  { name: 'pct_active_days_14' },
  { name: 'pct_cum_active_days' },
  { name: 'share_required_completed' },
  { name: 'pct_modules_done' },
  { name: 'cum_avg_quiz_score', imputed: true },
  { name: 'progress_per_step', imputed: true },
  { name: 'never_active' },
];

export const COMPLETION_FEATURES = featureSpec(COMPLETION_SOURCES);

/**
 * The disengagement model's inputs: the completion model's without progress_per_step. A slow pace
 * predicts not finishing (mid-window prospective AUC on the default generator up 0.01-0.05 on each of
 * twelve seed and date pairs), but not the next weeks' silence: in a single running cohort it put
 * learners who were about to go quiet for the deadline-driven fortnight off the list (week 8 list
 * precision 0.94 -> 0.49; docs/BENCHMARKS.md, session 7).
 */
export const DISENGAGEMENT_FEATURES = featureSpec(
  COMPLETION_SOURCES.filter((source) => source.name !== 'progress_per_step'),
);

/**
 * The baseline as a model: days since the last activity alone. A list ranked by it is the order staff
 * get by sorting on the last activity; it ranks the list when the full model does not beat that order
 * (train.ts), so a week whose model is no better than the baseline still gets a list, named as such.
 */
export const SILENCE_FEATURES = featureSpec([{ name: 'days_inactive_log' }]);

/** Every feature a model may hold (a fitted model keeps those its training rows could support). */
export const MODEL_FEATURES: readonly string[] = COMPLETION_FEATURES.features;

/**
 * Raw columns as read from DuckDB: numbers, missing (null, or NaN in a typed column) where an average
 * has no rows.
 */
export type SnapshotColumns = Record<string, ArrayLike<number | null>>;

/**
 * The spec of a fitted model's feature list: its source columns, and an indicator after them for each
 * column whose `<name>_missing` the model kept.
 */
export function specOf(features: readonly string[]): FeatureSpec {
  const sources = features.filter((f) => !(f.endsWith('_missing') && features.includes(f.slice(0, -8))));
  return featureSpec(sources.map((name) => ({ name, imputed: features.includes(`${name}_missing`) })));
}

/** A missing value of a snapshot column: null in an array, NaN in a typed column read from DuckDB. */
export function isMissing(v: number | null | undefined): boolean {
  return v === null || v === undefined || Number.isNaN(v);
}

/**
 * Means of every source column over the rows given (ignoring nulls); 0 when a column is all null. A
 * missing value is filled with its column's mean, with or without an indicator column.
 */
export function imputationMeans(
  columns: SnapshotColumns,
  rows: ArrayLike<number>,
  spec: FeatureSpec = COMPLETION_FEATURES,
): Record<string, number> {
  const means: Record<string, number> = {};
  for (const name of spec.columns) {
    const values = columns[name];
    let sum = 0;
    let count = 0;
    for (let k = 0; k < rows.length; k++) {
      const v = values?.[rows[k] as number];
      if (!isMissing(v)) {
        sum += v as number;
        count++;
      }
    }
    means[name] = count > 0 ? sum / count : 0;
  }
  return means;
}

/** Feature vectors (spec.features order) for the rows given, with missing averages imputed. */
export function buildMatrix(
  columns: SnapshotColumns,
  rows: ArrayLike<number>,
  means: Record<string, number>,
  spec: FeatureSpec = COMPLETION_FEATURES,
): Float64Array[] {
  const p = spec.features.length;
  const base = spec.columns.length;
  const sources = spec.columns.map((name) => columns[name]);
  const slots = spec.columns.map((name) => spec.imputed.indexOf(name));
  const fills = spec.columns.map((name) => means[name] ?? 0);
  const out: Float64Array[] = new Array(rows.length);
  // One buffer for every row, each row a view of it: a separate small typed array per row has a
  // backing store of its own, and half a million of them per fit cost more in garbage collection
  // than the fit itself (100k learners: 13 s of GC in a 35 s training stage).
  const flat = new Float64Array(rows.length * p);
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k] as number;
    const x = flat.subarray(k * p, (k + 1) * p);
    for (let j = 0; j < base; j++) {
      const v = sources[j]?.[i];
      if (isMissing(v)) {
        x[j] = fills[j] as number;
        const slot = slots[j] as number;
        if (slot >= 0) x[base + slot] = 1;
      } else x[j] = v as number;
    }
    out[k] = x;
  }
  return out;
}

export function allRows(n: number): Int32Array {
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  return rows;
}
