/**
 * The run folder's contract, part 3: the one reader of each file of a run. A missing optional file
 * reads as null; a file that is there but unreadable fails with its path (a run folder is written by
 * Lumen, so that means damage, not a state to paper over).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { type BacktestReport, readBacktestReport } from '../analytics/backtest.ts';
import { parseCsvSafe } from '../analytics/csv-safe.ts';
import { type ModelArtifact, readArtifact } from '../analytics/model/artifact.ts';
import type { ModelCard } from '../analytics/model/card.ts';
import type { DataQualityReport } from '../analytics/validate.ts';
import { LumenError } from '../errors.ts';
import { type CsvRow, LATEST_MODEL, RUN_FILES, type RunManifest, type RunSummary } from './files.ts';

function readJson<T>(path: string): T | null {
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (cause) {
    throw new LumenError('MISSING_OUTPUT', `${path} cannot be read as JSON: the run folder is damaged`, {
      cause,
    });
  }
}

/** A run's CSV file, each cell as it was before formula protection (ids look up as themselves). */
function readCsv(path: string): CsvRow[] | null {
  if (!existsSync(path)) return null;
  return parseCsvSafe(readFileSync(path, 'utf8'));
}

export function readManifest(runDir: string): RunManifest | null {
  return readJson<RunManifest>(join(runDir, RUN_FILES.manifest));
}

export function readRunSummary(runDir: string): RunSummary | null {
  return readJson<RunSummary>(join(runDir, RUN_FILES.summary));
}

export function readDataQuality(runDir: string): DataQualityReport | null {
  return readJson<DataQualityReport>(join(runDir, RUN_FILES.dataQuality));
}

export function readModelCard(runDir: string): ModelCard | null {
  return readJson<ModelCard>(join(runDir, RUN_FILES.modelCard));
}

/** models/latest.json of a run; null when it has none or it is not a model this version can use. */
export function readSavedModel(runDir: string): ModelArtifact | null {
  const path = join(runDir, LATEST_MODEL);
  if (!existsSync(path)) return null;
  try {
    return readArtifact(path);
  } catch {
    return null;
  }
}

/**
 * Rows of a run folder written before outcomes and predictions moved to the enrolment grain: one row
 * per learner, their course ids in one `courses` cell ("C101;C102"), no `course_id`. Such a run can
 * still be OUT/latest (or a digest's baseline) when new code starts, so each of its rows becomes one
 * row per course id (the learner's scores in each; a learner with none keeps one row with an empty
 * course_id, shown to programme staff only), as every course id of the cell was in scope before.
 * Rows that have a `course_id` column are returned as they are.
 */
export function asEnrolmentRows(rows: readonly CsvRow[]): CsvRow[] {
  return rows.flatMap((row) => {
    if (row.course_id !== undefined || row.courses === undefined) return [row];
    const courses = row.courses.split(/[;,\s]+/).filter(Boolean);
    return (courses.length ? courses : ['']).map((course) => ({ ...row, course_id: course }));
  });
}

/**
 * ML_Prediction.csv: one row per open enrolment (learner x course), sorted by course, never-active
 * enrolments first, then highest risk; null when the run published no list.
 */
export function readPredictions(runDir: string): CsvRow[] | null {
  const rows = readCsv(join(runDir, RUN_FILES.predictions));
  return rows === null ? null : asEnrolmentRows(rows);
}

/** Highest risk_score first, then by learner id: the order of a course's rows in ML_Prediction.csv. */
export function byRiskDescending(a: CsvRow, b: CsvRow): number {
  const risk = Number(b.risk_score) - Number(a.risk_score);
  if (risk !== 0 && Number.isFinite(risk)) return risk;
  const [x, y] = [a.user_id ?? '', b.user_id ?? ''];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** learner_outcomes.csv: one row per enrolment (completed, dropped or open); null when absent. */
export function readOutcomes(runDir: string): CsvRow[] | null {
  const rows = readCsv(join(runDir, RUN_FILES.outcomes));
  return rows === null ? null : asEnrolmentRows(rows);
}

/** weekly_behavioral_features.csv: one row per learner and week (all of the learner's courses). */
export function readWeeklyFeatures(runDir: string): CsvRow[] | null {
  return readCsv(join(runDir, RUN_FILES.weeklyFeatures));
}

/** never_active.csv rows (registered learners without any activity), newest first; [] when absent. */
export function readNeverActive(runDir: string): CsvRow[] {
  return readCsv(join(runDir, RUN_FILES.neverActive)) ?? [];
}

const CHART_ID = /^[a-z0-9][a-z0-9-]*$/;

/** charts/<id>.png of a run, or null when that chart was not rendered (or the id is not one). */
export function chartPng(runDir: string, id: string): string | null {
  if (!CHART_ID.test(id)) return null;
  const path = join(runDir, RUN_FILES.charts, `${id}.png`);
  return existsSync(path) ? path : null;
}

/** The title lines (title, then subtitles) of a chart PNG's Vega-Lite spec beside it; [] when none. */
export function chartTitleLines(pngPath: string): string[] {
  const spec = join(dirname(pngPath), `${basename(pngPath, '.png')}.vl.json`);
  let title: unknown;
  try {
    title = readJson<{ title?: unknown }>(spec)?.title;
  } catch {
    return [];
  }
  if (typeof title === 'string') return [title];
  if (typeof title !== 'object' || title === null) return [];
  const { text, subtitle } = title as { text?: unknown; subtitle?: unknown };
  const lines = [text, ...(Array.isArray(subtitle) ? subtitle : [subtitle])];
  return lines.filter((line): line is string => typeof line === 'string' && line.trim() !== '');
}

/** OUT/backtest.json of the last `lumen backtest --out OUT`; null when none this version can read. */
export function readBacktest(outDir: string): BacktestReport | null {
  return readBacktestReport(outDir);
}
