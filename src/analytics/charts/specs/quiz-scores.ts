import type { TopLevelSpec } from 'vega-lite';
import { baseSpec, type ChartContext, noDataSpec, OUTCOME_COLORS } from '../theme.ts';

/** One row per 10-point score bin x outcome (queries/eda/eda_quiz_scores.sql). */
export interface QuizScoreRow {
  /** Lower edge of the bin: 0, 10, ..., 90 (100 falls in 90). */
  readonly score_bin: number;
  readonly outcome: string;
  readonly attempts: number;
}

export const QUIZ_SCORES_TITLE = 'Quiz score distribution by learner outcome';

export function quizScoresSpec(rows: readonly QuizScoreRow[], context: ChartContext): TopLevelSpec {
  if (rows.length === 0) return noDataSpec(QUIZ_SCORES_TITLE, context);
  return {
    ...baseSpec(QUIZ_SCORES_TITLE, context, 'Every kept quiz attempt, in 10-point bins'),
    data: { values: rows.map((r) => ({ ...r, score_end: r.score_bin + 10 })) },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: {
        field: 'score_bin',
        type: 'quantitative',
        title: 'Quiz score',
        bin: { binned: true, step: 10 },
        scale: { domain: [0, 100] },
      },
      x2: { field: 'score_end' },
      y: { field: 'attempts', type: 'quantitative', title: 'Quiz attempts', stack: 'zero' },
      color: { field: 'outcome', type: 'nominal', title: 'Outcome', scale: OUTCOME_COLORS },
    },
  };
}
