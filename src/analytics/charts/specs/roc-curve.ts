import type { TopLevelSpec } from 'vega-lite';
import { baseSpec, type ChartContext, noDataSpec, OKABE_ITO } from '../theme.ts';

export interface RocInput {
  readonly roc: { readonly fpr: readonly number[]; readonly tpr: readonly number[] };
  readonly cvAuc: number;
}

export const ROC_TITLE = 'ROC curve (out-of-fold)';

export function rocCurveSpec(input: RocInput | null, context: ChartContext): TopLevelSpec {
  if (!input || input.roc.fpr.length === 0) return noDataSpec(ROC_TITLE, context);
  const points = input.roc.fpr.map((fpr, i) => ({ fpr, tpr: input.roc.tpr[i] ?? null }));
  return {
    ...baseSpec(ROC_TITLE, context, `Cross-validated AUC ${input.cvAuc.toFixed(3)} · dashed line: chance`),
    height: 360,
    width: 360,
    layer: [
      {
        data: {
          values: [
            { x: 0, y: 0 },
            { x: 1, y: 1 },
          ],
        },
        mark: { type: 'line', color: '#999999', strokeDash: [4, 4] },
        encoding: {
          x: { field: 'x', type: 'quantitative' },
          y: { field: 'y', type: 'quantitative' },
        },
      },
      {
        data: { values: points },
        mark: { type: 'line', color: OKABE_ITO.blue, strokeWidth: 2 },
        encoding: {
          x: { field: 'fpr', type: 'quantitative', title: 'False positive rate', scale: { domain: [0, 1] } },
          y: { field: 'tpr', type: 'quantitative', title: 'True positive rate', scale: { domain: [0, 1] } },
          order: { field: 'fpr' },
        },
      },
    ],
  };
}
