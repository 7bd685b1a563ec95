/**
 * validate -> features -> outcomes -> snapshots -> train -> forecast -> score -> stats -> charts, as
 * one run over one DuckDB database, with every output staged and moved into OUT only when the run
 * succeeds. The charts and the dashboard are drawn by src/analytics/charts/ (catalogue: catalog.ts)
 * and dashboard.ts.
 */
import type { Config } from '../config.ts';
import { LumenError } from '../errors.ts';
import type { RunSummary } from '../run-folder/files.ts';
import { type BacktestReport, readBacktestReport } from './backtest.ts';
import { backtestCardSection } from './backtest-sections.ts';
import { writeBacktestChart } from './charts/backtest-chart.ts';
import { buildChartSet, modelInputsFromAnalysis, readOverview, writeCharts } from './charts/index.ts';
import { toCsv } from './csv-safe.ts';
import { buildDashboard, dashboardInputFromAnalysis } from './dashboard.ts';
import type { Db } from './db.ts';
import { enrolmentKey } from './enrolment-key.ts';
import { WEEKLY_FEATURES } from './features.ts';
import { FORECAST_FEATURES, type ForecastResult, predictForecast, trainQuizForecast } from './forecast.ts';
import { buildArtifact, describeSavedModel, type ModelArtifact, readArtifact } from './model/artifact.ts';
import {
  buildModelCard,
  type DropoutRule,
  type FeedbackOutcome,
  type ModelCard,
  renderModelCard,
} from './model/card.ts';
import {
  allRows,
  COMPLETION_FEATURES,
  type FeatureSpec,
  imputationMeans,
  MODEL_FEATURES,
  type SnapshotColumns,
  specOf,
} from './model/features.ts';
import { rocAuc } from './model/metrics.ts';
import { type LearnerScore, type ScoredEnrolment, scoreSnapshots } from './model/score.ts';
import {
  predictRows,
  splitNeverActive,
  type TrainingData,
  type TrainResult,
  trainCompletionModel,
} from './model/train.ts';
import { OutputStage } from './output.ts';
import { openDb, type StageReporter, stageFeatureFiles, validateAndBuildFeatures } from './pipeline.ts';
import {
  type LearnerInfo,
  type NeverActiveLearner,
  neverActiveCsv,
  predictionCsv,
} from './prediction-csv.ts';
import { buildStatsReport, type StatsReport } from './stats-report.ts';
import type { DataQualityReport } from './validate.ts';
import { lastCompleteWeekEnd } from './weeks.ts';

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

async function feedbackOutcomes(
  db: Db,
  feedback: ReadonlyMap<string, { readonly verdict: string }>,
): Promise<FeedbackOutcome[]> {
  const outcomes = await db.all<{ user_id: string; course_id: string; outcome: string }>(
    'SELECT user_id, course_id, outcome FROM learner_outcomes',
  );
  const outcomeOf = new Map(outcomes.map((o) => [enrolmentKey(o.user_id, o.course_id), o.outcome]));
  const counts = new Map<string, FeedbackOutcome>();
  for (const [enrolment, { verdict }] of feedback) {
    const row = counts.get(verdict) ?? {
      verdict,
      learners: 0,
      completed: 0,
      dropped: 0,
      open: 0,
      unknown: 0,
    };
    const outcome = outcomeOf.get(enrolment);
    const key = outcome === 'completed' || outcome === 'dropped' || outcome === 'open' ? outcome : 'unknown';
    counts.set(verdict, { ...row, learners: row.learners + 1, [key]: row[key] + 1 });
  }
  return [...counts.values()].sort((a, b) => a.verdict.localeCompare(b.verdict));
}

export type { RunSummary };

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

const CV = { folds: 5, seed: 20261124 };

function numbers(values: unknown[] | undefined): (number | null)[] {
  return (values ?? []).map((v) => (v === null || v === undefined ? null : Number(v)));
}

/** One order for every read of a snapshot table, so the files and arrays drawn from it line up. */
const SNAPSHOT_ORDER = 'user_id, course_id, week_index';

async function readSnapshotColumns(db: Db, table: string, extra: string[] = []) {
  const select = [
    'user_id',
    'course_id',
    'week_index::DOUBLE AS week_index',
    ...extra,
    ...COMPLETION_FEATURES.columns.map((c) => `${c}::DOUBLE AS ${c}`),
  ];
  const raw = await db.columns(`SELECT ${select.join(', ')} FROM ${table} ORDER BY ${SNAPSHOT_ORDER}`);
  const columns: SnapshotColumns = {};
  for (const name of COMPLETION_FEATURES.columns) columns[name] = numbers(raw[name]);
  return {
    userIds: (raw.user_id ?? []).map(String),
    courseIds: (raw.course_id ?? []).map(String),
    weekIndex: numbers(raw.week_index).map((v) => v ?? 0),
    columns,
    raw,
  };
}

async function readTrainingData(db: Db, table: string): Promise<TrainingData> {
  const { userIds, courseIds, weekIndex, columns, raw } = await readSnapshotColumns(db, table, [
    'label::DOUBLE AS label',
  ]);
  return {
    userIds,
    courseIds,
    weekIndex,
    labels: numbers(raw.label).map((v) => v ?? 0),
    columns,
  };
}

/**
 * The training matrix exactly as it enters the model (its features: those the rows could support),
 * before standardisation, as CSV.
 */
async function writeTrainingSnapshotsCsv(
  db: Db,
  table: string,
  path: string,
  imputation: Record<string, number>,
  spec: FeatureSpec,
): Promise<void> {
  const params: Record<string, number> = {};
  const select = ['user_id', 'course_id', 'week_index', 'label'];
  for (const column of spec.columns) {
    params[`fill_${column}`] = imputation[column] ?? 0;
    select.push(`coalesce(${column}::DOUBLE, $fill_${column}::DOUBLE) AS ${column}`);
  }
  for (const column of spec.imputed) select.push(`(${column} IS NULL)::INTEGER AS ${column}_missing`);
  await db.copyToCsv(`SELECT ${select.join(', ')} FROM ${table} ORDER BY ${SNAPSHOT_ORDER}`, path, params);
}

async function trainForecast(
  db: Db,
  minLearners: number,
): Promise<{ result: ForecastResult; open: Map<string, number> }> {
  const raw = await db.columns(
    `SELECT user_id, outcome, final_avg_quiz, ${FORECAST_FEATURES.columns.map((c) => `${c}::DOUBLE AS ${c}`).join(', ')} FROM quiz_forecast_dataset`,
  );
  const userIds = (raw.user_id ?? []).map(String);
  const outcome = (raw.outcome ?? []).map(String);
  const target = numbers(raw.final_avg_quiz);
  const columns: SnapshotColumns = {};
  for (const name of FORECAST_FEATURES.columns) columns[name] = numbers(raw[name]);
  const known = userIds.map((_, i) => i).filter((i) => outcome[i] !== 'open' && target[i] !== null);
  const subsetColumns: SnapshotColumns = {};
  for (const name of FORECAST_FEATURES.columns)
    subsetColumns[name] = known.map((i) => columns[name]?.[i] ?? null);
  const result = trainQuizForecast(
    known.map((i) => userIds[i] as string),
    subsetColumns,
    known.map((i) => target[i] as number),
    { ...CV, minLearners: minLearners * 2 },
  );
  const open = new Map<string, number>();
  if (result.model) {
    const openRows = userIds.map((_, i) => i).filter((i) => outcome[i] === 'open');
    predictForecast(result.model, columns, openRows).forEach((p, k) => {
      open.set(userIds[openRows[k] as number] as string, p);
    });
  }
  return { result, open };
}

async function buildStats(db: Db): Promise<StatsReport> {
  const means = await db.all<Record<string, unknown>>('SELECT * FROM learner_feature_means');
  const departments = await db.query<{ department: string; outcome: string; learners: bigint }>(
    'department_outcomes',
  );
  return buildStatsReport(
    means.map((row) => ({
      outcome: String(row.outcome),
      values: Object.fromEntries(WEEKLY_FEATURES.map((f) => [f, row[f] === null ? null : Number(row[f])])),
    })),
    departments.map((d) => ({ department: d.department, outcome: d.outcome, learners: Number(d.learners) })),
  );
}

/** Name and department of each learner with an open enrolment. */
async function learnerInfo(db: Db): Promise<Map<string, LearnerInfo>> {
  const rows = await db.all<{ user_id: string; first_name: string; last_name: string; department: string }>(
    `SELECT DISTINCT user_id, first_name, last_name, department FROM learner_outcomes WHERE outcome = 'open'`,
  );
  return new Map(
    rows.map((r) => [
      r.user_id,
      { firstName: r.first_name ?? '', lastName: r.last_name ?? '', department: r.department ?? '' },
    ]),
  );
}

/** The open enrolments scoring_snapshots holds, row-aligned with its feature columns. */
async function scoredEnrolments(db: Db): Promise<ScoredEnrolment[]> {
  const rows = await db.all<Record<string, unknown>>(
    `SELECT user_id, course_id, week_index::INTEGER AS week_index, strftime(enrolled_on, '%Y-%m-%d') AS enrolled_on,
            never_active_to_date AS never_active, inactivity_days::INTEGER AS inactivity_days,
            active_days_14::INTEGER AS active_days_14, cum_active_days::INTEGER AS cum_active_days,
            modules_done::INTEGER AS modules_done, required_modules::INTEGER AS required_modules,
            cum_avg_quiz_score::DOUBLE AS quiz_score, peer_days_inactive::DOUBLE AS peer_days_inactive,
            peer_active_days_14::DOUBLE AS peer_active_days_14, peer_cum_active_days::DOUBLE AS peer_cum_active_days,
            peer_modules_done::DOUBLE AS peer_modules_done, peer_avg_quiz_score::DOUBLE AS peer_quiz_score
     FROM scoring_snapshots ORDER BY ${SNAPSHOT_ORDER}`,
  );
  const orNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return rows.map((r) => ({
    userId: String(r.user_id),
    courseId: String(r.course_id),
    weekIndex: Number(r.week_index),
    enrolledOn: r.enrolled_on === null ? null : String(r.enrolled_on),
    neverActive: Boolean(r.never_active),
    inactivityDays: Number(r.inactivity_days),
    activeDays14: Number(r.active_days_14),
    cumActiveDays: Number(r.cum_active_days),
    modulesDone: Number(r.modules_done),
    requiredModules: Number(r.required_modules),
    quizScore: orNull(r.quiz_score),
    peer: {
      inactivityDays: orNull(r.peer_days_inactive),
      activeDays14: orNull(r.peer_active_days_14),
      cumActiveDays: orNull(r.peer_cum_active_days),
      modulesDone: orNull(r.peer_modules_done),
      quizScore: orNull(r.peer_quiz_score),
    },
  }));
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

export async function runAnalysis(config: Config, options: AnalysisOptions): Promise<AnalysisResult> {
  const stageName = options.onStage ?? (() => {});
  // Read the saved model first: a mismatching model must stop the run before any work.
  const savedModel =
    !options.train && options.score
      ? (options.savedModel?.artifact ??
        readArtifact(options.modelPath ?? `${options.outDir}/models/latest.json`))
      : null;
  const db = await openDb(config);
  let stage: OutputStage | null = null;
  try {
    const { report, featureRows } = await validateAndBuildFeatures(db, config, {
      dataDir: options.dataDir,
      asOf: options.asOf,
      onStage: stageName,
    });
    const asOf = report.asOf;
    // The model sees complete weeks only (weeks.ts): outcomes, training and the scored snapshot are
    // as of the last Sunday on or before as-of. The feature file still runs to the as-of week.
    const modelAsOf = lastCompleteWeekEnd(asOf);
    // A model fitted on data up to a later day has seen this run's future (who came back, who
    // completed): replaying the past with it would leak. Refuse before any work is written.
    if (savedModel && savedModel.dataAsOf > modelAsOf) {
      throw new LumenError(
        'MODEL_FROM_FUTURE',
        `model ${savedModel.version} was trained on data up to ${savedModel.dataAsOf}, after this run's as-of date ${modelAsOf}: scoring with it would use the future; retrain as of ${modelAsOf} (lumen train --as-of ${modelAsOf}) or score with a model trained on earlier data (--model FILE)`,
      );
    }

    stageName('outcomes');
    const dropoutRules = await buildOutcomes(
      db,
      config,
      modelAsOf,
      (report as { enrolmentsFile?: boolean }).enrolmentsFile ?? false,
    );
    await db.materialize('never_active_learners', { as_of: modelAsOf });
    const neverActive = (await db.all<Record<string, unknown>>('SELECT * FROM never_active_learners')).map(
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
    const outcomes = Object.fromEntries(outcomeRows.map((r) => [r.outcome, Number(r.n)]));
    await db.materialize('enrolment_week_snapshots', { as_of: modelAsOf });
    await db.materialize('training_snapshots');

    stage = new OutputStage(options.outDir);
    // `lumen backtest --out` this folder wrote it: the card and the dashboard show it.
    const backtest = options.backtest !== undefined ? options.backtest : readBacktestReport(options.outDir);
    let train: TrainResult | null = null;
    // Scoring with a saved model: its card (same version) still feeds the model charts and the dashboard.
    let card: ModelCard | null =
      savedModel && options.savedModel?.card?.modelVersion === savedModel.version
        ? options.savedModel.card
        : null;
    let artifact: ModelArtifact | null = savedModel;
    let forecasts = new Map<string, number>();
    if (options.train) {
      stageName('train');
      const [span] = await db.all<{ days: number }>(
        'SELECT ($as_of::DATE - min(event_date) + 1)::INTEGER AS days FROM int_events',
        {
          as_of: modelAsOf,
        },
      );
      const trainOptions = {
        C: 1.0,
        ...CV,
        minClass: config.minClass,
        minAuc: config.minAuc,
        asOf: modelAsOf,
        dataSpanDays: Number(span?.days ?? 0),
        dropoutDays: config.dropoutDays,
      };
      // Two targets: completion, learnt from enrolments whose outcome is known (earlier cohorts, the
      // enrolments file), and disengagement, which one running cohort already shows.
      const completionData = await readTrainingData(db, 'training_snapshots');
      const completion = trainCompletionModel(completionData, { ...trainOptions, target: 'completion' });
      let data = completionData;
      // The disengagement horizon: long enough to tell a quiet spell between deadlines from leaving
      // (up to 42 days), short enough for the weeks of a young cohort to be labelled (a third of how
      // long the typical enrolment has run): the longest horizon, in whole weeks down to 14 days,
      // whose model passes the gate. How long the typical enrolment has run is as-of minus the median
      // enrolment day: activity that starts weeks before a presentation does not stretch it.
      const [typical] = await db.all<{ days: number | null }>(
        "SELECT date_diff('day', median(enrolled_on)::DATE, $as_of::DATE)::INTEGER AS days FROM learner_outcomes",
        { as_of: modelAsOf },
      );
      const longest =
        config.earlyHorizonDays ??
        Math.min(42, Math.max(14, 7 * Math.round(Number(typical?.days ?? 0) / 3 / 7)));
      const horizons = config.earlyHorizonDays
        ? [longest]
        : Array.from({ length: (longest - 14) / 7 + 1 }, (_, k) => longest - 7 * k);
      const horizonSpan = `${horizons.at(-1)}-${horizons[0]}`;
      // The longest horizon whose model passes the gate: out-of-fold AUCs on different labels do not
      // compare (measured: picking the best of them ranked eventual non-completion worse).
      let lastReasons: string[] = [];
      let early: { result: TrainResult; data: TrainingData; horizon: number } | null = null;
      for (const horizon of horizons) {
        await db.materialize('early_training_snapshots', { as_of: modelAsOf, horizon });
        const { started: earlyData, neverActive } = splitNeverActive(
          await readTrainingData(db, 'early_training_snapshots'),
        );
        const result = {
          ...trainCompletionModel(earlyData, { ...trainOptions, target: 'disengagement' }),
          neverActive,
        };
        if (!result.gate.reliable) lastReasons = result.gate.reasons;
        else {
          early = { result, data: earlyData, horizon };
          break;
        }
      }
      const earlyWords = (horizon: number) =>
        `going quiet or scoring low: no activity in the course in the ${horizon} days after a week, or quiz attempts in them averaging below the course's lower quartile of quiz scores, learnt from this export's own weeks (the longest horizon of ${horizonSpan} days whose model passes the gate)`;
      // Both learnt: the one that ranks the final outcome better where it is known (the completion
      // model out of fold; the disengagement model never saw those labels) ranks the list.
      const completionAuc = completion.evaluation?.cvAuc ?? null;
      const earlyAuc =
        completion.gate.reliable && early?.result.model
          ? rocAuc(
              completionData.labels,
              predictRows(early.result.model, completionData.columns, allRows(completionData.labels.length)),
            )
          : null;
      const both = (winner: string) =>
        `Both targets could be learnt. On the ${completionData.labels.length} enrolment-weeks whose final outcome is known, the completion model ranks completion with ROC AUC ${completionAuc?.toFixed(3)} (out of fold) and the ${early?.horizon}-day disengagement model with ${earlyAuc?.toFixed(3)}, so the list ranks ${winner}.`;
      if (completion.gate.reliable && (earlyAuc === null || earlyAuc <= (completionAuc ?? 0))) {
        train = {
          ...completion,
          targetNote:
            earlyAuc === null
              ? 'The list ranks the risk of not completing, learnt from enrolments whose outcome is known (earlier cohorts, or lms_enrolments.csv).'
              : both(
                  'the risk of not completing, learnt from enrolments whose outcome is known (earlier cohorts, or lms_enrolments.csv)',
                ),
        };
      } else if (early) {
        data = early.data;
        const notStarted = early.result.neverActive;
        const notStartedNote = notStarted
          ? ` The model learnt from started enrolments only (the weeks before a cohort starts are quiet for everyone); an enrolment not started yet gets the risk its kind showed: ${notStarted.concern} of ${notStarted.rows} not-started enrolment-weeks stayed quiet for ${early.horizon} days (${(100 * notStarted.risk).toFixed(0)}%).`
          : '';
        train = {
          ...early.result,
          horizonDays: early.horizon,
          targetNote:
            (completion.gate.reliable
              ? both(`the risk of ${earlyWords(early.horizon)}`)
              : `The completion model could not be used (${completion.gate.reasons.join(' ')}), so the list ranks the risk of ${earlyWords(early.horizon)}.`) +
            notStartedNote,
        };
      } else {
        train = {
          ...completion,
          targetNote:
            'The list ranks the risk of not completing, learnt from enrolments whose outcome is known (earlier cohorts, or lms_enrolments.csv).',
          gate: {
            reliable: false,
            reasons: [
              ...completion.gate.reasons,
              `Nor can the disengagement target be used (no activity in the next ${horizonSpan} days): ${lastReasons.join(' ')}`,
            ],
          },
        };
      }
      const trainingTable = train.target === 'completion' ? 'training_snapshots' : 'early_training_snapshots';
      stageName('forecast');
      await db.materialize('quiz_forecast_dataset');
      const forecast = await trainForecast(db, config.minClass);
      forecasts = forecast.open;
      stageName('stats');
      await db.materialize('learner_feature_means');
      const stats = train.learners.completed > 1 && train.learners.dropped > 1 ? await buildStats(db) : null;
      const trainedAt = new Date();
      artifact = buildArtifact(train, forecast.result, { asOf: modelAsOf, createdAt: trainedAt });
      card = buildModelCard(train, forecast.result, stats, artifact, {
        asOf: modelAsOf,
        trainedAt: trainedAt.toISOString(),
        C: 1.0,
        features: MODEL_FEATURES,
        feedback: options.feedback ? await feedbackOutcomes(db, options.feedback) : null,
        dropoutRules,
        dropoutFloorDays: config.dropoutDays,
      });
      stage.writeJson('model_card.json', card);
      stage.writeText('model_card.md', renderModelCard(card) + backtestCardSection(backtest));
      if (stats) stage.writeJson('stats.json', stats);
      if (artifact) {
        stage.writeJson(`models/${artifact.version}.json`, artifact);
        stage.writeJson('models/latest.json', artifact);
      }
      await writeTrainingSnapshotsCsv(
        db,
        trainingTable,
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

    let scores: LearnerScore[] | null = null;
    let noListReason: string | null = null;
    const info = options.score ? await learnerInfo(db) : new Map<string, LearnerInfo>();
    if (options.score) {
      stageName('score');
      if (!artifact) {
        noListReason = train?.gate.reasons.join(' ') || 'no model could be fitted';
      } else if (!artifact.gate.reliable) {
        noListReason = `the model is unreliable: ${artifact.gate.reasons.join(' ')}`;
      } else {
        await db.materialize('scoring_snapshots', { as_of: modelAsOf });
        const open = await readSnapshotColumns(db, 'scoring_snapshots');
        scores = scoreSnapshots(artifact, await scoredEnrolments(db), open.columns, {
          high: config.riskHigh,
          medium: config.riskMedium,
          listSize: config.listSize,
          minListed: 5,
          minRisk: config.riskThreshold ?? artifact.concernRate,
        });
        if (!options.train && artifact.forecast) {
          await db.materialize('quiz_forecast_dataset');
          const raw = await db.columns(
            `SELECT user_id, ${FORECAST_FEATURES.columns.map((c) => `${c}::DOUBLE AS ${c}`).join(', ')} FROM quiz_forecast_dataset WHERE outcome = 'open'`,
          );
          const columns: SnapshotColumns = {};
          for (const name of FORECAST_FEATURES.columns) columns[name] = numbers(raw[name]);
          const ids = (raw.user_id ?? []).map(String);
          predictForecast(artifact.forecast, columns, allRows(ids.length)).forEach((p, i) => {
            forecasts.set(ids[i] as string, p);
          });
        }
        stage.writeText(
          'ML_Prediction.csv',
          predictionCsv(scores, info, forecasts, {
            asOf: modelAsOf,
            modelVersion: artifact.version,
            target: artifact.target,
          }),
        );
      }
      if (!scores) stage.remove('ML_Prediction.csv');
    }

    const summary: RunSummary = {
      asOf,
      neverActive: neverActive.length,
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
        !options.train && artifact && scores
          ? describeSavedModel(
              artifact,
              scores.map((s) => s.courseId),
            )
          : null,
    };
    // Scored with a model whose card is not here (a file from elsewhere): the card says what it is.
    if (summary.scoredWith && !card) {
      stage.writeText(
        'model_card.md',
        `# Model card\n\n${summary.scoredWith}\n\nThis run only scored with the model; the card of the run that trained it is not here.\n`,
      );
    }
    if (options.charts ?? true) {
      stageName('charts');
      const previous = options.previousSummary ?? null;
      const inputs = modelInputsFromAnalysis({ train, card, artifact, scores }, config.riskThreshold);
      const overview = await readOverview(db, asOf);
      const charts = await buildChartSet(db, inputs, {
        asOf,
        learnerId: options.learnerId ?? scores?.[0]?.userId ?? null,
      });
      // Charts of an earlier run (another learner's profile) must not linger beside these.
      stage.remove('charts');
      writeCharts(charts, stage.dir);
      const backtestChart = backtest ? await writeBacktestChart(stage.dir, backtest) : null;
      stage.writeText(
        'dashboard.html',
        buildDashboard({
          ...dashboardInputFromAnalysis(
            { report, train, card, artifact, scores, learnerInfo: info, noListReason, neverActive },
            overview,
            charts,
            previous?.atRisk ?? null,
          ),
          backtest,
          backtestChart,
        }),
      );
    }

    stageName('write');
    stage.writeJson('run_summary.json', summary);
    stage.writeText('never_active.csv', neverActiveCsv(neverActive, modelAsOf));
    await stageFeatureFiles(db, stage, report);
    await db.copyToCsv(
      `SELECT user_id, course_id, department, enrolled_on, required_modules, modules_completed, first_event,
              last_event, completed_at, days_inactive, dropout_days, dropped_at, outcome, outcome_source,
              outcome_rule
       FROM learner_outcomes ORDER BY user_id, course_id`,
      stage.path('learner_outcomes.csv'),
    );
    const files = stage.commit();
    return {
      report,
      featureRows,
      outcomes,
      train,
      card,
      artifact,
      scores,
      noListReason,
      learnerInfo: info,
      neverActive,
      scoredWith: summary.scoredWith ?? null,
      files,
    };
  } finally {
    stage?.discard();
    db.close();
  }
}
