import type { TopLevelSpec } from 'vega-lite';
import type { LearnerScore } from '../../model/score.ts';
import { CHART_CONFIG, CHART_WIDTH, type ChartContext, chartTitle, noDataSpec, OKABE_ITO } from '../theme.ts';

/** One row per week of one learner (queries/eda/eda_learner_weeks.sql). */
export interface LearnerWeekRow {
  readonly week_start: string;
  readonly week_index: number;
  readonly sessions: number;
  /** 0-100, null in weeks without lesson rows. */
  readonly avg_progress: number | null;
  /** 0-100, null in weeks without quiz attempts. */
  readonly avg_quiz_score: number | null;
}

export const LEARNER_PROFILE_TITLE = 'Learner profile';

const METRICS = [
  { key: 'sessions', label: 'Sessions', color: OKABE_ITO.blue },
  { key: 'avg_progress', label: 'Lesson progress (%)', color: OKABE_ITO.green },
  { key: 'avg_quiz_score', label: 'Quiz score', color: OKABE_ITO.orange },
] as const;

function riskLine(score: LearnerScore | null): string {
  if (!score) return 'Not scored (no open snapshot or no reliable model)';
  const risk = `Risk ${(score.riskScore * 100).toFixed(0)}% (${score.riskBand}${score.atRisk ? ', at risk' : ''})`;
  const drivers = score.drivers.map((d) => d.text).join('; ');
  return drivers ? `${risk} · ${drivers}` : risk;
}

export function learnerProfileSpec(
  userId: string,
  rows: readonly LearnerWeekRow[],
  score: LearnerScore | null,
  context: Omit<ChartContext, 'learners'> & { readonly courseId?: string | null },
): TopLevelSpec {
  const title = `${LEARNER_PROFILE_TITLE}: ${userId}${context.courseId ? ` in ${context.courseId}` : ''}`;
  const oneLearner = { ...context, learners: rows.length > 0 ? 1 : 0 };
  if (rows.length === 0) return noDataSpec(title, oneLearner, `No activity for ${userId}`);
  const long = rows.flatMap((row) =>
    METRICS.map((m) => ({
      week_start: row.week_start,
      week_index: row.week_index,
      metric: m.label,
      value: row[m.key],
    })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: chartTitle(title, oneLearner, riskLine(score)),
    config: CHART_CONFIG,
    data: { values: long },
    vconcat: METRICS.map((m) => ({
      width: CHART_WIDTH,
      height: 90,
      transform: [{ filter: { field: 'metric', equal: m.label } }],
      mark: { type: 'line', point: { filled: true, color: m.color }, color: m.color, tooltip: true },
      encoding: {
        x: { field: 'week_start', type: 'temporal', timeUnit: 'yearmonthdate', title: 'Week starting' },
        y: { field: 'value', type: 'quantitative', title: m.label },
      },
    })),
  };
}
