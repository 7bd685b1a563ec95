/**
 * Charts of a run: EDA from the pipeline's DuckDB tables and model charts from the training and
 * scoring results, each as a Vega-Lite spec, an SVG and a 2x PNG.
 */
export { CHART_CATALOG, CHART_IDS, type ChartEntry, type ChartId, chartEntry, isChartId } from './catalog.ts';
export type { LearnerWeekRow } from './specs/learner-profile.ts';

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { LumenError } from '../../errors.ts';
import type { Db } from '../db.ts';
import type { CalibrationBin } from '../model/metrics.ts';
import type { LearnerScore } from '../model/score.ts';
import { type ChartId, chartEntry, isChartId } from './catalog.ts';
import { renderChart } from './render.ts';
import { aucByWeekSpec } from './specs/auc-by-week.ts';
import { calibrationSpec } from './specs/calibration.ts';
import { type CohortRetentionRow, cohortRetentionSpec } from './specs/cohort-retention.ts';
import { type DepartmentOutcomeRow, departmentCompletionSpec } from './specs/department-completion.ts';
import { type InactivityRow, inactivityVsOutcomeSpec } from './specs/inactivity-vs-outcome.ts';
import { type LearnerWeekRow, learnerProfileSpec } from './specs/learner-profile.ts';
import { type FeatureEffect, modelCoefficientsSpec } from './specs/model-coefficients.ts';
import { type ModuleCompletionRow, moduleCompletionSpec } from './specs/module-completion.ts';
import { type ProgressBinRow, progressDistributionSpec } from './specs/progress-distribution.ts';
import { type QuizScoreRow, quizScoresSpec } from './specs/quiz-scores.ts';
import { riskDistributionSpec } from './specs/risk-distribution.ts';
import { rocPrSpec } from './specs/roc-pr.ts';
import { type StatusFunnelRow, statusFunnelSpec } from './specs/status-funnel.ts';
import { type WeeklyEngagementRow, weeklyEngagementSpec } from './specs/weekly-engagement.ts';
import type { ChartContext } from './theme.ts';

/** What the model charts are drawn from; every part may be missing (no model, score-only run). */
export interface ModelInputs {
  readonly evaluation: {
    readonly cvAuc: number;
    readonly prAuc: number;
    readonly roc: { readonly fpr: readonly number[]; readonly tpr: readonly number[] };
    readonly pr: { readonly precision: readonly number[]; readonly recall: readonly number[] };
    readonly calibration: readonly CalibrationBin[];
    readonly aucByWeek: readonly { weeks: string; rows: number; auc: number | null }[];
  } | null;
  /** Share of training rows that completed. */
  readonly baseRate: number | null;
  readonly coefficients: readonly FeatureEffect[] | null;
  /** Learners the model was trained on (completed + dropped). */
  readonly trainingLearners: number;
  readonly scores: readonly LearnerScore[] | null;
  /** At-risk threshold on risk the scores were flagged with. */
  readonly threshold: number | null;
}

/** The pieces of AnalysisResult the charts read (structural, so a ModelCard-based run fits too). */
export interface AnalysisPieces {
  readonly train: {
    readonly learners: { readonly completed: number; readonly dropped: number };
    readonly baseRate: number;
    readonly evaluation: (ModelInputs['evaluation'] & { readonly threshold: number }) | null;
    readonly coefficients: readonly FeatureEffect[];
  } | null;
  readonly card: {
    readonly training: { learners: { completed: number; dropped: number }; baseRate: number };
    readonly evaluation: (ModelInputs['evaluation'] & { readonly threshold: number }) | null;
    readonly coefficients: readonly FeatureEffect[];
  } | null;
  readonly artifact: {
    readonly threshold: number;
    readonly training: { completedLearners: number; droppedLearners: number };
  } | null;
  readonly scores: readonly LearnerScore[] | null;
}

/**
 * ModelInputs from an AnalysisResult: the training result when this run trained, else the model card
 * when one is given, else only what the saved artifact and the scores tell.
 * `threshold` overrides the model's (pass config.riskThreshold when set).
 */
export function modelInputsFromAnalysis(
  result: AnalysisPieces,
  threshold: number | null = null,
): ModelInputs {
  const trained = result.train
    ? {
        evaluation: result.train.evaluation,
        baseRate: result.train.baseRate,
        coefficients: result.train.coefficients,
        learners: result.train.learners,
      }
    : result.card
      ? {
          evaluation: result.card.evaluation,
          baseRate: result.card.training.baseRate,
          coefficients: result.card.coefficients,
          learners: result.card.training.learners,
        }
      : null;
  const artifactLearners = result.artifact
    ? result.artifact.training.completedLearners + result.artifact.training.droppedLearners
    : 0;
  return {
    evaluation: trained?.evaluation ?? null,
    baseRate: trained?.baseRate ?? null,
    coefficients: trained?.coefficients ?? null,
    trainingLearners: trained ? trained.learners.completed + trained.learners.dropped : artifactLearners,
    scores: result.scores,
    threshold: threshold ?? result.artifact?.threshold ?? trained?.evaluation?.threshold ?? null,
  };
}

export interface ChartOutput {
  readonly name: ChartId;
  /** The catalog's title (alt text in the dashboard). */
  readonly title: string;
  readonly spec: TopLevelSpec;
  readonly svg: string;
  readonly png: Buffer;
}

export interface ChartSetOptions {
  readonly asOf: string;
  /** Adds the learner-profile chart for this user_id. */
  readonly learnerId?: string | null;
  /**
   * The learner-profile chart shows only this course: the learner's weeks in it and this enrolment's
   * score (for staff of that course, who may not see the learner's other courses). Needs
   * enrolment_week_snapshots. Default: every course of the learner, and their riskiest enrolment.
   */
  readonly learnerCourseId?: string | null;
  /** Only these charts (default: every chart the inputs allow). */
  readonly only?: readonly ChartId[] | null;
}

/** Headline counts of a run (queries/eda/eda_overview.sql). */
export interface Overview {
  readonly learners: number;
  readonly completed: number;
  readonly dropped: number;
  readonly open: number;
  readonly active_last_7_days: number;
  /** Enrolments (not learners) completed and dropped: the completion rate's counts (kpis.ts). */
  readonly enrolments_completed: number;
  readonly enrolments_dropped: number;
}

export async function readOverview(db: Db, asOf: string): Promise<Overview> {
  const [row] = await db.query<Record<string, unknown>>('eda_overview', { as_of: asOf });
  const n = (v: unknown) => Number(v ?? 0);
  return {
    learners: n(row?.learners),
    completed: n(row?.completed),
    dropped: n(row?.dropped),
    open: n(row?.open),
    active_last_7_days: n(row?.active_last_7_days),
    enrolments_completed: n(row?.enrolments_completed),
    enrolments_dropped: n(row?.enrolments_dropped),
  };
}

/** Every EDA query adds chart_learners (the same on every row): the learners its chart speaks for. */
type EdaRow = Record<string, unknown> & { readonly chart_learners?: number };

function edaContext(asOf: string, rows: readonly EdaRow[]): ChartContext {
  return { asOf, learners: Number(rows[0]?.chart_learners ?? 0) };
}

/** A 'db' chart: its catalog query's rows, drawn by `build` with the learners those rows speak for. */
async function edaSpec<Row>(
  db: Db,
  id: ChartId,
  asOf: string,
  build: (rows: Row[], context: ChartContext) => TopLevelSpec,
): Promise<TopLevelSpec> {
  const query = chartEntry(id).query;
  if (!query) throw new Error(`chart ${id} has no query`);
  const rows = await db.query<Row & EdaRow>(query);
  return build(rows, edaContext(asOf, rows));
}

/** The spec of every chart, before rendering (cheap; what the tests and `only` look at). */
export async function buildChartSpecs(
  db: Db,
  inputs: ModelInputs,
  options: ChartSetOptions,
): Promise<{ name: ChartId; spec: TopLevelSpec }[]> {
  const asOf = options.asOf;
  const model: ChartContext = { asOf, learners: inputs.trainingLearners };
  const scored: ChartContext = { asOf, learners: inputs.scores?.length ?? 0 };
  const wanted = (id: ChartId) => !options.only || options.only.includes(id);
  // An unknown learner is an error, not an empty profile (checked before any chart is drawn).
  if (options.learnerId && wanted('learner-profile')) {
    const [row] = await db.query<{ known: boolean }>('eda_learner_known', { user_id: options.learnerId });
    if (!row?.known)
      throw new LumenError(
        'NOT_FOUND',
        `learner ${options.learnerId} is not in the export: no learner row with that user_id in lms_users.csv`,
      );
  }
  const specs: { name: ChartId; spec: TopLevelSpec }[] = [];
  const add = async (name: ChartId, build: () => Promise<TopLevelSpec> | TopLevelSpec) => {
    if (wanted(name)) specs.push({ name, spec: await build() });
  };
  await add('progress-distribution', () =>
    edaSpec<ProgressBinRow>(db, 'progress-distribution', asOf, progressDistributionSpec),
  );
  await add('module-completion', () =>
    edaSpec<ModuleCompletionRow>(db, 'module-completion', asOf, moduleCompletionSpec),
  );
  await add('quiz-scores', () => edaSpec<QuizScoreRow>(db, 'quiz-scores', asOf, quizScoresSpec));
  await add('weekly-engagement', () =>
    edaSpec<WeeklyEngagementRow>(db, 'weekly-engagement', asOf, weeklyEngagementSpec),
  );
  await add('status-funnel', () => edaSpec<StatusFunnelRow>(db, 'status-funnel', asOf, statusFunnelSpec));
  await add('cohort-retention', () =>
    edaSpec<CohortRetentionRow>(db, 'cohort-retention', asOf, cohortRetentionSpec),
  );
  await add('department-completion', () =>
    edaSpec<DepartmentOutcomeRow>(db, 'department-completion', asOf, departmentCompletionSpec),
  );
  await add('inactivity-vs-outcome', () =>
    edaSpec<InactivityRow>(db, 'inactivity-vs-outcome', asOf, inactivityVsOutcomeSpec),
  );
  const evaluation = inputs.evaluation;
  await add('risk-distribution', () => riskDistributionSpec(inputs.scores, inputs.threshold, scored));
  await add('model-coefficients', () => modelCoefficientsSpec(inputs.coefficients, model));
  await add('roc-pr', () => rocPrSpec(evaluation && { ...evaluation, baseRate: inputs.baseRate }, model));
  await add('calibration', () => calibrationSpec(evaluation?.calibration ?? null, model));
  await add('auc-by-week', () => aucByWeekSpec(evaluation, model));
  const learnerId = options.learnerId;
  if (learnerId) {
    const courseId = options.learnerCourseId ?? null;
    await add('learner-profile', async () => {
      const rows =
        courseId === null
          ? await db.query<WeekRow>('eda_learner_weeks', { user_id: learnerId })
          : await db.query<WeekRow>('eda_enrolment_weeks', { user_id: learnerId, course_id: courseId });
      return profileSpec(learnerId, rows, inputs.scores, { asOf, courseId });
    });
  }
  return specs;
}

type WeekRow = LearnerWeekRow & Record<string, unknown>;

/** The learner-profile spec from the learner's weeks and their score (of `courseId`, else the first). */
function profileSpec(
  learnerId: string,
  rows: readonly LearnerWeekRow[],
  scores: readonly LearnerScore[] | null,
  context: { readonly asOf: string; readonly courseId: string | null },
): TopLevelSpec {
  const score =
    scores?.find(
      (s) => s.userId === learnerId && (context.courseId === null || s.courseId === context.courseId),
    ) ?? null;
  return learnerProfileSpec(learnerId, rows, score, context);
}

/**
 * One learner's profile chart from week rows read elsewhere (a published run's
 * weekly_behavioral_features.csv or enrolment_weeks.csv, queries/eda/eda_published_*): the same chart
 * buildChartSet draws from the rebuilt export.
 */
export async function renderLearnerProfile(
  learnerId: string,
  rows: readonly LearnerWeekRow[],
  scores: readonly LearnerScore[] | null,
  context: { readonly asOf: string; readonly courseId: string | null },
): Promise<ChartOutput> {
  const spec = profileSpec(learnerId, rows, scores, context);
  const { svg, png } = await renderChart(spec);
  return { name: 'learner-profile', title: chartEntry('learner-profile').title, spec, svg, png };
}

/** Every chart the inputs allow, rendered. Charts whose inputs are missing say "no data". */
export async function buildChartSet(
  db: Db,
  inputs: ModelInputs,
  options: ChartSetOptions,
): Promise<ChartOutput[]> {
  const specs = await buildChartSpecs(db, inputs, options);
  const outputs: ChartOutput[] = [];
  // One at a time: librsvg and vega are CPU-bound, and the machine has two cores shared with DuckDB.
  for (const { name, spec } of specs) {
    const { svg, png } = await renderChart(spec);
    outputs.push({ name, title: chartEntry(name).title, spec, svg, png });
  }
  return outputs;
}

/**
 * Writes <dir>/charts/<id>.png and <id>.vl.json; returns the paths written. Names are checked against
 * the catalogue: an output never names a file outside <dir>/charts.
 */
export function writeCharts(outputs: readonly ChartOutput[], dir: string): string[] {
  const folder = join(dir, 'charts');
  mkdirSync(folder, { recursive: true });
  const written: string[] = [];
  for (const output of outputs) {
    if (!isChartId(output.name)) throw new Error(`not a chart id: ${JSON.stringify(output.name)}`);
    const png = join(folder, `${output.name}.png`);
    const spec = join(folder, `${output.name}.vl.json`);
    writeFileSync(png, output.png);
    writeFileSync(spec, `${JSON.stringify(output.spec, null, 2)}\n`);
    written.push(png, spec);
  }
  return written;
}
