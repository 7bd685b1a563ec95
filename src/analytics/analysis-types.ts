/**
 * What an analysis run takes and gives (runAnalysis in analysis.ts): types only, so the dashboard and
 * the CLI can name them without importing the run.
 */
import type { RunSummary } from '../run-folder/files.ts';
import type { BacktestReport } from './backtest.ts';
import type { ModelArtifact } from './model/artifact.ts';
import type { ModelCard } from './model/card.ts';
import type { LearnerScore } from './model/score.ts';
import type { TrainResult } from './model/train.ts';
import type { StageReporter } from './pipeline.ts';
import type { LearnerInfo, NeverActiveLearner } from './prediction-csv.ts';
import type { DataQualityReport } from './validate.ts';

export type { RunSummary };

/** The names runAnalysis reports through onStage, in order (validation's two, then its stages). */
export const ANALYSIS_STAGE_NAMES = [
  'load+validate',
  'features',
  'outcomes',
  'train',
  'forecast',
  'stats',
  'score',
  'charts',
  'write',
] as const;

export interface AnalysisOptions {
  readonly dataDir: string;
  readonly outDir: string;
  readonly asOf?: string | null;
  readonly onStage?: StageReporter;
  /** Fit a new model (train, run). */
  readonly train: boolean;
  /** Score open learners (score, run). */
  readonly score: boolean;
  /** Model to score with when not training; default OUT/models/latest.json. */
  readonly modelPath?: string | null;
  /**
   * The model to score with when not training, with its card (charts, dashboard), handed over by the
   * caller (src/run-folder) instead of read back from OUT; takes precedence over modelPath.
   */
  readonly savedModel?: { readonly artifact: ModelArtifact; readonly card: ModelCard | null } | null;
  /** The summary of the run this one follows (the dashboard's at-risk change); default none. */
  readonly previousSummary?: RunSummary | null;
  /** The backtest the card and the dashboard show; default OUT/backtest.json when there is one. */
  readonly backtest?: BacktestReport | null;
  /** Render OUT/charts and OUT/dashboard.html (default true). */
  readonly charts?: boolean;
  /** learner-profile chart for this user_id; default: the learner at highest risk. */
  readonly learnerId?: string | null;
  /**
   * Latest reviewer verdict per flagged enrolment, keyed by enrolmentKey(user, course) (from the
   * Slack feedback buttons); the model card reports how those enrolments turned out.
   */
  readonly feedback?: ReadonlyMap<string, { readonly verdict: string; readonly at: string }> | null;
}

export interface AnalysisResult {
  readonly report: DataQualityReport;
  readonly featureRows: number;
  readonly outcomes: Record<string, number>;
  readonly train: TrainResult | null;
  readonly card: ModelCard | null;
  readonly artifact: ModelArtifact | null;
  readonly scores: LearnerScore[] | null;
  /** Why no at-risk list was published, when none was. */
  readonly noListReason: string | null;
  readonly learnerInfo: Map<string, LearnerInfo>;
  /** Learners registered with no activity up to the last complete week (never_active.csv). */
  readonly neverActive: NeverActiveLearner[];
  /** Scored with a saved model: what it was trained on (run_summary.json's scoredWith). */
  readonly scoredWith: string | null;
  readonly files: string[];
}
