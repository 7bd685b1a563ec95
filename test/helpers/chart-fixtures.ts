/**
 * One small, hand-made spec per chart of the catalogue (every builder on a few rows), for tests that
 * need all 14 charts without a pipeline run, such as the no-system-fonts render.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ChartId } from '../../src/analytics/charts/catalog.ts';
import { aucByWeekSpec } from '../../src/analytics/charts/specs/auc-by-week.ts';
import { calibrationSpec } from '../../src/analytics/charts/specs/calibration.ts';
import { cohortRetentionSpec } from '../../src/analytics/charts/specs/cohort-retention.ts';
import { departmentCompletionSpec } from '../../src/analytics/charts/specs/department-completion.ts';
import { inactivityVsOutcomeSpec } from '../../src/analytics/charts/specs/inactivity-vs-outcome.ts';
import { learnerProfileSpec } from '../../src/analytics/charts/specs/learner-profile.ts';
import { modelCoefficientsSpec } from '../../src/analytics/charts/specs/model-coefficients.ts';
import { moduleCompletionSpec } from '../../src/analytics/charts/specs/module-completion.ts';
import { progressDistributionSpec } from '../../src/analytics/charts/specs/progress-distribution.ts';
import { quizScoresSpec } from '../../src/analytics/charts/specs/quiz-scores.ts';
import { riskDistributionSpec } from '../../src/analytics/charts/specs/risk-distribution.ts';
import { rocPrSpec } from '../../src/analytics/charts/specs/roc-pr.ts';
import { statusFunnelSpec } from '../../src/analytics/charts/specs/status-funnel.ts';
import { weeklyEngagementSpec } from '../../src/analytics/charts/specs/weekly-engagement.ts';
import type { ChartContext } from '../../src/analytics/charts/theme.ts';

const WEEKS = ['2026-06-01', '2026-06-08', '2026-06-15', '2026-06-22'];

const EVALUATION = {
  cvAuc: 0.81,
  prAuc: 0.77,
  baseRate: 0.43,
  roc: { fpr: [0, 0.1, 0.3, 1], tpr: [0, 0.5, 0.8, 1] },
  pr: { precision: [0.43, 0.7, 0.9, 1], recall: [1, 0.8, 0.4, 0] },
  calibration: [
    { bin: 2, lower: 0.2, upper: 0.3, count: 30, mean_predicted: 0.25, observed_rate: 0.2 },
    { bin: 7, lower: 0.7, upper: 0.8, count: 25, mean_predicted: 0.75, observed_rate: 0.8 },
  ],
  aucByWeek: [
    { weeks: '1', rows: 40, auc: 0.7 },
    { weeks: '4+', rows: 90, auc: 0.85 },
  ],
};

export function sampleChartSpecs(context: ChartContext): Record<ChartId, TopLevelSpec> {
  const stages = ['started', 'in_progress', 'completed'];
  return {
    'progress-distribution': progressDistributionSpec(
      [0, 50, 90].map((bin, i) => ({ progress_bin: bin, learner_modules: 5 + i * 10 })),
      context,
    ),
    'module-completion': moduleCompletionSpec(
      [1, 2, 3].map((n) => ({
        module_label: `Course · 0${n} Module ${n}`,
        started: 20,
        completed: 20 - n * 4,
        completion_rate: (20 - n * 4) / 20,
      })),
      context,
    ),
    'quiz-scores': quizScoresSpec(
      WEEKS.map((week, i) => ({
        week_start: week,
        score_bin: 50 + i * 10,
        attempts: 3,
        score_sum: 180 + i * 25,
      })),
      context,
    ),
    'weekly-engagement': weeklyEngagementSpec(
      WEEKS.map((week, i) => ({
        week_start: week,
        active_learners: 10 + i,
        sessions: 20 + i,
        modules_completed: i,
      })),
      context,
    ),
    'status-funnel': statusFunnelSpec(
      stages.map((stage, i) => ({
        course_name: 'Safe Communication',
        stage,
        stage_order: i + 1,
        learners: 30 - i * 10,
        share_of_started: (30 - i * 10) / 30,
      })),
      context,
    ),
    'cohort-retention': cohortRetentionSpec(
      WEEKS.flatMap((week, c) =>
        WEEKS.slice(c).map((_, w) => ({
          cohort_week: week,
          cohort_learners: 10,
          week_index: w + 1,
          active_learners: 10 - w * 3,
          active_share: (10 - w * 3) / 10,
        })),
      ),
      context,
    ),
    'department-completion': departmentCompletionSpec(
      ['completed', 'dropped', 'open'].map((outcome, i) => ({
        department: 'Health Services',
        outcome,
        learners: 10 + i,
        department_learners: 33,
        share: (10 + i) / 33,
      })),
      context,
    ),
    'inactivity-vs-outcome': inactivityVsOutcomeSpec(
      [
        { outcome: 'completed', learners: 10, p10: 5, q1: 20, median: 60, q3: 100, p90: 120 },
        { outcome: 'dropped', learners: 12, p10: 30, q1: 45, median: 80, q3: 110, p90: 140 },
        { outcome: 'open', learners: 11, p10: 0, q1: 1, median: 3, q3: 7, p90: 12 },
      ],
      context,
    ),
    'risk-distribution': riskDistributionSpec(
      [
        { riskScore: 0.9, riskBand: 'high' },
        { riskScore: 0.5, riskBand: 'medium' },
        { riskScore: 0.1, riskBand: 'low' },
      ],
      0.4,
      context,
    ),
    'model-coefficients': modelCoefficientsSpec(
      [
        { feature: 'sessions', oddsRatioPerSd: 1.8 },
        { feature: 'inactivity_days', oddsRatioPerSd: 0.5 },
      ],
      context,
    ),
    'roc-pr': rocPrSpec(EVALUATION, context),
    calibration: calibrationSpec(EVALUATION.calibration, context),
    'auc-by-week': aucByWeekSpec(EVALUATION, context),
    'learner-profile': learnerProfileSpec(
      'U0001',
      WEEKS.map((week, i) => ({
        week_start: week,
        week_index: i + 1,
        sessions: i,
        avg_progress: 20 * i,
        avg_quiz_score: 60 + i,
      })),
      null,
      { asOf: context.asOf },
    ),
  };
}
