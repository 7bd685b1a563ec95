/**
 * Reading one run folder's outputs for the digest (file I/O only; the digest itself is built by the
 * pure functions in content.ts), and finding the run a digest compares itself with.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { ModelCard } from '../../analytics/model/card.ts';
import { JobsError } from '../jobs-error.ts';
import { readModelCard, readOutcomes, readPredictions } from '../latest-outputs.ts';
import { runsDir } from '../runs/run-folders.ts';

export type CsvRow = Record<string, string>;

export interface RunSummaryFile {
  readonly asOf: string;
  readonly modelVersion: string | null;
  readonly scored: number | null;
  readonly atRisk: number | null;
  readonly bands: Record<string, number> | null;
}

export interface ExcludedRows {
  readonly reason: string;
  readonly label?: string;
  readonly rows: number;
}

export interface DataQualityFile {
  readonly files?: { file?: string; rowsExcluded?: number; excluded?: ExcludedRows[] }[];
}

export interface RunOutputs {
  readonly runDir: string;
  readonly summary: RunSummaryFile;
  readonly card: ModelCard | null;
  /** ML_Prediction.csv, one row per open enrolment; null when the run published no list (unreliable model). */
  readonly predictions: CsvRow[] | null;
  /** weekly_behavioral_features.csv: one row per learner and week (all of the learner's courses). */
  readonly weekly: CsvRow[];
  /** learner_outcomes.csv, one row per enrolment. */
  readonly outcomes: CsvRow[];
  readonly quality: DataQualityFile | null;
  /** never_active.csv: registered learners without any activity ([] when the run has none). */
  readonly neverActive: CsvRow[];
  /** Absolute paths of the charts the digest attaches, when rendered. */
  readonly charts: { weeklyEngagement: string | null; riskDistribution: string | null };
}

function readJson<T>(path: string): T | null {
  if (!existsSync(path)) return null;
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

function readCsv(path: string): CsvRow[] | null {
  if (!existsSync(path)) return null;
  return parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true }) as CsvRow[];
}

function chart(runDir: string, id: string): string | null {
  const path = join(runDir, 'charts', `${id}.png`);
  return existsSync(path) ? path : null;
}

/** Everything the digest reads from a run; a missing required file fails with its path. */
export function readRunOutputs(runDir: string): RunOutputs {
  const required = <T>(value: T | null, name: string): T => {
    if (value === null)
      throw new JobsError('MISSING_OUTPUT', `${join(runDir, name)} is missing: the run is incomplete`);
    return value;
  };
  return {
    runDir,
    summary: required(readJson<RunSummaryFile>(join(runDir, 'run_summary.json')), 'run_summary.json'),
    card: readModelCard(runDir),
    predictions: readPredictions(runDir),
    weekly: required(
      readCsv(join(runDir, 'weekly_behavioral_features.csv')),
      'weekly_behavioral_features.csv',
    ),
    outcomes: required(readOutcomes(runDir), 'learner_outcomes.csv'),
    quality: readJson<DataQualityFile>(join(runDir, 'data_quality.json')),
    neverActive: readCsv(join(runDir, 'never_active.csv')) ?? [],
    charts: {
      weeklyEngagement: chart(runDir, 'weekly-engagement'),
      riskDistribution: chart(runDir, 'risk-distribution'),
    },
  };
}

/** The as-of date of a run folder (run_summary.json), or null when it has none. */
export function runAsOf(runDir: string): string | null {
  try {
    return readJson<RunSummaryFile>(join(runDir, 'run_summary.json'))?.asOf ?? null;
  } catch {
    return null;
  }
}

/**
 * The run folder a digest of data as of `asOf` compares itself with: the newest run (by folder name,
 * which sorts by creation time) whose data is as of `preferAsOf` when given, else the newest with
 * data older than `asOf`; null when none.
 */
export function baselineRunFolder(
  outDir: string,
  asOf: string,
  preferAsOf: string | null = null,
): string | null {
  const dir = runsDir(outDir);
  if (!existsSync(dir)) return null;
  const runs = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => join(dir, entry.name))
    .filter((path) => existsSync(join(path, 'learner_outcomes.csv')))
    .sort()
    .reverse();
  // A refresh writes run.json only when it succeeded: where runs have one, failed folders are ignored.
  const published = runs.filter((path) => existsSync(join(path, 'run.json')));
  const dated = (published.length ? published : runs).map((path) => ({ path, asOf: runAsOf(path) }));
  if (preferAsOf) {
    const exact = dated.find((run) => run.asOf === preferAsOf);
    if (exact) return exact.path;
  }
  let best: { path: string; asOf: string } | null = null;
  for (const run of dated) {
    if (run.asOf && run.asOf < asOf && (!best || run.asOf > best.asOf))
      best = { path: run.path, asOf: run.asOf };
  }
  return best?.path ?? null;
}
