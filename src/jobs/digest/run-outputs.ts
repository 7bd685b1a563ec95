/**
 * Everything the digest reads from one run folder, through the run folder's readers
 * (src/run-folder); the digest itself is built by the pure functions in content.ts.
 */
import { join } from 'node:path';
import type { ModelCard } from '../../analytics/model/card.ts';
import type { DataQualityReport } from '../../analytics/validate.ts';
import {
  type CsvRow,
  chartPng,
  RUN_FILES,
  type RunSummary,
  readDataQuality,
  readModelCard,
  readNeverActive,
  readOutcomes,
  readPredictions,
  readRunSummary,
  readWeeklyFeatures,
} from '../../run-folder/index.ts';
import { JobsError } from '../jobs-error.ts';

export type { CsvRow };

export interface RunOutputs {
  readonly runDir: string;
  readonly summary: RunSummary;
  readonly card: ModelCard | null;
  /** ML_Prediction.csv, one row per open enrolment; null when the run published no list (unreliable model). */
  readonly predictions: CsvRow[] | null;
  /** weekly_behavioral_features.csv: one row per learner and week (all of the learner's courses). */
  readonly weekly: CsvRow[];
  /** learner_outcomes.csv, one row per enrolment. */
  readonly outcomes: CsvRow[];
  readonly quality: Pick<DataQualityReport, 'files'> | null;
  /** never_active.csv: registered learners without any activity ([] when the run has none). */
  readonly neverActive: CsvRow[];
  /** Absolute paths of the charts the digest attaches, when rendered. */
  readonly charts: { weeklyEngagement: string | null; riskDistribution: string | null };
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
    summary: required(readRunSummary(runDir), RUN_FILES.summary),
    card: readModelCard(runDir),
    predictions: readPredictions(runDir),
    weekly: required(readWeeklyFeatures(runDir), RUN_FILES.weeklyFeatures),
    outcomes: required(readOutcomes(runDir), RUN_FILES.outcomes),
    quality: readDataQuality(runDir),
    neverActive: readNeverActive(runDir),
    charts: {
      weeklyEngagement: chartPng(runDir, 'weekly-engagement'),
      riskDistribution: chartPng(runDir, 'risk-distribution'),
    },
  };
}
