import type { TopLevelSpec } from 'vega-lite';
import { baseSpec, type ChartContext, noDataSpec, OKABE_ITO } from '../theme.ts';

/** One row per kept module, in course then sequence order (queries/eda/eda_module_completion.sql). */
export interface ModuleCompletionRow {
  /** "Course · 01 Module name". */
  readonly module_label: string;
  readonly started: number;
  readonly completed: number;
  /** completed / started; null when nobody started the module. */
  readonly completion_rate: number | null;
}

export const MODULE_COMPLETION_TITLE = 'Completion rate per module';

/** What the bar end says: the rate and its base, so a 100% of 2 learners reads as such. */
function rateLabel(row: ModuleCompletionRow): string {
  if (row.started === 0 || row.completion_rate === null) return 'nobody started';
  return `${Math.round(row.completion_rate * 100)}% of ${row.started.toLocaleString('en-US')}`;
}

export function moduleCompletionSpec(
  rows: readonly ModuleCompletionRow[],
  context: ChartContext,
): TopLevelSpec {
  if (rows.length === 0) return noDataSpec(MODULE_COMPLETION_TITLE, context);
  const base = baseSpec(
    MODULE_COMPLETION_TITLE,
    context,
    'Learners who completed the module / learners with any lesson or quiz event on it',
  );
  // The query's order (course, then sequence) is the reading order; an explicit sort keeps it.
  const order = rows.map((r) => r.module_label);
  const y = {
    field: 'module_label',
    type: 'nominal' as const,
    title: 'Module (course · sequence)',
    sort: order,
    // Vega caps an axis at 200 px (maxExtent) and draws its title there, over longer labels.
    axis: { labelLimit: 480, maxExtent: 500 },
  };
  return {
    ...base,
    // One band per module, so long catalogues get a taller chart instead of squashed bars. Bands of
    // 16 px and a 480 px plot keep a 30-module catalogue within the render budget (time goes with area).
    width: 480,
    height: Math.max(base.height, rows.length * 16),
    data: {
      values: rows.map((r) => ({
        module_label: r.module_label,
        started: r.started,
        completed: r.completed,
        completion_rate: r.completion_rate ?? 0,
        label: rateLabel(r),
      })),
    },
    layer: [
      {
        mark: { type: 'bar', color: OKABE_ITO.blue, tooltip: true },
        encoding: {
          y,
          x: {
            field: 'completion_rate',
            type: 'quantitative',
            title: 'Completion rate',
            scale: { domain: [0, 1] },
            axis: { format: '%' },
          },
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 10, color: '#333333' },
        encoding: {
          y,
          x: { field: 'completion_rate', type: 'quantitative' },
          text: { field: 'label', type: 'nominal' },
        },
      },
    ],
  };
}
