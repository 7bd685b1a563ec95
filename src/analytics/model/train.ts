/**
 * Training and honest evaluation of the completion model: learner-grouped 5-fold cross-validation
 * (imputation, scaling and fit redone inside every fold), out-of-fold metrics, the at-risk threshold,
 * the quality gate, and the final fit on every row.
 */
import { createHash } from 'node:crypto';
import { allRows, buildMatrix, imputationMeans, MODEL_FEATURES, type SnapshotColumns } from './features.ts';
import {
  fitLogisticRegression,
  fitStandardScaler,
  predictProba,
  type StandardScaler,
  standardize,
} from './logreg.ts';
import {
  averagePrecision,
  bestF1Threshold,
  brierScore,
  type CalibrationBin,
  type ClassificationReport,
  type ConfusionMatrix,
  calibrationTable,
  classificationReport,
  confusionMatrix,
  formatClassificationReport,
  groupKFold,
  logLoss,
  prCurve,
  rocAuc,
  rocCurve,
  splitFold,
} from './metrics.ts';

export interface TrainingData {
  /** The learner of each row: cross-validation folds keep a learner's rows (all courses) together. */
  readonly userIds: string[];
  /** The course of each row (one enrolment = user + course); absent for learner-grain data. */
  readonly courseIds?: string[];
  readonly weekIndex: number[];
  /** 1 = completed, 0 = dropped. */
  readonly labels: number[];
  readonly columns: SnapshotColumns;
}

export interface TrainOptions {
  readonly C: number;
  readonly folds: number;
  readonly seed: number;
  readonly minClass: number;
  readonly minAuc: number;
  /** Context for the gate's message. */
  readonly asOf: string;
  readonly dataSpanDays: number;
  readonly dropoutDays: number;
}

export interface Coefficient {
  readonly feature: string;
  readonly coef: number;
  /** exp(coef): change in the odds of completing per standard deviation of the feature. */
  readonly oddsRatioPerSd: number;
  readonly mean: number;
  readonly std: number;
}

export interface Gate {
  readonly reliable: boolean;
  readonly reasons: string[];
}

export interface Evaluation {
  readonly folds: number;
  readonly cvAuc: number;
  readonly foldAucs: number[];
  readonly prAuc: number;
  readonly brier: number;
  readonly logLoss: number;
  /** At-risk threshold on risk = 1 - p, chosen to maximise F1 of the at-risk (dropped) class out of fold. */
  readonly threshold: number;
  readonly thresholdF1: number;
  readonly report: ClassificationReport;
  readonly reportText: string;
  readonly confusion: ConfusionMatrix;
  readonly calibration: CalibrationBin[];
  readonly aucByWeek: { weeks: string; rows: number; auc: number | null }[];
  readonly roc: { fpr: number[]; tpr: number[] };
  readonly pr: { precision: number[]; recall: number[] };
  /** Out-of-fold probabilities, row-aligned with the training data (for charts). */
  readonly oofProbabilities: number[];
}

export interface FittedModel {
  readonly features: string[];
  readonly imputation: Record<string, number>;
  readonly scaler: StandardScaler;
  readonly intercept: number;
  readonly coef: number[];
  readonly C: number;
  readonly iterations: number;
  readonly converged: boolean;
}

export interface TrainResult {
  readonly rows: number;
  readonly learners: { readonly completed: number; readonly dropped: number };
  readonly rowLabels: { readonly completed: number; readonly dropped: number };
  readonly baseRate: number;
  readonly fingerprint: string;
  readonly gate: Gate;
  readonly evaluation: Evaluation | null;
  readonly model: FittedModel | null;
  readonly coefficients: Coefficient[];
}

function subset<T>(values: ArrayLike<T>, rows: ArrayLike<number>): T[] {
  const out: T[] = new Array(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = values[rows[k] as number] as T;
  return out;
}

/** Imputation means, scaler and coefficients fitted on `rows` only. */
export function fitOnRows(data: TrainingData, rows: ArrayLike<number>, C: number): FittedModel {
  const imputation = imputationMeans(data.columns, rows);
  const matrix = buildMatrix(data.columns, rows, imputation);
  const scaler = fitStandardScaler(matrix);
  const fit = fitLogisticRegression(standardize(matrix, scaler), subset(data.labels, rows), { C });
  return {
    features: [...MODEL_FEATURES],
    imputation,
    scaler,
    intercept: fit.intercept,
    coef: fit.coef,
    C,
    iterations: fit.iterations,
    converged: fit.converged,
  };
}

/** P(completed) for `rows`, with the model's own imputation and scaling. */
export function predictRows(model: FittedModel, columns: SnapshotColumns, rows: ArrayLike<number>): number[] {
  const matrix = buildMatrix(columns, rows, model.imputation);
  return predictProba(model, standardize(matrix, model.scaler));
}

export function fingerprint(data: TrainingData): string {
  const hash = createHash('sha256');
  hash.update(MODEL_FEATURES.join(','));
  for (const row of buildMatrix(
    data.columns,
    allRows(data.labels.length),
    imputationMeans(data.columns, allRows(data.labels.length)),
  )) {
    hash.update(new Uint8Array(row.buffer));
  }
  hash.update(Int8Array.from(data.labels));
  hash.update(data.userIds.join('\n'));
  return hash.digest('hex').slice(0, 16);
}

function countLearners(data: TrainingData): { completed: number; dropped: number } {
  const completed = new Set<string>();
  const dropped = new Set<string>();
  data.labels.forEach((label, i) => {
    const course = data.courseIds?.[i];
    const key = course === undefined ? (data.userIds[i] as string) : `${data.userIds[i]}\t${course}`;
    (label === 1 ? completed : dropped).add(key);
  });
  return { completed: completed.size, dropped: dropped.size };
}

function weekBucket(week: number): string {
  return week >= 4 ? '4+' : String(week);
}

function safeAuc(labels: number[], scores: number[]): number | null {
  const positives = labels.reduce((a, b) => a + b, 0);
  return positives === 0 || positives === labels.length ? null : rocAuc(labels, scores);
}

function evaluate(data: TrainingData, options: TrainOptions): Evaluation {
  const n = data.labels.length;
  const folds = groupKFold(data.userIds, options.folds, options.seed);
  const oof = new Array<number>(n).fill(Number.NaN);
  const foldAucs: number[] = [];
  for (let f = 0; f < options.folds; f++) {
    const { train, test } = splitFold(folds, f);
    const model = fitOnRows(data, train, options.C);
    const probabilities = predictRows(model, data.columns, test);
    test.forEach((i, k) => {
      oof[i] = probabilities[k] as number;
    });
    const auc = safeAuc(subset(data.labels, test), probabilities);
    if (auc !== null) foldAucs.push(auc);
  }

  const labels = data.labels;
  const atRisk = labels.map((y) => 1 - y);
  const risk = oof.map((p) => 1 - p);
  const best = bestF1Threshold(atRisk, risk);
  const predicted = risk.map((r) => (r >= best.threshold ? 0 : 1));
  const report = classificationReport(labels, predicted, ['dropped', 'completed'], [0, 1]);
  const buckets = new Map<string, number[]>();
  data.weekIndex.forEach((w, i) => {
    const key = weekBucket(w);
    const rows = buckets.get(key);
    if (rows) rows.push(i);
    else buckets.set(key, [i]);
  });
  const roc = rocCurve(labels, oof);
  const pr = prCurve(labels, oof);
  return {
    folds: options.folds,
    cvAuc: rocAuc(labels, oof),
    foldAucs,
    prAuc: averagePrecision(labels, oof),
    brier: brierScore(labels, oof),
    logLoss: logLoss(labels, oof),
    threshold: best.threshold,
    thresholdF1: best.f1,
    report,
    reportText: formatClassificationReport(report),
    confusion: confusionMatrix(labels, predicted, [0, 1]),
    calibration: calibrationTable(labels, oof, 10),
    aucByWeek: ['1', '2', '3', '4+'].map((weeks) => {
      const rows = buckets.get(weeks) ?? [];
      return { weeks, rows: rows.length, auc: safeAuc(subset(labels, rows), subset(oof, rows)) };
    }),
    roc: thin(roc.fpr, roc.tpr, 'fpr', 'tpr'),
    pr: thin(pr.precision, pr.recall, 'precision', 'recall'),
    oofProbabilities: oof,
  };
}

/** Keeps at most ~200 points of a curve: enough to draw it, small enough for a JSON card. */
function thin<A extends string, B extends string>(a: number[], b: number[], nameA: A, nameB: B) {
  const step = Math.max(1, Math.ceil(a.length / 200));
  const keep = a.map((_, i) => i).filter((i) => i % step === 0 || i === a.length - 1);
  return { [nameA]: subset(a, keep), [nameB]: subset(b, keep) } as Record<A | B, number[]>;
}

export function trainCompletionModel(data: TrainingData, options: TrainOptions): TrainResult {
  const learners = countLearners(data);
  const completedRows = data.labels.reduce((a, b) => a + b, 0);
  const rowLabels = { completed: completedRows, dropped: data.labels.length - completedRows };
  const base = {
    rows: data.labels.length,
    learners,
    rowLabels,
    baseRate: data.labels.length > 0 ? completedRows / data.labels.length : 0,
    fingerprint: fingerprint(data),
  };
  const smallest = Math.min(learners.completed, learners.dropped);
  if (smallest < options.minClass) {
    const reasons = [
      `not enough data: ${learners.completed} completed and ${learners.dropped} dropped enrolments; at least ${options.minClass} of each are needed (LUMEN_MIN_CLASS).`,
    ];
    if (options.dataSpanDays < options.dropoutDays * 2) {
      reasons.push(
        `The export's complete weeks span ${options.dataSpanDays} days up to ${options.asOf}; a learner counts as dropped only after ${options.dropoutDays} days without activity, so most learners are still open.`,
      );
    }
    return { ...base, gate: { reliable: false, reasons }, evaluation: null, model: null, coefficients: [] };
  }

  const evaluation = evaluate(data, options);
  const model = fitOnRows(data, allRows(data.labels.length), options.C);
  const coefficients = model.features
    .map((feature, j) => ({
      feature,
      coef: model.coef[j] as number,
      oddsRatioPerSd: Math.exp(model.coef[j] as number),
      mean: model.scaler.mean[j] as number,
      std: model.scaler.std[j] as number,
    }))
    .sort((a, b) => Math.abs(b.coef) - Math.abs(a.coef));
  const reasons: string[] = [];
  if (evaluation.cvAuc < options.minAuc) {
    reasons.push(
      `cross-validated ROC AUC ${evaluation.cvAuc.toFixed(3)} is below ${options.minAuc} (LUMEN_MIN_AUC): the model ranks learners little better than chance.`,
    );
  }
  return { ...base, gate: { reliable: reasons.length === 0, reasons }, evaluation, model, coefficients };
}
