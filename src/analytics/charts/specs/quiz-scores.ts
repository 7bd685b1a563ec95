import type { TopLevelSpec } from 'vega-lite';
import { CHART_CONFIG, type ChartContext, chartTitle, noDataSpec, OKABE_ITO } from '../theme.ts';

/** One row per calendar week x 10-point score bin (queries/eda/eda_quiz_scores.sql). */
export interface QuizScoreRow {
  readonly week_start: string;
  /** Lower edge of the bin: 0, 10, ..., 90 (100 falls in 90). */
  readonly score_bin: number;
  readonly attempts: number;
  readonly score_sum: number;
}

export interface QuizScoreBin {
  readonly score_bin: number;
  readonly score_end: number;
  readonly attempts: number;
}

export interface QuizWeekMean {
  readonly week_start: string;
  readonly attempts: number;
  readonly mean_score: number;
}

export const QUIZ_SCORES_TITLE = 'Quiz scores: distribution and weekly mean';

/** Attempts per score bin over all weeks. */
export function quizScoreBins(rows: readonly QuizScoreRow[]): QuizScoreBin[] {
  const attempts = new Map<number, number>();
  for (const r of rows) attempts.set(r.score_bin, (attempts.get(r.score_bin) ?? 0) + r.attempts);
  return [...attempts]
    .sort(([a], [b]) => a - b)
    .map(([bin, n]) => ({ score_bin: bin, score_end: bin + 10, attempts: n }));
}

/** Mean score of each week's attempts (from sums, so every attempt weighs the same). */
export function weeklyQuizMeans(rows: readonly QuizScoreRow[]): QuizWeekMean[] {
  const weeks = new Map<string, { attempts: number; sum: number }>();
  for (const r of rows) {
    const week = weeks.get(r.week_start) ?? { attempts: 0, sum: 0 };
    weeks.set(r.week_start, { attempts: week.attempts + r.attempts, sum: week.sum + r.score_sum });
  }
  return [...weeks]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([week_start, w]) => ({ week_start, attempts: w.attempts, mean_score: w.sum / w.attempts }));
}

export function quizScoresSpec(rows: readonly QuizScoreRow[], context: ChartContext): TopLevelSpec {
  const bins = quizScoreBins(rows);
  if (bins.length === 0) return noDataSpec(QUIZ_SCORES_TITLE, context);
  const attempts = bins.reduce((sum, b) => sum + b.attempts, 0);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: chartTitle(
      QUIZ_SCORES_TITLE,
      context,
      `${attempts.toLocaleString('en-US')} scored quiz attempts · weeks start on Monday`,
    ),
    config: CHART_CONFIG,
    hconcat: [
      {
        width: 300,
        height: 260,
        data: { values: bins },
        mark: { type: 'bar', color: OKABE_ITO.blue, stroke: '#ffffff', strokeWidth: 1, tooltip: true },
        encoding: {
          x: {
            field: 'score_bin',
            type: 'quantitative',
            title: 'Quiz score (10-point bins)',
            bin: { binned: true, step: 10 },
            scale: { domain: [0, 100] },
          },
          x2: { field: 'score_end' },
          y: { field: 'attempts', type: 'quantitative', title: 'Quiz attempts' },
        },
      },
      {
        width: 320,
        height: 260,
        data: { values: weeklyQuizMeans(rows) },
        mark: {
          type: 'line',
          color: OKABE_ITO.vermillion,
          point: { filled: true, color: OKABE_ITO.vermillion },
          tooltip: true,
        },
        encoding: {
          x: { field: 'week_start', type: 'temporal', timeUnit: 'yearmonthdate', title: 'Week starting' },
          y: {
            field: 'mean_score',
            type: 'quantitative',
            title: 'Mean quiz score',
            scale: { domain: [0, 100] },
          },
        },
      },
    ],
  };
}
