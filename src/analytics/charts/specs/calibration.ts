import type { TopLevelSpec } from 'vega-lite';
import type { CalibrationBin } from '../../model/metrics.ts';
import { baseSpec, type ChartContext, noDataSpec, OKABE_ITO } from '../theme.ts';

export const CALIBRATION_TITLE = 'Calibration: predicted vs observed completion';

export function calibrationSpec(bins: readonly CalibrationBin[] | null, context: ChartContext): TopLevelSpec {
  const filled = (bins ?? []).filter(
    (b) => b.count > 0 && b.mean_predicted !== null && b.observed_rate !== null,
  );
  if (filled.length === 0) return noDataSpec(CALIBRATION_TITLE, context);
  return {
    ...baseSpec(
      CALIBRATION_TITLE,
      context,
      'Out-of-fold, 10 equal-width bins; point size = snapshots in the bin',
    ),
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
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
      },
      {
        data: { values: filled.map((b) => ({ ...b })) },
        mark: { type: 'line', color: OKABE_ITO.vermillion },
        encoding: {
          x: { field: 'mean_predicted', type: 'quantitative' },
          y: { field: 'observed_rate', type: 'quantitative' },
        },
      },
      {
        data: { values: filled.map((b) => ({ ...b })) },
        mark: { type: 'circle', color: OKABE_ITO.vermillion, opacity: 0.9, tooltip: true },
        encoding: {
          x: {
            field: 'mean_predicted',
            type: 'quantitative',
            title: 'Mean predicted probability of completing',
            scale: { domain: [0, 1] },
          },
          y: {
            field: 'observed_rate',
            type: 'quantitative',
            title: 'Observed completion rate',
            scale: { domain: [0, 1] },
          },
          size: { field: 'count', type: 'quantitative', title: 'Snapshots', scale: { range: [30, 400] } },
        },
      },
    ],
  };
}
