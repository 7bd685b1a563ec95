/**
 * OUT/charts/backtest.png (`lumen backtest`): per replayed as-of date, how well the published list's
 * risk ranked the enrolments that did not complete, beside the days-since-last-activity baseline.
 * Not in the run's chart catalogue: only the backtest draws it.
 */
import type { TopLevelSpec } from 'vega-lite';
import { baseSpec, type ChartContext, noDataSpec, OKABE_ITO } from '../theme.ts';

export interface BacktestAucRow {
  readonly asOf: string;
  /** Null when no list was published at that date (or only one class is present). */
  readonly modelAuc: number | null;
  readonly baselineAuc: number | null;
}

export const BACKTEST_AUC_TITLE = 'Backtest: the list vs days since last activity, by as-of date';

const MODEL = 'model (risk_score)';
const BASELINE = 'baseline (days since last activity)';

export function backtestAucSpec(
  rows: readonly BacktestAucRow[],
  context: ChartContext,
  note?: string,
): TopLevelSpec {
  const values = rows.flatMap((r) => [
    ...(r.modelAuc === null ? [] : [{ asOf: r.asOf, series: MODEL, auc: r.modelAuc }]),
    ...(r.baselineAuc === null ? [] : [{ asOf: r.asOf, series: BASELINE, auc: r.baselineAuc }]),
  ]);
  if (values.length === 0) return noDataSpec(BACKTEST_AUC_TITLE, context, 'No as-of date could be judged');
  const encoding = {
    x: {
      field: 'asOf',
      type: 'temporal',
      title: 'As-of date (list published then)',
      axis: { format: '%b %Y', labelAngle: 0 },
    },
    y: {
      field: 'auc',
      type: 'quantitative',
      title: 'ROC AUC against the outcome at the end',
      scale: { zero: false, domainMax: 1 },
    },
    color: {
      field: 'series',
      type: 'nominal',
      title: null,
      scale: { domain: [MODEL, BASELINE], range: [OKABE_ITO.blue, OKABE_ITO.orange] },
      legend: { orient: 'bottom', labelLimit: 400 },
    },
  } as const;
  return {
    ...baseSpec(
      BACKTEST_AUC_TITLE,
      context,
      note ??
        'Refitted at each date on the data up to it; judged on enrolments open then, finished by the end',
    ),
    data: { values },
    layer: [
      { mark: { type: 'line', strokeWidth: 2 }, encoding },
      { mark: { type: 'point', filled: true, size: 40, tooltip: true }, encoding },
    ],
  } as TopLevelSpec;
}
