import type { TopLevelSpec } from 'vega-lite';
import { baseSpec, type ChartContext, noDataSpec, OKABE_ITO } from '../theme.ts';

export interface FeatureEffect {
  readonly feature: string;
  /** Change in the odds of completing per standard deviation of the feature. */
  readonly oddsRatioPerSd: number;
}

export const MODEL_COEFFICIENTS_TITLE = 'What moves the odds of completing';

export const DIRECTION_COLORS = {
  domain: ['raises completion', 'lowers completion', 'no effect'],
  range: [OKABE_ITO.blue, OKABE_ITO.vermillion, '#999999'],
};

function direction(oddsRatio: number): string {
  if (oddsRatio > 1) return 'raises completion';
  if (oddsRatio < 1) return 'lowers completion';
  return 'no effect';
}

/** Strongest effect first, either way: |log odds ratio| is the same for 2 and 1/2. */
export function sortedEffects(effects: readonly FeatureEffect[]): FeatureEffect[] {
  return effects
    .filter((e) => Number.isFinite(e.oddsRatioPerSd) && e.oddsRatioPerSd > 0)
    .sort((a, b) => Math.abs(Math.log(b.oddsRatioPerSd)) - Math.abs(Math.log(a.oddsRatioPerSd)));
}

export function modelCoefficientsSpec(
  effects: readonly FeatureEffect[] | null,
  context: ChartContext,
): TopLevelSpec {
  const rows = sortedEffects(effects ?? []);
  if (rows.length === 0) return noDataSpec(MODEL_COEFFICIENTS_TITLE, context);
  return {
    ...baseSpec(
      MODEL_COEFFICIENTS_TITLE,
      context,
      'Odds ratio of completing per standard deviation of each feature (log scale); 1 = no effect',
    ),
    height: Math.max(160, rows.length * 22),
    layer: [
      {
        data: {
          values: rows.map((e) => ({
            feature: e.feature,
            odds_ratio: e.oddsRatioPerSd,
            direction: direction(e.oddsRatioPerSd),
          })),
        },
        mark: { type: 'bar', tooltip: true },
        encoding: {
          y: {
            field: 'feature',
            type: 'nominal',
            title: 'Feature',
            sort: rows.map((e) => e.feature),
            axis: { labelLimit: 260 },
          },
          // Bars grow from 1 (no effect), not from 0, which a log scale does not have.
          x: {
            field: 'odds_ratio',
            type: 'quantitative',
            title: 'Odds ratio per standard deviation',
            scale: { type: 'log' },
          },
          x2: { datum: 1 },
          color: { field: 'direction', type: 'nominal', title: 'Effect', scale: DIRECTION_COLORS },
        },
      },
      {
        data: { values: [{ one: 1 }] },
        mark: { type: 'rule', color: '#333333' },
        encoding: { x: { field: 'one', type: 'quantitative' } },
      },
    ],
  };
}
