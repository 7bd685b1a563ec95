/** Reading what the last good run published under OUT/latest (Slack jobs never touch a run in progress). */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { ModelCard } from '../analytics/model/card.ts';
import { JobsError } from './jobs-error.ts';
import { latestPath, latestRunFolder } from './runs/run-folders.ts';

export type PredictionRow = Record<string, string>;

export function latestFolderOrFail(outDir: string): string {
  const dir = latestRunFolder(outDir);
  if (!dir)
    throw new JobsError('MISSING_OUTPUT', `no successful refresh yet: ${latestPath(outDir)} does not exist`);
  return dir;
}

export function readModelCard(runDir: string): ModelCard | null {
  const path = join(runDir, 'model_card.json');
  if (!existsSync(path)) return null;
  return JSON.parse(readFileSync(path, 'utf8')) as ModelCard;
}

function readCsv(path: string): PredictionRow[] | null {
  if (!existsSync(path)) return null;
  return parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true }) as PredictionRow[];
}

/**
 * Rows of a run folder written before outcomes and predictions moved to the enrolment grain: one row
 * per learner, their course ids in one `courses` cell ("C101;C102"), no `course_id`. Such a run can
 * still be OUT/latest (or a digest's baseline) when new code starts, so each of its rows becomes one
 * row per course id (the learner's scores in each; a learner with none keeps one row with an empty
 * course_id, shown to programme staff only), as every course id of the cell was in scope before.
 * Rows that have a `course_id` column are returned as they are.
 */
export function asEnrolmentRows(rows: readonly PredictionRow[]): PredictionRow[] {
  return rows.flatMap((row) => {
    if (row.course_id !== undefined || row.courses === undefined) return [row];
    const courses = row.courses.split(/[;,\s]+/).filter(Boolean);
    return (courses.length ? courses : ['']).map((course) => ({ ...row, course_id: course }));
  });
}

/**
 * OUT/latest/ML_Prediction.csv: one row per open enrolment (learner x course), sorted by course,
 * never-active enrolments first, then highest risk; null when the run published no list.
 */
export function readPredictions(runDir: string): PredictionRow[] | null {
  const rows = readCsv(join(runDir, 'ML_Prediction.csv'));
  return rows === null ? null : asEnrolmentRows(rows);
}

/** Highest risk_score first, then by learner id: the order of a course's rows in ML_Prediction.csv. */
export function byRiskDescending(a: PredictionRow, b: PredictionRow): number {
  const risk = Number(b.risk_score) - Number(a.risk_score);
  if (risk !== 0 && Number.isFinite(risk)) return risk;
  const [x, y] = [a.user_id ?? '', b.user_id ?? ''];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** learner_outcomes.csv: one row per enrolment (completed, dropped or open); null when absent. */
export function readOutcomes(runDir: string): PredictionRow[] | null {
  const rows = readCsv(join(runDir, 'learner_outcomes.csv'));
  return rows === null ? null : asEnrolmentRows(rows);
}

/** never_active.csv rows (registered learners without any activity), newest first; [] when absent. */
export function readNeverActive(runDir: string): PredictionRow[] {
  return readCsv(join(runDir, 'never_active.csv')) ?? [];
}

const CHART_ID = /^[a-z0-9][a-z0-9-]*$/;

/** OUT/latest/charts/<chart>.png, or a clear failure when the chart was not rendered. */
export function chartPath(outDir: string, chart: string): string {
  if (!CHART_ID.test(chart)) throw new JobsError('MISSING_OUTPUT', `${chart} is not a chart id`);
  const path = join(latestFolderOrFail(outDir), 'charts', `${chart}.png`);
  if (!existsSync(path)) {
    throw new JobsError('MISSING_OUTPUT', `chart ${chart} has not been rendered: ${path} does not exist`);
  }
  return path;
}
