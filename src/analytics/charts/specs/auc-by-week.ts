import type { TopLevelSpec } from 'vega-lite';
import { baseSpec, type ChartContext, noDataSpec, OKABE_ITO } from '../theme.ts';

export interface AucByWeekInput {
  readonly aucByWeek: readonly { weeks: string; rows: number; auc: number | null }[];
  readonly cvAuc: number;
}

export const AUC_BY_WEEK_TITLE = 'How early the model can tell: AUC by week of study';

export function aucByWeekSpec(input: AucByWeekInput | null, context: ChartContext): TopLevelSpec {
  const rows = (input?.aucByWeek ?? []).filter((r) => r.auc !== null);
  if (!input || rows.length === 0) return noDataSpec(AUC_BY_WEEK_TITLE, context);
  return {
    ...baseSpec(
      AUC_BY_WEEK_TITLE,
      context,
      `Out-of-fold ROC AUC of snapshots at each week · rule: overall ${input.cvAuc.toFixed(3)}`,
    ),
    layer: [
      {
        data: { values: rows.map((r) => ({ ...r })) },
        mark: { type: 'bar', color: OKABE_ITO.blue, tooltip: true },
        encoding: {
          x: {
            field: 'weeks',
            type: 'ordinal',
            title: 'Week of study',
            sort: ['1', '2', '3', '4+'],
            axis: { labelAngle: 0 },
          },
          y: { field: 'auc', type: 'quantitative', title: 'ROC AUC', scale: { domain: [0, 1] } },
        },
      },
      {
        data: { values: [{ auc: input.cvAuc }] },
        mark: { type: 'rule', color: OKABE_ITO.vermillion, strokeDash: [4, 4], strokeWidth: 2 },
        encoding: { y: { field: 'auc', type: 'quantitative' } },
      },
    ],
  };
}
