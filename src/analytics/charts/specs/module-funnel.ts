import type { TopLevelSpec } from 'vega-lite';
import { baseSpec, type ChartContext, noDataSpec, OKABE_ITO } from '../theme.ts';

/** One row per kept module x stage (queries/eda/eda_module_funnel.sql). */
export interface ModuleFunnelRow {
  /** "Course · 01 Module name": sorts in course, then sequence order. */
  readonly module_label: string;
  readonly stage: 'started' | 'completed';
  readonly learners: number;
}

export const MODULE_FUNNEL_TITLE = 'Module funnel: learners who started and completed each module';

export function moduleFunnelSpec(rows: readonly ModuleFunnelRow[], context: ChartContext): TopLevelSpec {
  if (rows.length === 0) return noDataSpec(MODULE_FUNNEL_TITLE, context);
  const modules = new Set(rows.map((r) => r.module_label)).size;
  const base = baseSpec(MODULE_FUNNEL_TITLE, context);
  return {
    ...base,
    // One band per module, so long catalogues get a taller chart instead of squashed bars.
    height: Math.max(base.height, modules * 22),
    data: { values: [...rows] },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      y: {
        field: 'module_label',
        type: 'nominal',
        title: 'Module (course · sequence)',
        sort: 'ascending',
        axis: { labelLimit: 360 },
      },
      yOffset: { field: 'stage', sort: ['started', 'completed'] },
      x: { field: 'learners', type: 'quantitative', title: 'Learners' },
      color: {
        field: 'stage',
        type: 'nominal',
        title: 'Stage',
        scale: { domain: ['started', 'completed'], range: [OKABE_ITO.skyBlue, OKABE_ITO.blue] },
      },
    },
  };
}
