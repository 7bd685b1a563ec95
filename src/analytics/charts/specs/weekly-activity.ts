import type { TopLevelSpec } from 'vega-lite';
import { baseSpec, type ChartContext, noDataSpec, OKABE_ITO } from '../theme.ts';

/** One row per ISO week (queries/eda/eda_weekly_activity.sql). */
export interface WeeklyActivityRow {
  readonly week_start: string;
  readonly active_learners: number;
  readonly sessions: number;
}

function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

export const WEEKLY_ACTIVITY_TITLE = 'Active learners per week';

export function weeklyActivitySpec(rows: readonly WeeklyActivityRow[], context: ChartContext): TopLevelSpec {
  if (rows.length === 0) return noDataSpec(WEEKLY_ACTIVITY_TITLE, context);
  return {
    ...baseSpec(
      WEEKLY_ACTIVITY_TITLE,
      context,
      'Learners with at least one session in the week (Monday start)',
    ),
    data: { values: rows.map((r) => ({ ...r, next_week_start: addDays(r.week_start, 7) })) },
    // A week is drawn as the span it covers; the white stroke separates neighbouring weeks.
    mark: { type: 'bar', color: OKABE_ITO.blue, stroke: '#ffffff', strokeWidth: 1, tooltip: true },
    encoding: {
      x: { field: 'week_start', type: 'temporal', title: 'Week starting' },
      x2: { field: 'next_week_start' },
      y: { field: 'active_learners', type: 'quantitative', title: 'Active learners' },
      y2: { datum: 0 },
    },
  };
}
