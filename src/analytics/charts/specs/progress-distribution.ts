import type { TopLevelSpec } from 'vega-lite';
import { baseSpec, type ChartContext, noDataSpec, OKABE_ITO } from '../theme.ts';

/** One row per 10-point progress bin (queries/eda/eda_progress_distribution.sql). */
export interface ProgressBinRow {
  /** Lower edge of the bin: 0, 10, ..., 90 (100% falls in 90). */
  readonly progress_bin: number;
  readonly learner_modules: number;
}

export const PROGRESS_DISTRIBUTION_TITLE = 'How far learners get in a module: lesson progress';

export function progressDistributionSpec(
  rows: readonly ProgressBinRow[],
  context: ChartContext,
): TopLevelSpec {
  if (rows.length === 0) return noDataSpec(PROGRESS_DISTRIBUTION_TITLE, context);
  return {
    ...baseSpec(
      PROGRESS_DISTRIBUTION_TITLE,
      context,
      'Highest lesson progress each learner reached in each module they opened, 10-point bins',
    ),
    data: {
      values: rows.map((r) => ({
        progress_bin: r.progress_bin,
        progress_end: r.progress_bin + 10,
        learner_modules: r.learner_modules,
      })),
    },
    mark: { type: 'bar', color: OKABE_ITO.blue, stroke: '#ffffff', strokeWidth: 1, tooltip: true },
    encoding: {
      x: {
        field: 'progress_bin',
        type: 'quantitative',
        title: 'Lesson progress (%)',
        bin: { binned: true, step: 10 },
        scale: { domain: [0, 100] },
      },
      x2: { field: 'progress_end' },
      y: { field: 'learner_modules', type: 'quantitative', title: 'Learner-modules' },
    },
  };
}
