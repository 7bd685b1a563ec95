import type { TopLevelSpec } from 'vega-lite';
import { baseSpec, type ChartContext, noDataSpec, SEQUENTIAL_RANGE } from '../theme.ts';

/** One row per cohort x week of study (queries/eda/eda_cohort_retention.sql). */
export interface CohortRetentionRow {
  readonly cohort_week: string;
  readonly cohort_learners: number;
  readonly week_index: number;
  readonly active_learners: number;
  readonly active_share: number;
}

export const COHORT_RETENTION_TITLE = 'Cohort retention: share of each cohort active, by week of study';

function cohortLabel(row: Pick<CohortRetentionRow, 'cohort_week' | 'cohort_learners'>): string {
  return `${row.cohort_week} (${row.cohort_learners.toLocaleString('en-US')})`;
}

export function cohortRetentionSpec(
  rows: readonly CohortRetentionRow[],
  context: ChartContext,
): TopLevelSpec {
  if (rows.length === 0) return noDataSpec(COHORT_RETENTION_TITLE, context);
  const cohorts = [...new Set(rows.map(cohortLabel))].sort();
  const weeks = Math.max(...rows.map((r) => r.week_index));
  return {
    ...baseSpec(
      COHORT_RETENTION_TITLE,
      context,
      'Cohort: the week of the learner’s first event (learners) · active: any event in the week',
    ),
    width: Math.max(320, weeks * 22),
    height: Math.max(160, cohorts.length * 16),
    data: {
      values: rows.map((r) => ({
        cohort: cohortLabel(r),
        week_index: r.week_index,
        active_learners: r.active_learners,
        active_share: r.active_share,
      })),
    },
    mark: { type: 'rect', tooltip: true },
    encoding: {
      x: {
        field: 'week_index',
        type: 'ordinal',
        title: 'Week of study (1 = first week)',
        axis: { labelAngle: 0 },
      },
      y: { field: 'cohort', type: 'ordinal', title: 'Cohort (first week, learners)', sort: cohorts },
      color: {
        field: 'active_share',
        type: 'quantitative',
        title: 'Active',
        scale: { domain: [0, 1], range: SEQUENTIAL_RANGE },
        legend: { format: '%' },
      },
    },
  };
}
