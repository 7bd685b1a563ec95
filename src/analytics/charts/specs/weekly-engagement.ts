import type { TopLevelSpec } from 'vega-lite';
import { CHART_CONFIG, CHART_WIDTH, type ChartContext, chartTitle, noDataSpec, OKABE_ITO } from '../theme.ts';

/** One row per ISO week (queries/eda/eda_weekly_engagement.sql). */
export interface WeeklyEngagementRow {
  readonly week_start: string;
  readonly active_learners: number;
  readonly sessions: number;
  readonly modules_completed: number;
}

export const WEEKLY_ENGAGEMENT_TITLE = 'Weekly engagement';

const METRICS = [
  { key: 'active_learners', label: 'Active learners', color: OKABE_ITO.blue },
  { key: 'sessions', label: 'Sessions', color: OKABE_ITO.orange },
  { key: 'modules_completed', label: 'Modules completed', color: OKABE_ITO.green },
] as const;

export function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** The as-of week is cut short when as-of is not its Sunday; readers should not take its dip as a drop. */
function partialWeekNote(rows: readonly WeeklyEngagementRow[], asOf: string): string | null {
  const last = rows.at(-1)?.week_start;
  if (!last || addDays(last, 6) <= asOf) return null;
  return `the week of ${last} is partial (up to ${asOf})`;
}

export function weeklyEngagementSpec(
  rows: readonly WeeklyEngagementRow[],
  context: ChartContext,
): TopLevelSpec {
  if (rows.length === 0) return noDataSpec(WEEKLY_ENGAGEMENT_TITLE, context);
  const notes = ['Calendar weeks starting on Monday', partialWeekNote(rows, context.asOf)];
  const long = rows.flatMap((row) =>
    METRICS.map((m) => ({ week_start: row.week_start, metric: m.label, value: row[m.key] })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: chartTitle(WEEKLY_ENGAGEMENT_TITLE, context, notes.filter(Boolean).join(' · ')),
    config: CHART_CONFIG,
    data: { values: long },
    vconcat: METRICS.map((m, i) => ({
      width: CHART_WIDTH,
      height: 100,
      transform: [{ filter: { field: 'metric', equal: m.label } }],
      mark: { type: 'line', point: { filled: true, color: m.color }, color: m.color, tooltip: true },
      encoding: {
        x: {
          field: 'week_start',
          type: 'temporal',
          timeUnit: 'yearmonthdate',
          // One date axis, under the last panel, is enough for three panels over the same weeks.
          title: i === METRICS.length - 1 ? 'Week starting' : null,
          axis: i === METRICS.length - 1 ? {} : { labels: false, ticks: false },
        },
        y: { field: 'value', type: 'quantitative', title: m.label },
      },
    })),
  };
}
