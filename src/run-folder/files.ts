/**
 * The run folder's contract, part 1: the name and the type of every file a run holds. One run is one
 * folder OUT/runs/<runId>/, written once by one attempt and published by switching OUT/latest to it
 * (layout.ts); the CLI, the jobs, the bot, the digest and the dashboard all read it through read.ts.
 */

/** Every file (or folder) of a run folder, by what it is. */
export const RUN_FILES = {
  /** RunManifest: written last, just before the switch; a run folder without one never finished. */
  manifest: 'run.json',
  /** RunSummary: what the next run compares itself with. */
  summary: 'run_summary.json',
  /** DataQualityReport (it names the export folder and the as-of date). */
  dataQuality: 'data_quality.json',
  weeklyFeatures: 'weekly_behavioral_features.csv',
  /**
   * One row per enrolment and week to the model as-of (queries/marts/enrolment_weeks.sql): a
   * learner's profile in one course is drawn from it without rebuilding the export.
   */
  enrolmentWeeks: 'enrolment_weeks.csv',
  outcomes: 'learner_outcomes.csv',
  /** One row per open enrolment; absent when the run published no list (unreliable model). */
  predictions: 'ML_Prediction.csv',
  neverActive: 'never_active.csv',
  modelCard: 'model_card.json',
  modelCardText: 'model_card.md',
  stats: 'stats.json',
  trainingSnapshots: 'training_snapshots.csv',
  oofPredictions: 'oof_predictions.csv',
  /** models/<version>.json and models/latest.json: the model the run trained or scored with. */
  models: 'models',
  charts: 'charts',
  dashboard: 'dashboard.html',
} as const;

/** The saved model a run trained or scored with. */
export const LATEST_MODEL = `${RUN_FILES.models}/latest.json`;

/**
 * What describes the model a run used: a run that scores with an earlier run's model holds these too
 * (written from the model it was given, plus the training evidence of the run that fitted it), so
 * every published run is complete on its own.
 */
export const MODEL_FILES = [
  RUN_FILES.modelCard,
  RUN_FILES.modelCardText,
  RUN_FILES.stats,
  RUN_FILES.trainingSnapshots,
  RUN_FILES.oofPredictions,
] as const;

/** Beside runs/ in OUT: the last `lumen backtest --out OUT` (every later run shows it). */
export const BACKTEST_REPORT = 'backtest.json';

/** What the next run compares itself with (at-risk count change on the dashboard and in Slack). */
export interface RunSummary {
  readonly asOf: string;
  /** Learners registered with no activity up to the last complete week (never_active.csv). */
  readonly neverActive?: number;
  readonly modelVersion: string | null;
  readonly scored: number | null;
  readonly atRisk: number | null;
  readonly bands: Record<string, number> | null;
  /** A scoring run with a saved model: what that model was trained on (describeSavedModel). */
  readonly scoredWith?: string | null;
}

/** Who wrote a run. */
export type RunSource = 'cli' | 'refresh';

/** run.json: written when the run is complete, just before OUT/latest is switched to it. */
export interface RunManifest {
  readonly runId: string;
  /** Fingerprint of the export and settings (jobs/data-fingerprint.ts); null when not computed. */
  readonly dataFingerprint: string | null;
  readonly modelVersion: string | null;
  readonly trained: boolean;
  readonly finishedAt: string;
  /** Absent in runs written before the CLI published runs. */
  readonly source?: RunSource;
  /** The run OUT/latest pointed at when this one replaced it (null: the first); absent in older runs. */
  readonly previousRunId?: string | null;
}

/** A row of one of the run's CSV files, by column name. */
export type CsvRow = Record<string, string>;
