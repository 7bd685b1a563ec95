import type { TopLevelSpec } from 'vega-lite';
import { baseSpec, type ChartContext, noDataSpec, OUTCOME_COLORS } from '../theme.ts';

/** Five numbers of days_inactive per outcome (queries/eda/eda_inactivity_vs_outcome.sql). */
export interface InactivityRow {
  readonly outcome: string;
  readonly learners: number;
  readonly p10: number;
  readonly q1: number;
  readonly median: number;
  readonly q3: number;
  readonly p90: number;
}

export const INACTIVITY_TITLE = 'Days since last activity, by outcome';

function outcomeLabel(row: Pick<InactivityRow, 'outcome' | 'learners'>): string {
  return `${row.outcome} (${row.learners.toLocaleString('en-US')})`;
}

export function inactivityVsOutcomeSpec(rows: readonly InactivityRow[], context: ChartContext): TopLevelSpec {
  if (rows.length === 0) return noDataSpec(INACTIVITY_TITLE, context);
  const order = [...rows]
    .sort((a, b) => OUTCOME_COLORS.domain.indexOf(a.outcome) - OUTCOME_COLORS.domain.indexOf(b.outcome))
    .map(outcomeLabel);
  const y = { field: 'outcome_label', type: 'nominal' as const, title: 'Outcome (learners)', sort: order };
  const color = {
    field: 'outcome',
    type: 'nominal' as const,
    title: 'Outcome',
    scale: OUTCOME_COLORS,
    legend: null,
  };
  return {
    ...baseSpec(
      INACTIVITY_TITLE,
      context,
      'Box: middle half of learners · whiskers: 10th–90th percentile · white line and label: median',
    ),
    height: Math.max(150, rows.length * 60),
    data: {
      values: rows.map((r) => ({
        ...r,
        outcome_label: outcomeLabel(r),
        median_label: `median ${Math.round(r.median)} d`,
      })),
    },
    layer: [
      {
        mark: { type: 'rule', strokeWidth: 2 },
        encoding: {
          y,
          x: { field: 'p10', type: 'quantitative', title: 'Days since the last event (at as-of)' },
          x2: { field: 'p90' },
          color,
        },
      },
      {
        mark: { type: 'bar', size: 28, tooltip: true },
        encoding: { y, x: { field: 'q1', type: 'quantitative' }, x2: { field: 'q3' }, color },
      },
      {
        mark: { type: 'tick', color: '#FFFFFF', thickness: 3, size: 28 },
        encoding: { y, x: { field: 'median', type: 'quantitative' } },
      },
      {
        mark: { type: 'text', dy: -22, fontSize: 11, color: '#333333' },
        encoding: { y, x: { field: 'median', type: 'quantitative' }, text: { field: 'median_label' } },
      },
    ],
  };
}
