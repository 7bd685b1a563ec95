import type { TopLevelSpec } from 'vega-lite';
import type { LearnerScore } from '../../model/score.ts';
import { baseSpec, type ChartContext, noDataSpec, OKABE_ITO, RISK_BAND_COLORS } from '../theme.ts';

export const RISK_DISTRIBUTION_TITLE = 'Risk scores of open learners';

export function riskDistributionSpec(
  scores: readonly Pick<LearnerScore, 'riskScore' | 'riskBand'>[] | null,
  threshold: number | null,
  context: ChartContext,
): TopLevelSpec {
  if (!scores || scores.length === 0) return noDataSpec(RISK_DISTRIBUTION_TITLE, context);
  return {
    ...baseSpec(
      RISK_DISTRIBUTION_TITLE,
      context,
      threshold === null ? undefined : `Dashed line: at-risk threshold ${threshold.toFixed(2)}`,
    ),
    layer: [
      {
        data: { values: scores.map((s) => ({ risk: s.riskScore, band: s.riskBand })) },
        mark: { type: 'bar', tooltip: true },
        encoding: {
          x: {
            field: 'risk',
            type: 'quantitative',
            title: 'Risk of not completing',
            bin: { extent: [0, 1], step: 0.05 },
          },
          y: { aggregate: 'count', type: 'quantitative', title: 'Learners', stack: 'zero' },
          color: { field: 'band', type: 'nominal', title: 'Risk band', scale: RISK_BAND_COLORS },
        },
      },
      ...(threshold === null
        ? []
        : [
            {
              data: { values: [{ threshold }] },
              mark: { type: 'rule' as const, color: OKABE_ITO.black, strokeDash: [4, 4], strokeWidth: 2 },
              encoding: { x: { field: 'threshold', type: 'quantitative' as const } },
            },
          ]),
    ],
  };
}
