import type { TopLevelSpec } from 'vega-lite';
import { CHART_CONFIG, type ChartContext, chartTitle, noDataSpec, OKABE_ITO } from '../theme.ts';

export interface RocPrInput {
  readonly roc: { readonly fpr: readonly number[]; readonly tpr: readonly number[] };
  readonly pr: { readonly precision: readonly number[]; readonly recall: readonly number[] };
  readonly cvAuc: number;
  readonly prAuc: number;
  /** Share of training rows that completed: the precision of guessing; null when unknown. */
  readonly baseRate: number | null;
}

export const ROC_PR_TITLE = 'ROC and precision-recall curves (out-of-fold)';

const SIDE = 300;

/** Pairs the parallel arrays; a missing partner is null (vega leaves the point out). */
function points<K extends string, V extends string>(
  xs: readonly number[],
  ys: readonly number[],
  xKey: K,
  yKey: V,
): Record<K | V, number | null>[] {
  return xs.map((x, i) => ({ [xKey]: x, [yKey]: ys[i] ?? null }) as Record<K | V, number | null>);
}

function rocPanel(input: RocPrInput) {
  return {
    width: SIDE,
    height: SIDE,
    title: { text: `ROC · AUC ${input.cvAuc.toFixed(3)}`, fontSize: 13 },
    layer: [
      {
        data: {
          values: [
            { x: 0, y: 0 },
            { x: 1, y: 1 },
          ],
        },
        mark: { type: 'line' as const, color: '#999999', strokeDash: [4, 4] },
        encoding: {
          x: { field: 'x', type: 'quantitative' as const },
          y: { field: 'y', type: 'quantitative' as const },
        },
      },
      {
        data: { values: points(input.roc.fpr, input.roc.tpr, 'fpr', 'tpr') },
        mark: { type: 'line' as const, color: OKABE_ITO.blue, strokeWidth: 2 },
        encoding: {
          x: {
            field: 'fpr',
            type: 'quantitative' as const,
            title: 'False positive rate',
            scale: { domain: [0, 1] },
          },
          y: {
            field: 'tpr',
            type: 'quantitative' as const,
            title: 'True positive rate',
            scale: { domain: [0, 1] },
          },
          order: { field: 'fpr' },
        },
      },
    ],
  };
}

function prPanel(input: RocPrInput) {
  const baseRule =
    input.baseRate === null
      ? []
      : [
          {
            data: { values: [{ base: input.baseRate }] },
            mark: { type: 'rule' as const, color: '#999999', strokeDash: [4, 4] },
            encoding: { y: { field: 'base', type: 'quantitative' as const } },
          },
        ];
  return {
    width: SIDE,
    height: SIDE,
    title: { text: `Precision-recall · average precision ${input.prAuc.toFixed(3)}`, fontSize: 13 },
    layer: [
      ...baseRule,
      {
        data: { values: points(input.pr.recall, input.pr.precision, 'recall', 'precision') },
        mark: { type: 'line' as const, color: OKABE_ITO.vermillion, strokeWidth: 2 },
        encoding: {
          x: { field: 'recall', type: 'quantitative' as const, title: 'Recall', scale: { domain: [0, 1] } },
          y: {
            field: 'precision',
            type: 'quantitative' as const,
            title: 'Precision (completed)',
            scale: { domain: [0, 1] },
          },
          order: { field: 'recall' },
        },
      },
    ],
  };
}

export function rocPrSpec(input: RocPrInput | null, context: ChartContext): TopLevelSpec {
  if (!input || (input.roc.fpr.length === 0 && input.pr.recall.length === 0))
    return noDataSpec(ROC_PR_TITLE, context);
  const reference =
    input.baseRate === null
      ? 'Dashed: chance'
      : `Dashed: chance (ROC) and base rate ${input.baseRate.toFixed(3)} (precision-recall)`;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: chartTitle(ROC_PR_TITLE, context, reference),
    config: { ...CHART_CONFIG, concat: { spacing: 32 } },
    hconcat: [rocPanel(input), prPanel(input)],
  };
}
