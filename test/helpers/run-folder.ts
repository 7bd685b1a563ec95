/**
 * Hand-made run folders for the tests of what reads them (jobs, bot, Slack messages); the analytics
 * that write them are tested on their own. Rows are in the enrolment grain (issue 13): one row of
 * ML_Prediction.csv per open enrolment (learner x course), one row of learner_outcomes.csv per
 * enrolment. `asLearnerRows` turns them into a run folder written before that grain (one row per
 * learner, a `courses` cell), which OUT/latest may still be when new code starts.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { enrolmentKey } from '../../src/analytics/enrolment-key.ts';
import { PREDICTION_COLUMNS } from '../../src/analytics/prediction-csv.ts';
import { readPredictions } from '../../src/run-folder/index.ts';
import { tempDir } from './fs.ts';

export type Row = Record<string, string>;

/** ML_Prediction.csv's columns, in the file's order: the analytics' own list. */
export { PREDICTION_COLUMNS };

/** learner_outcomes.csv's columns, in the file's order. */
export const OUTCOME_COLUMNS = [
  'user_id',
  'course_id',
  'department',
  'enrolled_on',
  'required_modules',
  'modules_completed',
  'first_event',
  'last_event',
  'completed_at',
  'days_inactive',
  'dropout_days',
  'dropped_at',
  'outcome',
  'outcome_source',
  'outcome_rule',
] as const;

/** The columns of ML_Prediction.csv before the enrolment grain. */
const LEARNER_PREDICTION_COLUMNS = [
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

export const AS_OF = '2026-06-28';

/**
 * One enrolment's row of ML_Prediction.csv: `risk` sets risk_score, completion_probability (1 -
 * risk) and the band (>= 0.7 high, >= 0.4 medium); at_risk is risk >= 0.5 unless given.
 */
export function predictionRow(
  userId: string,
  courseId: string,
  risk: number,
  fields: Partial<Record<(typeof PREDICTION_COLUMNS)[number], string>> = {},
): Row {
  const row: Row = {
    user_id: userId,
    course_id: courseId,
    first_name: `First${userId}`,
    last_name: `Last${userId}`,
    department: 'Research',
    enrolled_on: '2026-03-02',
    week_index: '17',
    completion_probability: (1 - risk).toFixed(6),
    risk_score: risk.toFixed(6),
    risk_band: risk >= 0.7 ? 'high' : risk >= 0.4 ? 'medium' : 'low',
    at_risk: risk >= 0.5 ? 'true' : 'false',
    never_active: 'false',
    top_drivers: 'no activity for 20 days',
    predicted_final_quiz: '55.00',
    as_of: AS_OF,
    model_version: 'v1',
    ...fields,
  };
  return Object.fromEntries(PREDICTION_COLUMNS.map((column) => [column, row[column] ?? '']));
}

/** An enrolled-but-never-active enrolment, scored like the others. */
export function notStartedRow(
  userId: string,
  courseId: string,
  risk: number,
  enrolledOn = '2026-06-05',
): Row {
  const days = Math.round((Date.parse(AS_OF) - Date.parse(enrolledOn)) / 86_400_000);
  return predictionRow(userId, courseId, risk, {
    never_active: 'true',
    enrolled_on: enrolledOn,
    week_index: String(Math.floor(days / 7)),
    top_drivers: `enrolled ${enrolledOn}, no activity in ${days} days`,
  });
}

/** The contract's order: by course, never-active first, then highest risk, then user id. */
export function sortPredictions(rows: readonly Row[]): Row[] {
  const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...rows].sort(
    (a, b) =>
      text(a.course_id ?? '', b.course_id ?? '') ||
      Number(b.never_active === 'true') - Number(a.never_active === 'true') ||
      Number(b.risk_score) - Number(a.risk_score) ||
      text(a.user_id ?? '', b.user_id ?? ''),
  );
}

/** One enrolment's row of learner_outcomes.csv. */
export function outcomeRow(userId: string, courseId: string, outcome: 'completed' | 'dropped' | 'open'): Row {
  const row: Row = {
    user_id: userId,
    course_id: courseId,
    department: 'Research',
    enrolled_on: '2026-03-02',
    required_modules: '4',
    modules_completed: outcome === 'completed' ? '4' : '1',
    first_event: '2026-03-03',
    last_event: '2026-06-20',
    completed_at: outcome === 'completed' ? '2026-06-20' : '',
    days_inactive: '8',
    dropout_days: '42',
    dropped_at: outcome === 'dropped' ? '2026-06-01' : '',
    outcome,
    outcome_source: 'inferred',
    outcome_rule: outcome === 'open' ? '' : 'rule',
  };
  return Object.fromEntries(OUTCOME_COLUMNS.map((column) => [column, row[column] ?? '']));
}

/**
 * The same learners as a run written before the enrolment grain: one row per learner (their riskiest
 * enrolment's scores), their course ids joined by ';' in `courses`.
 */
export function asLearnerRows(rows: readonly Row[]): Row[] {
  const byLearner = new Map<string, Row[]>();
  for (const row of rows)
    byLearner.set(row.user_id ?? '', [...(byLearner.get(row.user_id ?? '') ?? []), row]);
  return [...byLearner.values()]
    .map((enrolments) => {
      const riskiest = [...enrolments].sort((a, b) => Number(b.risk_score) - Number(a.risk_score))[0] ?? {};
      const courses = enrolments.map((r) => r.course_id ?? '').join(';');
      const learner: Row = { ...riskiest, courses };
      return Object.fromEntries(LEARNER_PREDICTION_COLUMNS.map((column) => [column, learner[column] ?? '']));
    })
    .sort((a, b) => Number(b.risk_score) - Number(a.risk_score));
}

export interface RunFiles {
  readonly card?: Record<string, unknown>;
  /** ML_Prediction.csv rows; null: no list published. */
  readonly predictions?: readonly Row[] | null;
  readonly outcomes?: readonly Row[];
  readonly neverActive?: readonly Row[];
  readonly summary?: Record<string, unknown>;
}

export function csvText(rows: readonly Row[]): string {
  return stringify([...rows], { header: true, columns: Object.keys(rows[0] ?? {}) });
}

/** An OUT folder whose latest run (runs/r1) holds `files`; a reliable model card unless given. */
export function outWithRun(files: RunFiles): string {
  const outDir = tempDir('lumen-run-folder-');
  const runDir = join(outDir, 'runs', 'r1');
  mkdirSync(join(runDir, 'charts'), { recursive: true });
  writeFileSync(
    join(runDir, 'model_card.json'),
    JSON.stringify({ modelVersion: 'v1', dataAsOf: AS_OF, reliable: true, gateReasons: [], ...files.card }),
  );
  if (files.predictions) writeFileSync(join(runDir, 'ML_Prediction.csv'), csvText(files.predictions));
  if (files.outcomes) writeFileSync(join(runDir, 'learner_outcomes.csv'), csvText(files.outcomes));
  if (files.neverActive) writeFileSync(join(runDir, 'never_active.csv'), csvText(files.neverActive));
  if (files.summary) writeFileSync(join(runDir, 'run_summary.json'), JSON.stringify(files.summary));
  writeFileSync(join(runDir, 'charts', 'risk-distribution.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  symlinkSync(join('runs', 'r1'), join(outDir, 'latest'));
  return outDir;
}

/**
 * A run folder's open enrolments as the jobs read them (readPredictions) and the enrolment keys of
 * those at risk, not-started ones aside: what a digest's split and baseline are made of.
 */
export function atRiskEnrolments(runDir: string): { keys: Set<string>; rows: Row[] } {
  const rows = readPredictions(runDir) ?? [];
  const keys = rows
    .filter((r) => r.at_risk === 'true' && r.never_active !== 'true')
    .map((r) => enrolmentKey(r.user_id ?? '', r.course_id ?? ''));
  return { keys: new Set(keys), rows };
}
