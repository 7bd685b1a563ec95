import type { TopLevelSpec } from 'vega-lite';
import { baseSpec, type ChartContext, noDataSpec, OKABE_ITO } from '../theme.ts';

export interface FeatureEffect {
  readonly feature: string;
  /** Change in the odds of completing per standard deviation of the feature. */
  readonly oddsRatioPerSd: number;
}

export const FEATURE_EFFECTS_TITLE = 'What moves the odds of completing';

export function featureEffectsSpec(
  effects: readonly FeatureEffect[] | null,
  context: ChartContext,
): TopLevelSpec {
  const rows = (effects ?? []).filter((e) => Number.isFinite(e.oddsRatioPerSd) && e.oddsRatioPerSd > 0);
  if (rows.length === 0) return noDataSpec(FEATURE_EFFECTS_TITLE, context);
  return {
    ...baseSpec(
      FEATURE_EFFECTS_TITLE,
      context,
      'Odds ratio per standard deviation (log scale); 1 = no effect',
    ),
    height: Math.max(160, rows.length * 24),
    layer: [
      {
        data: {
          values: rows.map((e) => ({
            feature: e.feature,
            odds_ratio: e.oddsRatioPerSd,
            direction: e.oddsRatioPerSd >= 1 ? 'raises completion' : 'lowers completion',
          })),
        },
        mark: { type: 'bar', tooltip: true },
        encoding: {
          y: { field: 'feature', type: 'nominal', title: 'Feature', sort: '-x', axis: { labelLimit: 260 } },
          // Bars grow from 1 (no effect), not from 0, which a log scale does not have.
          x: {
            field: 'odds_ratio',
            type: 'quantitative',
            title: 'Odds ratio per SD',
            scale: { type: 'log' },
          },
          x2: { datum: 1 },
          color: {
            field: 'direction',
            type: 'nominal',
            title: 'Effect',
            scale: {
              domain: ['raises completion', 'lowers completion'],
              range: [OKABE_ITO.blue, OKABE_ITO.vermillion],
            },
          },
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
