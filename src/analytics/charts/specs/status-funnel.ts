import type { TopLevelSpec } from 'vega-lite';
import { baseSpec, type ChartContext, noDataSpec, OKABE_ITO } from '../theme.ts';

/** One row per course x stage (queries/eda/eda_status_funnel.sql). */
export interface StatusFunnelRow {
  readonly course_name: string;
  readonly stage: string;
  readonly stage_order: number;
  readonly learners: number;
  /** learners / the course's started learners. */
  readonly share_of_started: number;
}

export const STATUS_FUNNEL_TITLE = 'Status funnel: started → in progress → completed, per course';

const STAGE_LABELS: Record<string, string> = {
  started: 'Started',
  in_progress: 'In progress',
  completed: 'Completed the course',
};

export const STAGE_COLORS = {
  domain: ['Started', 'In progress', 'Completed the course'],
  range: [OKABE_ITO.skyBlue, OKABE_ITO.blue, OKABE_ITO.green],
};

export function statusFunnelSpec(rows: readonly StatusFunnelRow[], context: ChartContext): TopLevelSpec {
  if (rows.length === 0) return noDataSpec(STATUS_FUNNEL_TITLE, context);
  // The query's order (course id) is the catalogue's order.
  const courses = [...new Set(rows.map((r) => r.course_name))];
  const base = baseSpec(
    STATUS_FUNNEL_TITLE,
    context,
    'Started: any event in the course · in progress: a lesson in progress or completed · completed: every module',
  );
  const y = {
    field: 'course_name',
    type: 'nominal' as const,
    title: 'Course',
    sort: courses,
    axis: { labelLimit: 260 },
  };
  const stageOffset = { field: 'stage_label', sort: STAGE_COLORS.domain };
  return {
    ...base,
    height: Math.max(base.height, courses.length * 54),
    data: {
      values: rows.map((r) => ({
        course_name: r.course_name,
        stage_label: STAGE_LABELS[r.stage] ?? r.stage,
        learners: r.learners,
        share_label: `${r.learners.toLocaleString('en-US')} (${Math.round(r.share_of_started * 100)}%)`,
      })),
    },
    layer: [
      {
        mark: { type: 'bar', tooltip: true },
        encoding: {
          y,
          yOffset: stageOffset,
          x: { field: 'learners', type: 'quantitative', title: 'Learners' },
          color: { field: 'stage_label', type: 'nominal', title: 'Stage', scale: STAGE_COLORS },
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 10, color: '#333333' },
        encoding: {
          y,
          yOffset: stageOffset,
          x: { field: 'learners', type: 'quantitative' },
          text: { field: 'share_label', type: 'nominal' },
        },
      },
    ],
  };
}
