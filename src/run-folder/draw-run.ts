/**
 * `lumen charts`: draws the charts and the dashboard of the published run again (another learner's
 * profile, a fixed chart) without computing anything else. The scores, the model and its card, the
 * data-quality report and the at-risk list are the run's own files, read as they are; only the data
 * charts need the export again (they are drawn from the pipeline's tables, which a run does not keep),
 * so the export is validated and its features and outcomes rebuilt in DuckDB, as of the run's as-of.
 *
 * Published runs are never changed: the drawing goes into a new run folder that holds the drawn
 * run's files unchanged (run_summary.json, ML_Prediction.csv, models/, ...) plus the new charts/ and
 * dashboard.html, published like any run (run.json: trained false, the same model version and data
 * fingerprint, previousRunId the drawn run).
 */
import { constants, cpSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeBacktestChart } from '../analytics/charts/backtest-chart.ts';
import {
  buildChartSet,
  type ChartOutput,
  type LearnerWeekRow,
  modelInputsFromAnalysis,
  type Overview,
  readOverview,
  renderLearnerProfile,
  writeCharts,
} from '../analytics/charts/index.ts';
import { buildDashboard, dashboardInputFromAnalysis } from '../analytics/dashboard.ts';
import type { Driver, LearnerScore, RiskBand } from '../analytics/model/score.ts';
import { buildEnrolmentWeeks, openDb, rebuildExport, type StageReporter } from '../analytics/pipeline.ts';
import type { LearnerInfo, NeverActiveLearner } from '../analytics/prediction-csv.ts';
import type { DataQualityReport } from '../analytics/validate.ts';
import type { Config } from '../config.ts';
import { LumenError } from '../errors.ts';
import { type CsvRow, RUN_FILES, type RunManifest } from './files.ts';
import {
  createRunFolder,
  latestPath,
  latestRunFolderOrFail,
  previousRunFolder,
  publishRun,
  readLatestRun,
} from './layout.ts';
import {
  readBacktest,
  readDataQuality,
  readModelCard,
  readNeverActive,
  readOutcomes,
  readPredictions,
  readRunSummary,
} from './read.ts';

export interface DrawRunOptions {
  readonly outDir: string;
  /** The export, when it is no longer where the run's data_quality.json says. */
  readonly dataDir?: string | null;
  /** The data charts' as-of date (default: the run's). */
  readonly asOf?: string | null;
  /** The learner-profile chart's learner (default: the highest risk on the list). */
  readonly learnerId?: string | null;
  readonly onStage?: StageReporter;
}

export interface DrawnRun {
  readonly runId: string;
  readonly runDir: string;
  /** The run drawn from. */
  readonly fromDir: string;
  readonly asOf: string;
  readonly charts: number;
  readonly learnerId: string | null;
  readonly manifest: RunManifest;
}

/** Files of the drawn run that the new run draws again (or writes itself) instead of copying. */
const REDRAWN: ReadonlySet<string> = new Set([RUN_FILES.charts, RUN_FILES.dashboard, RUN_FILES.manifest]);

const number = (text: string | undefined): number => (text ? Number(text) : Number.NaN);

/** A row of ML_Prediction.csv as the charts and the dashboard read a score. */
function scoreOfRow(row: CsvRow): LearnerScore {
  const drivers = (row.top_drivers ?? '')
    .split(/;\s*/)
    .filter(Boolean)
    // Only the wording is in the file; the charts and the dashboard show nothing else of a driver.
    .map((text): Driver => ({ feature: '', push: 0, value: 0, typical: 0, text }));
  return {
    userId: row.user_id ?? '',
    courseId: row.course_id ?? '',
    enrolledOn: row.enrolled_on || null,
    neverActive: row.never_active === 'true',
    weekIndex: number(row.week_index),
    completionProbability: number(row.completion_probability),
    riskScore: number(row.risk_score),
    riskBand: (row.risk_band ?? 'low') as RiskBand,
    atRisk: row.at_risk === 'true',
    rankInCourse: number(row.rank_in_course),
    listReason: row.list_reason ?? '',
    drivers,
  };
}

/**
 * The run's scores, highest risk first (started enrolments before not-started ones): the default
 * profile is the learner at highest risk, and a learner's profile shows their riskiest enrolment.
 */
function scoresOfRows(rows: readonly CsvRow[]): LearnerScore[] {
  return rows
    .map(scoreOfRow)
    .sort(
      (a, b) =>
        Number(a.neverActive) - Number(b.neverActive) ||
        b.riskScore - a.riskScore ||
        a.userId.localeCompare(b.userId),
    );
}

function neverActiveOfRow(row: CsvRow): NeverActiveLearner {
  return {
    userId: row.user_id ?? '',
    firstName: row.first_name ?? '',
    lastName: row.last_name ?? '',
    department: row.department ?? '',
    registeredOn: row.registered_on || null,
    daysSinceRegistration: row.days_since_registration ? Number(row.days_since_registration) : null,
  };
}

export async function drawAndPublish(config: Config, options: DrawRunOptions): Promise<DrawnRun> {
  const { outDir } = options;
  const fromDir = latestRunFolderOrFail(outDir);
  const latest = readLatestRun(outDir);
  const report = readDataQuality(fromDir);
  const dataDir = options.dataDir ?? report?.dataDir;
  if (!dataDir) {
    throw new LumenError(
      'BAD_ARGUMENT',
      `${latestPath(outDir)}: its run names no export folder (no data_quality.json); pass --data DIR`,
    );
  }
  const rows = readPredictions(fromDir);
  const scores = rows ? scoresOfRows(rows) : null;
  const learnerInfo = new Map<string, LearnerInfo>(
    (rows ?? []).map((row) => [
      row.user_id ?? '',
      { firstName: row.first_name ?? '', lastName: row.last_name ?? '', department: row.department ?? '' },
    ]),
  );
  const artifact = latest?.model ?? null;
  const card = readModelCard(fromDir);
  const noListReason = scores
    ? null
    : artifact && !artifact.gate.reliable
      ? `the model is unreliable: ${artifact.gate.reasons.join(' ')}`
      : artifact
        ? 'the run only trained the model (lumen train) and scored no learners'
        : card?.gateReasons.join(' ') || 'no model could be fitted';
  const previous = previousRunFolder(outDir, fromDir);
  const previousAtRisk = previous ? (readRunSummary(previous)?.atRisk ?? null) : null;
  const backtest = readBacktest(outDir);
  const learnerId = options.learnerId ?? scores?.[0]?.userId ?? null;

  // Drawn before the new run folder exists: a learner the export does not have stops here.
  const db = await openDb(config);
  let drawn: { asOf: string; charts: ChartOutput[]; overview: Overview; quality: DataQualityReport };
  try {
    const built = await rebuildExport(db, config, {
      dataDir,
      asOf: options.asOf ?? (options.dataDir ? undefined : report?.asOf),
      onStage: options.onStage,
    });
    const asOf = built.report.asOf;
    options.onStage?.('charts');
    const inputs = modelInputsFromAnalysis({ train: null, card, artifact, scores }, config.riskThreshold);
    const overview = await readOverview(db, asOf);
    const charts = await buildChartSet(db, inputs, { asOf, learnerId });
    drawn = { asOf, charts, overview, quality: report ?? built.report };
  } finally {
    db.close();
  }

  const { runId, runDir } = createRunFolder(outDir, 'cli');
  let published = false;
  try {
    options.onStage?.('write');
    // Everything else of the drawn run, unchanged (reflinked where the file system can).
    cpSync(fromDir, runDir, {
      recursive: true,
      mode: constants.COPYFILE_FICLONE,
      filter: (source) => source === fromDir || !REDRAWN.has(source.slice(fromDir.length + 1)),
    });
    writeCharts(drawn.charts, runDir);
    const backtestChart = backtest ? await writeBacktestChart(runDir, backtest) : null;
    const neverActive = readNeverActive(fromDir).map(neverActiveOfRow);
    writeFileSync(
      join(runDir, RUN_FILES.dashboard),
      buildDashboard({
        ...dashboardInputFromAnalysis(
          {
            report: drawn.quality,
            train: null,
            card,
            artifact,
            scores,
            learnerInfo,
            noListReason,
            neverActive,
          },
          drawn.overview,
          drawn.charts,
          previousAtRisk,
        ),
        backtest,
        backtestChart,
      }),
    );
    const manifest = publishRun(outDir, runDir, {
      dataFingerprint: latest?.manifest?.dataFingerprint ?? null,
      modelVersion: latest?.manifest?.modelVersion ?? artifact?.version ?? null,
      trained: false,
      source: 'cli',
    });
    published = true;
    return {
      runId,
      runDir,
      fromDir,
      asOf: drawn.asOf,
      charts: drawn.charts.length + (backtestChart ? 1 : 0),
      learnerId,
      manifest,
    };
  } finally {
    // Never published: nobody reads it, and nothing else may be in it.
    if (!published) rmSync(runDir, { recursive: true, force: true });
  }
}

export interface LearnerProfileOptions {
  /** A published run: its scores are drawn as they are, nothing is scored again. */
  readonly runDir: string;
  /**
   * The export the run read: rebuilt only for a run that holds no published weeks of the learner
   * (publishedWeeksFile: runs written before enrolment_weeks.csv); null when it is not at hand.
   */
  readonly dataDir: string | null;
  readonly learnerId: string;
  /**
   * Only this course: the learner's weeks in it and this enrolment's score (for staff of the course,
   * who may not see the learner's other courses). Null: every course, the riskiest enrolment.
   */
  readonly courseId: string | null;
}

/**
 * The run's file holding the learner's weeks for the profile chart (weekly_behavioral_features.csv
 * for the whole learner, enrolment_weeks.csv for one course), or null when the run has none.
 */
export function publishedWeeksFile(runDir: string, courseId: string | null): string | null {
  const path = join(runDir, courseId === null ? RUN_FILES.weeklyFeatures : RUN_FILES.enrolmentWeeks);
  return existsSync(path) ? path : null;
}

/**
 * One learner's profile chart against a published run, without publishing anything: the run's
 * scores (ML_Prediction.csv) as they are; the learner's weeks as the run published them (a scan of
 * one CSV file), or, for a run without them, from the export rebuilt in DuckDB as of the run's as-of.
 * Throws NOT_FOUND for a learner the run (or the export) does not have.
 */
export async function drawLearnerProfile(
  config: Config,
  options: LearnerProfileOptions,
): Promise<ChartOutput> {
  const { runDir, learnerId, courseId } = options;
  const rows = readPredictions(runDir);
  const scores = rows ? scoresOfRows(rows) : null;
  const asOf = readRunSummary(runDir)?.asOf ?? readDataQuality(runDir)?.asOf;
  const weeksFile = publishedWeeksFile(runDir, courseId);
  if (weeksFile !== null && asOf) {
    const db = await openDb(config);
    try {
      const weeks =
        courseId === null
          ? await db.query<LearnerWeekRow & CsvRow>('eda_published_learner_weeks', {
              path: weeksFile,
              user_id: learnerId,
            })
          : await db.query<LearnerWeekRow & CsvRow>('eda_published_enrolment_weeks', {
              path: weeksFile,
              user_id: learnerId,
              course_id: courseId,
            });
      const known =
        weeks.length > 0 ||
        (readOutcomes(runDir) ?? []).some((r) => r.user_id === learnerId) ||
        readNeverActive(runDir).some((r) => r.user_id === learnerId);
      if (!known)
        throw new LumenError('NOT_FOUND', `learner ${learnerId} is not in the run's published files`);
      return await renderLearnerProfile(learnerId, weeks, scores, { asOf, courseId });
    } finally {
      db.close();
    }
  }
  if (options.dataDir === null)
    throw new LumenError(
      'NOT_FOUND',
      `the run ${runDir} holds no weeks of its learners and the export it read is not at hand`,
    );
  const db = await openDb(config);
  try {
    const built = await rebuildExport(db, config, { dataDir: options.dataDir, asOf });
    if (courseId !== null) await buildEnrolmentWeeks(db, built.modelAsOf);
    const inputs = modelInputsFromAnalysis(
      { train: null, card: null, artifact: null, scores },
      config.riskThreshold,
    );
    const [chart] = await buildChartSet(db, inputs, {
      asOf: built.report.asOf,
      learnerId,
      learnerCourseId: courseId,
      only: ['learner-profile'],
    });
    if (!chart) throw new Error('the learner-profile chart was not drawn');
    return chart;
  } finally {
    db.close();
  }
}
