import type { TopLevelSpec } from 'vega-lite';
import { baseSpec, type ChartContext, noDataSpec, OUTCOME_COLORS } from '../theme.ts';

/** One row per study week x outcome (queries/eda/eda_engagement_by_outcome.sql). */
export interface EngagementRow {
  readonly week_index: number;
  readonly outcome: string;
  readonly learners: number;
  readonly mean_sessions: number;
}

export const ENGAGEMENT_TITLE = 'Sessions per week of study, by outcome';

export function engagementByOutcomeSpec(rows: readonly EngagementRow[], context: ChartContext): TopLevelSpec {
  if (rows.length === 0) return noDataSpec(ENGAGEMENT_TITLE, context);
  return {
    ...baseSpec(
      ENGAGEMENT_TITLE,
      context,
      'Mean sessions per learner in their 1st, 2nd, ... week (weeks with no activity count as 0)',
    ),
    data: { values: [...rows] },
    mark: { type: 'line', point: true, tooltip: true },
    encoding: {
      x: {
        field: 'week_index',
        type: 'quantitative',
        title: 'Week of study (1 = first week)',
        axis: { tickMinStep: 1 },
      },
      y: { field: 'mean_sessions', type: 'quantitative', title: 'Mean sessions per learner' },
      color: { field: 'outcome', type: 'nominal', title: 'Outcome', scale: OUTCOME_COLORS },
    },
  };
}
