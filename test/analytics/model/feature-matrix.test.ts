/**
 * The feature matrix from snapshot columns: a missing average is filled with its column's mean over
 * the rows given and flagged in its indicator column, whether the column is an array of numbers or
 * null (tests, small inputs) or doubles with NaN for NULL (what the run reads from DuckDB).
 */
import { describe, expect, test } from 'vitest';
import { buildMatrix, featureSpec, imputationMeans } from '../../../src/analytics/model/features.ts';
import { featureValues } from '../../../src/analytics/snapshot-data.ts';

const spec = featureSpec([{ name: 'days_inactive_log' }, { name: 'cum_avg_quiz_score', imputed: true }]);

describe('buildMatrix', () => {
  test('NULL from DuckDB reads as NaN, and NaN and null are both missing', () => {
    const typed = featureValues([40, null, 80, undefined]);
    expect(Array.from(typed)).toEqual([40, Number.NaN, 80, Number.NaN]);
    const days = [0.5, 1.5, 2.5, 3.5];
    for (const quiz of [typed, [40, null, 80, null], [40, Number.NaN, 80, null]]) {
      const columns = { days_inactive_log: days, cum_avg_quiz_score: quiz };
      const rows = [0, 1, 2, 3];
      const means = imputationMeans(columns, rows, spec);
      // The mean of the two present scores, (40 + 80) / 2, fills the gaps; the indicator marks them.
      expect(means).toEqual({ days_inactive_log: 2, cum_avg_quiz_score: 60 });
      expect(buildMatrix(columns, rows, means, spec).map((row) => Array.from(row))).toEqual([
        [0.5, 40, 0],
        [1.5, 60, 1],
        [2.5, 80, 0],
        [3.5, 60, 1],
      ]);
    }
  });

  test('rows taken in the order given, each its own values', () => {
    const columns = { days_inactive_log: [1, 2, 3], cum_avg_quiz_score: featureValues([10, 20, null]) };
    const matrix = buildMatrix(columns, [2, 0], { days_inactive_log: 0, cum_avg_quiz_score: 15 }, spec);
    expect(matrix.map((row) => Array.from(row))).toEqual([
      [3, 15, 1],
      [1, 10, 0],
    ]);
    // Writing one row leaves the other as it was (rows are views of one buffer).
    (matrix[0] as Float64Array)[0] = 99;
    expect(Array.from(matrix[1] as Float64Array)).toEqual([1, 10, 0]);
  });
});
