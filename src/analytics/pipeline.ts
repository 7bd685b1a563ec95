/**
 * The first stages of the analytics pipeline as plain functions (validate, features, outcomes), and the one
 * place a DuckDB database is opened with the settings. Used by the CLI's validate and features
 * commands, by runAnalysis (which the CLI and the refresh and train jobs run) and by the backtest.
 */
import type { Config } from '../config.ts';
import { Db } from './db.ts';
import { buildWeeklyFeatures, writeWeeklyFeaturesCsv } from './features.ts';
import type { DropoutRule } from './model/card.ts';
import { OutputStage } from './output.ts';
import { type DataQualityReport, validateData } from './validate.ts';
import { lastCompleteWeekEnd } from './weeks.ts';

export type StageReporter = (stage: string, detail?: string) => void;

export interface PipelineOptions {
  readonly dataDir: string;
  readonly asOf?: string | null;
  readonly onStage?: StageReporter;
  /** The clock for the export's written date (default: now); tests pass a fixed one. */
  readonly now?: Date;
}

export function openDb(config: Config): Promise<Db> {
  return Db.open({
    tz: config.tz,
    threads: config.duckdbThreads,
    memoryLimit: config.duckdbMemory,
    tempDirectory: config.duckdbTempDir,
    trace: config.duckdbTrace,
  });
}

export async function runValidate(config: Config, options: PipelineOptions): Promise<DataQualityReport> {
  const db = await openDb(config);
  try {
    options.onStage?.('load+validate');
    return await validateData(db, {
      dataDir: options.dataDir,
      tz: config.tz,
      asOf: options.asOf,
      dateOrder: config.dateOrder,
      now: options.now,
    });
  } finally {
    db.close();
  }
}

export interface FeaturesResult {
  readonly report: DataQualityReport;
  readonly featureRows: number;
  readonly learners: number;
  readonly files: string[];
}

/** The first stages of every run, in `db`: load + validate the export, then the weekly features. */
export async function validateAndBuildFeatures(
  db: Db,
  config: Config,
  options: PipelineOptions,
): Promise<{ report: DataQualityReport; featureRows: number; learners: number }> {
  options.onStage?.('load+validate');
  const report = await validateData(db, {
    dataDir: options.dataDir,
    tz: config.tz,
    asOf: options.asOf,
    dateOrder: config.dateOrder,
    now: options.now,
  });
  options.onStage?.('features');
  const { rows, learners } = await buildWeeklyFeatures(db, report.asOf);
  return { report, featureRows: rows, learners };
}

/** The two files every run writes: data_quality.json and weekly_behavioral_features.csv. */
export async function stageFeatureFiles(
  db: Db,
  stage: OutputStage,
  report: DataQualityReport,
): Promise<void> {
  stage.writeJson('data_quality.json', report);
  await writeWeeklyFeaturesCsv(db, stage.path('weekly_behavioral_features.csv'));
}

/** validate -> features; writes data_quality.json and weekly_behavioral_features.csv into outDir. */
export async function runFeatures(
  config: Config,
  options: PipelineOptions & { readonly outDir: string },
): Promise<FeaturesResult> {
  const db = await openDb(config);
  let stage: OutputStage | null = null;
  try {
    const { report, featureRows, learners } = await validateAndBuildFeatures(db, config, options);
    options.onStage?.('write');
    stage = new OutputStage(options.outDir);
    await stageFeatureFiles(db, stage, report);
    const files = stage.commit();
    return { report, featureRows, learners, files };
  } finally {
    stage?.discard();
    db.close();
  }
}

/**
 * The enrolments (int_enrolments: from lms_enrolments.csv when given, else inferred from activity) and
 * their outcomes (learner_outcomes, one row per enrolment; learner_overall_outcomes per learner) as of
 * `modelAsOf` (the end of the last complete week), after each course's drop-out rule measured on the
 * export (int_course_dropout_gaps); returns those rules for the card.
 */
export async function buildOutcomes(
  db: Db,
  config: Config,
  modelAsOf: string,
  enrolmentsFile: boolean,
): Promise<DropoutRule[]> {
  await db.materialize('int_enrolments', { as_of: modelAsOf, enrolments_file: enrolmentsFile });
  // Each course's drop-out rule from its own data (how long its learners go quiet and come back).
  await db.materialize('int_course_dropout_gaps', { as_of: modelAsOf, min_days: config.dropoutDays });
  const rules = (await db.all<Record<string, unknown>>('SELECT * FROM int_course_dropout_gaps')).map(
    (row): DropoutRule => ({
      courseId: String(row.course_id),
      dropoutDays: Number(row.dropout_days),
      learnersMeasured: Number(row.learners_measured),
      p95ReturningGap: row.p95_returning_gap === null ? null : Number(row.p95_returning_gap),
      returnedAfterLonger: Number(row.returned_after_longer),
      source: String(row.source) as DropoutRule['source'],
    }),
  );
  await db.materialize('learner_outcomes', { as_of: modelAsOf });
  await db.materialize('learner_overall_outcomes');
  return rules;
}

/**
 * enrolment_week_snapshots as of `modelAsOf` (needs buildOutcomes' tables): the per-enrolment weeks
 * first as their own table, then the peer comparisons over it; the first table is dropped after.
 */
export async function buildEnrolmentWeeks(db: Db, modelAsOf: string): Promise<void> {
  await db.materialize('enrolment_week_base', { as_of: modelAsOf });
  await db.materialize('enrolment_week_snapshots');
  await db.run('DROP TABLE enrolment_week_base');
}

/**
 * The export's tables a published run's charts are drawn from, rebuilt in `db`: load + validate,
 * the weekly features, the enrolments and their outcomes as of the end of the last complete week.
 */
export async function rebuildExport(
  db: Db,
  config: Config,
  options: PipelineOptions,
): Promise<{ report: DataQualityReport; modelAsOf: string; dropoutRules: DropoutRule[] }> {
  const { report } = await validateAndBuildFeatures(db, config, options);
  const modelAsOf = lastCompleteWeekEnd(report.asOf);
  options.onStage?.('outcomes');
  const dropoutRules = await buildOutcomes(db, config, modelAsOf, report.enrolmentsFile);
  return { report, modelAsOf, dropoutRules };
}
