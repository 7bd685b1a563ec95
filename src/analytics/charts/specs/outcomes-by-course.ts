import type { TopLevelSpec } from 'vega-lite';
import { baseSpec, type ChartContext, noDataSpec, OUTCOME_COLORS } from '../theme.ts';

/** One row per course x outcome (queries/eda/eda_outcomes_by_course.sql). */
export interface OutcomesByCourseRow {
  readonly course_name: string;
  readonly outcome: string;
  readonly learners: number;
}

export const OUTCOMES_BY_COURSE_TITLE = 'Learner outcomes by course';

export function outcomesByCourseSpec(
  rows: readonly OutcomesByCourseRow[],
  context: ChartContext,
): TopLevelSpec {
  if (rows.length === 0) return noDataSpec(OUTCOMES_BY_COURSE_TITLE, context);
  return {
    ...baseSpec(OUTCOMES_BY_COURSE_TITLE, context, 'A learner counts in every course they have activity in'),
    data: { values: [...rows] },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      y: {
        field: 'course_name',
        type: 'nominal',
        title: 'Course',
        sort: 'ascending',
        axis: { labelLimit: 300 },
      },
      x: { field: 'learners', type: 'quantitative', title: 'Learners', stack: 'zero' },
      color: { field: 'outcome', type: 'nominal', title: 'Outcome', scale: OUTCOME_COLORS },
      order: { field: 'outcome', sort: 'ascending' },
    },
  };
}
