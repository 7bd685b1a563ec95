/**
 * validate -> features -> outcomes -> snapshots -> train -> forecast -> score -> stats -> charts, as
 * one run over one DuckDB database: a short list of stages over one context, each adding to it, with
 * every output staged and moved into OUT only when the run succeeds. The charts and the dashboard are
 * drawn by src/analytics/charts/ (catalogue: catalog.ts) and dashboard.ts; the training stage's pieces
 * are in train-stage.ts, the snapshot readers in snapshot-data.ts.
 */
import type { Config } from '../config.ts';
import { LumenError } from '../errors.ts';
import type { ANALYSIS_STAGE_NAMES, AnalysisOptions, AnalysisResult, RunSummary } from './analysis-types.ts';
import { type BacktestReport, readBacktestReport } from './backtest.ts';
import { backtestCardSection } from './backtest-sections.ts';
import { writeBacktestChart } from './charts/backtest-chart.ts';
import { buildChartSet, modelInputsFromAnalysis, readOverview, writeCharts } from './charts/index.ts';
import { toCsv } from './csv-safe.ts';
import { buildDashboard, dashboardInputFromAnalysis } from './dashboard.ts';
import { type Db, loadQuery } from './db.ts';
import { buildArtifact, describeSavedModel, type ModelArtifact, readArtifact } from './model/artifact.ts';
import { buildModelCard, type DropoutRule, type ModelCard, renderModelCard } from './model/card.ts';
import { allRows, COMPLETION_FEATURES, imputationMeans, MODEL_FEATURES, specOf } from './model/features.ts';
import { type LearnerScore, scoreSnapshots } from './model/score.ts';
import type { TrainingData, TrainResult } from './model/train.ts';
import { OutputStage } from './output.ts';
import {
  buildEnrolmentWeeks,
  buildOutcomes,
  openDb,
  stageFeatureFiles,
  validateAndBuildFeatures,
} from './pipeline.ts';
import {
  type LearnerInfo,
  type NeverActiveLearner,
  neverActiveCsv,
  predictionCsv,
} from './prediction-csv.ts';
import {
  learnerInfo,
  readSnapshotColumns,
  scoredEnrolments,
  writeTrainingSnapshotsCsv,
} from './snapshot-data.ts';
import {
  buildStats,
  chooseTarget,
  feedbackOutcomes,
  forecastOpen,
  MODEL_C,
  trainForecast,
} from './train-stage.ts';
import type { DataQualityReport } from './validate.ts';
import { lastCompleteWeekEnd } from './weeks.ts';

export type { AnalysisOptions, AnalysisResult, RunSummary };

/** Everything a run knows, added to by its stages in order. */
interface RunContext {
  readonly config: Config;
  readonly options: AnalysisOptions;
  readonly db: Db;
  /** The model to score with when not training (read before any work: a mismatch stops the run). */
  readonly savedModel: ModelArtifact | null;
  stage: OutputStage | null;
  report: DataQualityReport | null;
  featureRows: number;
  /** The export's as-of date, and the end of its last complete week (what the model sees). */
  asOf: string;
  modelAsOf: string;
  dropoutRules: DropoutRule[];
  neverActive: NeverActiveLearner[];
  outcomes: Record<string, number>;
  backtest: BacktestReport | null;
  train: TrainResult | null;
  /** The rows the chosen model was fitted on, and their table. */
  trainingData: TrainingData | null;
  trainingTable: 'training_snapshots' | 'early_training_snapshots';
  card: ModelCard | null;
  artifact: ModelArtifact | null;
  forecasts: Map<string, number>;
  info: Map<string, LearnerInfo>;
  scores: LearnerScore[] | null;
  noListReason: string | null;
  summary: RunSummary | null;
}

/** A step of the run: it runs when `when` says so (default always), reporting `name` first. */
interface Stage {
  /** Reported through onStage (null: the stage reports its own names, as validation does). */
  readonly name: (typeof ANALYSIS_STAGE_NAMES)[number] | null;
  readonly when?: (run: RunContext) => boolean;
  readonly run: (run: RunContext) => Promise<void>;
}

const need = <T>(value: T | null | undefined, what: string): T => {
  if (value === null || value === undefined) throw new Error(`analysis: ${what} is not set yet`);
  return value;
};

/** Load, validate and the weekly features; refuses a saved model fitted on later data. */
async function validateStage(run: RunContext): Promise<void> {
  const { report, featureRows } = await validateAndBuildFeatures(run.db, run.config, {
    dataDir: run.options.dataDir,
    asOf: run.options.asOf,
    onStage: run.options.onStage,
  });
  run.report = report;
  run.featureRows = featureRows;
  run.asOf = report.asOf;
  // The model sees complete weeks only (weeks.ts): outcomes, training and the scored snapshot are
  // as of the last Sunday on or before as-of. The feature file still runs to the as-of week.
  run.modelAsOf = lastCompleteWeekEnd(report.asOf);
  // A model fitted on data up to a later day has seen this run's future (who came back, who
  // completed): replaying the past with it would leak. Refuse before any work is written.
  const saved = run.savedModel;
  if (saved && saved.dataAsOf > run.modelAsOf) {
    throw new LumenError(
      'MODEL_FROM_FUTURE',
      `model ${saved.version} was trained on data up to ${saved.dataAsOf}, after this run's as-of date ${run.modelAsOf}: scoring with it would use the future; retrain as of ${run.modelAsOf} (lumen train --as-of ${run.modelAsOf}) or score with a model trained on earlier data (--model FILE)`,
    );
  }
}

/** Enrolments and their outcomes, never-active learners, the weekly snapshots; opens the output stage. */
async function outcomesStage(run: RunContext): Promise<void> {
  const { db, modelAsOf, options } = run;
  const report = need(run.report, 'the data quality report');
  run.dropoutRules = await buildOutcomes(db, run.config, modelAsOf, report.enrolmentsFile);
  await db.materialize('never_active_learners', { as_of: modelAsOf });
  run.neverActive = (await db.all<Record<string, unknown>>('SELECT * FROM never_active_learners')).map(
    (row): NeverActiveLearner => ({
      userId: String(row.user_id),
      firstName: String(row.first_name ?? ''),
      lastName: String(row.last_name ?? ''),
      department: String(row.department ?? ''),
      registeredOn: row.registered_on === null ? null : String(row.registered_on),
      daysSinceRegistration:
        row.days_since_registration === null ? null : Number(row.days_since_registration),
    }),
  );
  const outcomeRows = await db.all<{ outcome: string; n: bigint }>(
    'SELECT outcome, count(*) AS n FROM learner_outcomes GROUP BY outcome',
  );
  run.outcomes = Object.fromEntries(outcomeRows.map((r) => [r.outcome, Number(r.n)]));
  await buildEnrolmentWeeks(db, modelAsOf);
  await db.materialize('training_snapshots');

  run.stage = new OutputStage(options.outDir);
  // `lumen backtest --out` this folder wrote it: the card and the dashboard show it.
  run.backtest = options.backtest !== undefined ? options.backtest : readBacktestReport(options.outDir);
  // Scoring with a saved model: its card (same version) still feeds the model charts and the dashboard.
  run.card =
    run.savedModel && options.savedModel?.card?.modelVersion === run.savedModel.version
      ? options.savedModel.card
      : null;
  run.artifact = run.savedModel;
}

/** Both targets trained, one chosen to rank the list (train-stage.ts chooseTarget). */
async function trainStage(run: RunContext): Promise<void> {
  const chosen = await chooseTarget(run.db, run.config, run.modelAsOf);
  run.train = chosen.train;
  run.trainingData = chosen.data;
  run.trainingTable = chosen.trainingTable;
}

async function forecastStage(run: RunContext): Promise<void> {
  await run.db.materialize('quiz_forecast_dataset');
  const forecast = await trainForecast(run.db, run.config.minClass);
  run.forecasts = forecast.open;
  await statsAndModelFiles(run, forecast.result);
}

/** The statistical tests, the model artifact and card, and the training evidence, staged. */
async function statsAndModelFiles(
  run: RunContext,
  forecast: Awaited<ReturnType<typeof trainForecast>>['result'],
): Promise<void> {
  run.options.onStage?.('stats');
  const { db, options, modelAsOf } = run;
  const stage = need(run.stage, 'the output stage');
  const train = need(run.train, 'the training result');
  const data = need(run.trainingData, 'the training data');
  await db.materialize('learner_feature_means');
  const stats = train.learners.completed > 1 && train.learners.dropped > 1 ? await buildStats(db) : null;
  const trainedAt = new Date();
  run.artifact = buildArtifact(train, forecast, { asOf: modelAsOf, createdAt: trainedAt });
  run.card = buildModelCard(train, forecast, stats, run.artifact, {
    asOf: modelAsOf,
    trainedAt: trainedAt.toISOString(),
    C: MODEL_C,
    features: MODEL_FEATURES,
    feedback: options.feedback ? await feedbackOutcomes(db, options.feedback) : null,
    dropoutRules: run.dropoutRules,
    dropoutFloorDays: run.config.dropoutDays,
  });
  stage.writeJson('model_card.json', run.card);
  stage.writeText('model_card.md', renderModelCard(run.card) + backtestCardSection(run.backtest));
  if (stats) stage.writeJson('stats.json', stats);
  if (run.artifact) {
    stage.writeJson(`models/${run.artifact.version}.json`, run.artifact);
    stage.writeJson('models/latest.json', run.artifact);
  }
  await writeTrainingSnapshotsCsv(
    db,
    run.trainingTable,
    stage.path('training_snapshots.csv'),
    // Without a fitted model, the matrix is still shown as it would have entered one.
    train.model?.imputation ?? imputationMeans(data.columns, allRows(data.labels.length)),
    train.model ? specOf(train.model.features) : COMPLETION_FEATURES,
  );
  if (train.evaluation) {
    // Row-aligned with training_snapshots.csv: what the charts of the model's quality are drawn from.
    const rows = train.evaluation.oofProbabilities.map((p, i) => [
      data.userIds[i],
      data.courseIds?.[i],
      data.weekIndex[i],
      data.labels[i],
      p,
    ]);
    stage.writeText(
      'oof_predictions.csv',
      toCsv(rows, {
        header: true,
        columns: ['user_id', 'course_id', 'week_index', 'label', 'oof_probability'],
      }),
    );
  }
}

/** The open enrolments scored and each course's list, or the reason there is no list. */
async function scoreStage(run: RunContext): Promise<void> {
  const { db, config, options, modelAsOf, artifact } = run;
  const stage = need(run.stage, 'the output stage');
  run.info = await learnerInfo(db);
  if (!artifact) {
    run.noListReason = run.train?.gate.reasons.join(' ') || 'no model could be fitted';
  } else if (!artifact.gate.reliable) {
    run.noListReason = `the model is unreliable: ${artifact.gate.reasons.join(' ')}`;
  } else {
    await db.materialize('scoring_snapshots', { as_of: modelAsOf });
    const open = await readSnapshotColumns(db, 'scoring_snapshots');
    run.scores = scoreSnapshots(artifact, await scoredEnrolments(db), open.columns, {
      high: config.riskHigh,
      medium: config.riskMedium,
      listSize: config.listSize,
      minListed: 5,
      minRisk: config.riskThreshold ?? artifact.concernRate,
    });
    if (!options.train && artifact.forecast) {
      await db.materialize('quiz_forecast_dataset');
      run.forecasts = await forecastOpen(db, artifact.forecast);
    }
    stage.writeText(
      'ML_Prediction.csv',
      predictionCsv(run.scores, run.info, run.forecasts, {
        asOf: modelAsOf,
        modelVersion: artifact.version,
        target: artifact.target,
      }),
    );
  }
  if (!run.scores) stage.remove('ML_Prediction.csv');
}

/** run_summary.json's content; a scoring run with a model from elsewhere says what it was trained on. */
async function summaryStage(run: RunContext): Promise<void> {
  const { scores, artifact } = run;
  run.summary = {
    asOf: run.asOf,
    neverActive: run.neverActive.length,
    modelVersion: artifact?.version ?? null,
    scored: scores?.length ?? null,
    atRisk: scores ? scores.filter((s) => s.atRisk).length : null,
    bands: scores
      ? scores.reduce<Record<string, number>>((bands, s) => {
          bands[s.riskBand] = (bands[s.riskBand] ?? 0) + 1;
          return bands;
        }, {})
      : null,
    scoredWith:
      !run.options.train && artifact && scores
        ? describeSavedModel(
            artifact,
            scores.map((s) => s.courseId),
          )
        : null,
  };
  // Scored with a model whose card is not here (a file from elsewhere): the card says what it is.
  if (run.summary.scoredWith && !run.card) {
    need(run.stage, 'the output stage').writeText(
      'model_card.md',
      `# Model card\n\n${run.summary.scoredWith}\n\nThis run only scored with the model; the card of the run that trained it is not here.\n`,
    );
  }
}

/** The charts and the offline dashboard. */
async function chartsStage(run: RunContext): Promise<void> {
  const { db, options, train, card, artifact, scores } = run;
  const stage = need(run.stage, 'the output stage');
  const report = need(run.report, 'the data quality report');
  const inputs = modelInputsFromAnalysis({ train, card, artifact, scores }, run.config.riskThreshold);
  const overview = await readOverview(db, run.asOf);
  const charts = await buildChartSet(db, inputs, {
    asOf: run.asOf,
    learnerId: options.learnerId ?? scores?.[0]?.userId ?? null,
  });
  // Charts of an earlier run (another learner's profile) must not linger beside these.
  stage.remove('charts');
  writeCharts(charts, stage.dir);
  const backtestChart = run.backtest ? await writeBacktestChart(stage.dir, run.backtest) : null;
  stage.writeText(
    'dashboard.html',
    buildDashboard({
      ...dashboardInputFromAnalysis(
        {
          report,
          train,
          card,
          artifact,
          scores,
          learnerInfo: run.info,
          noListReason: run.noListReason,
          neverActive: run.neverActive,
        },
        overview,
        charts,
        options.previousSummary?.atRisk ?? null,
      ),
      backtest: run.backtest,
      backtestChart,
    }),
  );
}

/** The run's remaining files: summary, never-active learners, features, outcomes. */
async function writeStage(run: RunContext): Promise<void> {
  const stage = need(run.stage, 'the output stage');
  stage.writeJson('run_summary.json', need(run.summary, 'the run summary'));
  stage.writeText('never_active.csv', neverActiveCsv(run.neverActive, run.modelAsOf));
  await stageFeatureFiles(run.db, stage, need(run.report, 'the data quality report'));
  await run.db.copyToCsv(
    `SELECT user_id, course_id, department, enrolled_on, required_modules, modules_completed, first_event,
            last_event, completed_at, days_inactive, dropout_days, dropped_at, outcome, outcome_source,
            outcome_rule
     FROM learner_outcomes ORDER BY user_id, course_id`,
    stage.path('learner_outcomes.csv'),
  );
  await run.db.copyToCsv(loadQuery('enrolment_weeks'), stage.path('enrolment_weeks.csv'));
}

/** The run, in order. Stage names are what onStage reports (ANALYSIS_STAGE_NAMES, analysis-types.ts). */
const STAGES: readonly Stage[] = [
  { name: null, run: validateStage },
  { name: 'outcomes', run: outcomesStage },
  { name: 'train', when: (run) => run.options.train, run: trainStage },
  { name: 'forecast', when: (run) => run.options.train, run: forecastStage },
  { name: 'score', when: (run) => run.options.score, run: scoreStage },
  { name: null, run: summaryStage },
  { name: 'charts', when: (run) => run.options.charts ?? true, run: chartsStage },
  { name: 'write', run: writeStage },
];

export async function runAnalysis(config: Config, options: AnalysisOptions): Promise<AnalysisResult> {
  // Read the saved model first: a mismatching model must stop the run before any work.
  const savedModel =
    !options.train && options.score
      ? (options.savedModel?.artifact ??
        readArtifact(options.modelPath ?? `${options.outDir}/models/latest.json`))
      : null;
  const run: RunContext = {
    config,
    options,
    db: await openDb(config),
    savedModel,
    stage: null,
    report: null,
    featureRows: 0,
    asOf: '',
    modelAsOf: '',
    dropoutRules: [],
    neverActive: [],
    outcomes: {},
    backtest: null,
    train: null,
    trainingData: null,
    trainingTable: 'training_snapshots',
    card: null,
    artifact: null,
    forecasts: new Map(),
    info: new Map(),
    scores: null,
    noListReason: null,
    summary: null,
  };
  try {
    for (const stage of STAGES) {
      if (stage.when && !stage.when(run)) continue;
      if (stage.name) options.onStage?.(stage.name);
      await stage.run(run);
    }
    const files = need(run.stage, 'the output stage').commit();
    return {
      report: need(run.report, 'the data quality report'),
      featureRows: run.featureRows,
      outcomes: run.outcomes,
      train: run.train,
      card: run.card,
      artifact: run.artifact,
      scores: run.scores,
      noListReason: run.noListReason,
      learnerInfo: run.info,
      neverActive: run.neverActive,
      scoredWith: run.summary?.scoredWith ?? null,
      files,
    };
  } finally {
    run.stage?.discard();
    run.db.close();
  }
}
