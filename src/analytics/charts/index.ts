/**
 * Charts of a run: EDA from the pipeline's DuckDB tables and model charts from the training and
 * scoring results, each as a Vega-Lite spec, an SVG and a 2x PNG.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import type { Db } from '../db.ts';
import type { CalibrationBin } from '../model/metrics.ts';
import type { LearnerScore } from '../model/score.ts';
import { type ChartId, chartEntry } from './catalog.ts';
import { renderChart } from './render.ts';
import { aucByWeekSpec } from './specs/auc-by-week.ts';
import { calibrationSpec } from './specs/calibration.ts';
import { type EngagementRow, engagementByOutcomeSpec } from './specs/engagement-by-outcome.ts';
import { type FeatureEffect, featureEffectsSpec } from './specs/feature-effects.ts';
import { type LearnerWeekRow, learnerProfileSpec } from './specs/learner-profile.ts';
import { type ModuleFunnelRow, moduleFunnelSpec } from './specs/module-funnel.ts';
import { type OutcomesByCourseRow, outcomesByCourseSpec } from './specs/outcomes-by-course.ts';
import { prCurveSpec } from './specs/pr-curve.ts';
import { type QuizScoreRow, quizScoresSpec } from './specs/quiz-scores.ts';
import { riskDistributionSpec } from './specs/risk-distribution.ts';
import { rocCurveSpec } from './specs/roc-curve.ts';
import { type WeeklyActivityRow, weeklyActivitySpec } from './specs/weekly-activity.ts';
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
  /** Adds the learner_profile chart for this user_id. */
  readonly learnerId?: string | null;
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
  readonly completion_rate: number | null;
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
    completion_rate:
      row?.completion_rate === null || row?.completion_rate === undefined
        ? null
        : Number(row.completion_rate),
  };
}

/** The spec of every chart, before rendering (cheap; what the tests and `only` look at). */
export async function buildChartSpecs(
  db: Db,
  inputs: ModelInputs,
  options: ChartSetOptions,
): Promise<{ name: ChartId; spec: TopLevelSpec }[]> {
  const overview = await readOverview(db, options.asOf);
  const eda: ChartContext = { asOf: options.asOf, learners: overview.learners };
  const model: ChartContext = { asOf: options.asOf, learners: inputs.trainingLearners };
  const scored: ChartContext = { asOf: options.asOf, learners: inputs.scores?.length ?? 0 };
  const wanted = (id: ChartId) => !options.only || options.only.includes(id);
  const specs: { name: ChartId; spec: TopLevelSpec }[] = [];
  const add = async (name: ChartId, build: () => Promise<TopLevelSpec> | TopLevelSpec) => {
    if (wanted(name)) specs.push({ name, spec: await build() });
  };
  await add('weekly_activity', async () =>
    weeklyActivitySpec(
      await db.query<WeeklyActivityRow & Record<string, unknown>>('eda_weekly_activity'),
      eda,
    ),
  );
  await add('outcomes_by_course', async () =>
    outcomesByCourseSpec(
      await db.query<OutcomesByCourseRow & Record<string, unknown>>('eda_outcomes_by_course'),
      eda,
    ),
  );
  await add('module_funnel', async () =>
    moduleFunnelSpec(await db.query<ModuleFunnelRow & Record<string, unknown>>('eda_module_funnel'), eda),
  );
  await add('quiz_scores', async () =>
    quizScoresSpec(await db.query<QuizScoreRow & Record<string, unknown>>('eda_quiz_scores'), eda),
  );
  await add('engagement_by_outcome', async () =>
    engagementByOutcomeSpec(
      await db.query<EngagementRow & Record<string, unknown>>('eda_engagement_by_outcome'),
      eda,
    ),
  );
  const evaluation = inputs.evaluation;
  await add('roc_curve', () => rocCurveSpec(evaluation, model));
  await add('pr_curve', () =>
    prCurveSpec(
      evaluation && inputs.baseRate !== null ? { ...evaluation, baseRate: inputs.baseRate } : null,
      model,
    ),
  );
  await add('calibration', () => calibrationSpec(evaluation?.calibration ?? null, model));
  await add('auc_by_week', () => aucByWeekSpec(evaluation, model));
  await add('feature_effects', () => featureEffectsSpec(inputs.coefficients, model));
  await add('risk_distribution', () => riskDistributionSpec(inputs.scores, inputs.threshold, scored));
  const learnerId = options.learnerId;
  if (learnerId) {
    await add('learner_profile', async () => {
      const rows = await db.query<LearnerWeekRow & Record<string, unknown>>('eda_learner_weeks', {
        user_id: learnerId,
      });
      const score = inputs.scores?.find((s) => s.userId === learnerId) ?? null;
      return learnerProfileSpec(learnerId, rows, score, { asOf: options.asOf });
    });
  }
  return specs;
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

/** Writes <dir>/charts/<name>.png and <name>.vl.json; returns the paths written. */
export function writeCharts(outputs: readonly ChartOutput[], dir: string): string[] {
  const folder = join(dir, 'charts');
  mkdirSync(folder, { recursive: true });
  const written: string[] = [];
  for (const output of outputs) {
    const png = join(folder, `${output.name}.png`);
    const spec = join(folder, `${output.name}.vl.json`);
    writeFileSync(png, output.png);
    writeFileSync(spec, `${JSON.stringify(output.spec, null, 2)}\n`);
    written.push(png, spec);
  }
  return written;
}
