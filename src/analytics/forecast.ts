/**
 * Quiz-score forecast: a learner's final average quiz score predicted from their first two weeks,
 * by least squares on standardised features, evaluated with learner-grouped cross-validation against
 * the predict-the-training-mean baseline. Used only when it beats that baseline.
 */
import { Matrix, solve } from 'ml-matrix';
import { WEEKLY_FEATURES } from './features.ts';
import {
  allRows,
  buildMatrix,
  featureSpec,
  imputationMeans,
  type SnapshotColumns,
} from './model/features.ts';
import { fitStandardScaler, type StandardScaler, standardizeInPlace } from './model/logreg.ts';
import { groupKFold, splitFold } from './model/metrics.ts';

const AVERAGES = new Set(['avg_progress', 'avg_quiz_score']);

export const FORECAST_FEATURES = featureSpec(
  [1, 2].flatMap((week) =>
    WEEKLY_FEATURES.map((name) => ({ name: `w${week}_${name}`, imputed: AVERAGES.has(name) })),
  ),
);

export interface RegressionMetrics {
  readonly r2: number;
  readonly mae: number;
  readonly rmse: number;
}

export interface ForecastModel {
  readonly features: readonly string[];
  readonly imputation: Record<string, number>;
  readonly scaler: StandardScaler;
  readonly intercept: number;
  readonly coef: number[];
}

export interface ForecastResult {
  readonly learners: number;
  readonly cv: RegressionMetrics | null;
  readonly baseline: RegressionMetrics | null;
  readonly usable: boolean;
  readonly reason: string | null;
  readonly model: ForecastModel | null;
}

export function regressionMetrics(actual: number[], predicted: number[]): RegressionMetrics {
  const n = actual.length;
  const mean = actual.reduce((a, b) => a + b, 0) / n;
  let ssRes = 0;
  let ssTot = 0;
  let absolute = 0;
  for (let i = 0; i < n; i++) {
    const e = (actual[i] as number) - (predicted[i] as number);
    ssRes += e * e;
    absolute += Math.abs(e);
    ssTot += ((actual[i] as number) - mean) ** 2;
  }
  return { r2: ssTot > 0 ? 1 - ssRes / ssTot : 0, mae: absolute / n, rmse: Math.sqrt(ssRes / n) };
}

/** Ordinary least squares with an unpenalised intercept and a tiny ridge so collinear columns stay finite. */
function fitLinear(X: ReadonlyArray<ArrayLike<number>>, y: number[]): { intercept: number; coef: number[] } {
  const n = X.length;
  const p = X[0]?.length ?? 0;
  const design = new Matrix(n, p + 1);
  for (let i = 0; i < n; i++) {
    design.set(i, 0, 1);
    for (let j = 0; j < p; j++) design.set(i, j + 1, (X[i] as ArrayLike<number>)[j] as number);
  }
  const xtx = design.transpose().mmul(design);
  for (let j = 1; j <= p; j++) xtx.set(j, j, xtx.get(j, j) + 1e-6 * n);
  const xty = design.transpose().mmul(Matrix.columnVector(y));
  const beta = solve(xtx, xty).to1DArray();
  return { intercept: beta[0] as number, coef: beta.slice(1) };
}

function fitForecast(columns: SnapshotColumns, rows: ArrayLike<number>, target: number[]): ForecastModel {
  const imputation = imputationMeans(columns, rows, FORECAST_FEATURES);
  const matrix = buildMatrix(columns, rows, imputation, FORECAST_FEATURES);
  const scaler = fitStandardScaler(matrix);
  const y = Array.from(rows, (i) => target[i] as number);
  const fit = fitLinear(standardizeInPlace(matrix, scaler), y);
  return { features: FORECAST_FEATURES.features, imputation, scaler, ...fit };
}

export function predictForecast(
  model: ForecastModel,
  columns: SnapshotColumns,
  rows: ArrayLike<number>,
): number[] {
  const X = standardizeInPlace(buildMatrix(columns, rows, model.imputation, FORECAST_FEATURES), model.scaler);
  return X.map((x) => {
    const raw = x.reduce((sum, v, j) => sum + v * (model.coef[j] as number), model.intercept);
    return Math.min(100, Math.max(0, raw));
  });
}

/** Cross-validates and fits the forecast on learners whose final average is known. */
export function trainQuizForecast(
  userIds: string[],
  columns: SnapshotColumns,
  target: number[],
  options: { folds: number; seed: number; minLearners: number },
): ForecastResult {
  const n = userIds.length;
  if (n < Math.max(options.minLearners, options.folds * 2)) {
    return {
      learners: n,
      cv: null,
      baseline: null,
      usable: false,
      reason: `only ${n} learners with a finished outcome, two weeks of data and a quiz score; at least ${Math.max(options.minLearners, options.folds * 2)} are needed`,
      model: null,
    };
  }
  const folds = groupKFold(userIds, options.folds, options.seed);
  const predicted = new Array<number>(n);
  const baseline = new Array<number>(n);
  for (let f = 0; f < options.folds; f++) {
    const { train, test } = splitFold(folds, f);
    const model = fitForecast(columns, train, target);
    const mean = train.reduce((sum, i) => sum + (target[i] as number), 0) / train.length;
    predictForecast(model, columns, test).forEach((p, k) => {
      predicted[test[k] as number] = p;
      baseline[test[k] as number] = mean;
    });
  }
  const cv = regressionMetrics(target, predicted);
  const base = regressionMetrics(target, baseline);
  const usable = cv.rmse < base.rmse;
  return {
    learners: n,
    cv,
    baseline: base,
    usable,
    reason: usable
      ? null
      : `cross-validated RMSE ${cv.rmse.toFixed(2)} does not beat the predict-the-mean baseline (${base.rmse.toFixed(2)})`,
    model: usable ? fitForecast(columns, allRows(n), target) : null,
  };
}
