import type { TopLevelSpec } from 'vega-lite';
import { baseSpec, type ChartContext, noDataSpec, OKABE_ITO } from '../theme.ts';

export interface PrInput {
  readonly pr: { readonly precision: readonly number[]; readonly recall: readonly number[] };
  readonly prAuc: number;
  /** Share of training rows that completed: the precision of guessing. */
  readonly baseRate: number;
}

export const PR_TITLE = 'Precision-recall curve for completion (out-of-fold)';

export function prCurveSpec(input: PrInput | null, context: ChartContext): TopLevelSpec {
  if (!input || input.pr.recall.length === 0) return noDataSpec(PR_TITLE, context);
  const points = input.pr.recall.map((recall, i) => ({ recall, precision: input.pr.precision[i] ?? null }));
  return {
    ...baseSpec(
      PR_TITLE,
      context,
      `Average precision ${input.prAuc.toFixed(3)} · dashed line: base rate ${input.baseRate.toFixed(3)}`,
    ),
    height: 360,
    width: 360,
    layer: [
      {
        data: { values: [{ base: input.baseRate }] },
        mark: { type: 'rule', color: '#999999', strokeDash: [4, 4] },
        encoding: { y: { field: 'base', type: 'quantitative' } },
      },
      {
        data: { values: points },
        mark: { type: 'line', color: OKABE_ITO.blue, strokeWidth: 2 },
        encoding: {
          x: { field: 'recall', type: 'quantitative', title: 'Recall', scale: { domain: [0, 1] } },
          y: { field: 'precision', type: 'quantitative', title: 'Precision', scale: { domain: [0, 1] } },
          order: { field: 'recall' },
        },
      },
    ],
  };
}
