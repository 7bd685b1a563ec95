/**
 * Training and honest evaluation of the completion model: learner-grouped 5-fold cross-validation
 * (imputation, scaling and fit redone inside every fold), out-of-fold metrics, the at-risk threshold,
 * the quality gate, and the final fit on every row.
 */
import { createHash } from 'node:crypto';
import {
  allRows,
  buildMatrix,
  COMPLETION_FEATURES,
  DISENGAGEMENT_FEATURES,
  type FeatureSpec,
  featureSpec,
  imputationMeans,
  isMissing,
  SILENCE_FEATURES,
  type SnapshotColumns,
  specOf,
} from './features.ts';
import {
  fitLogisticRegression,
  fitStandardScaler,
  predictProba,
  type StandardScaler,
  sigmoid,
  standardizeInPlace,
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
  /** 1 = the good outcome of the target (completed; active again), 0 = the concern. */
  readonly labels: number[];
  readonly columns: SnapshotColumns;
  /** The features to fit (default: every one); trainCompletionModel narrows it (selectFeatures). */
  readonly spec?: FeatureSpec;
}

/**
 * What a model predicts. completion: the enrolment completes (known outcomes: earlier cohorts, the
 * enrolments file). disengagement: the learner is active in the course again within the horizon
 * after the snapshot's week (learnable inside one running cohort, before anybody completes).
 */
export type ModelTarget = 'completion' | 'disengagement';

export const TARGET_WORDS: Record<ModelTarget, { good: string; bad: string; label: string }> = {
  completion: { good: 'completed', bad: 'dropped', label: 'does not complete the course' },
  disengagement: {
    good: 'active again',
    bad: 'went quiet or scored low',
    label:
      "no activity in the course in the coming weeks, or quiz scores in them below the course's lower quartile",
  },
};

/** A feature left out of the fit, and why. */
export interface DroppedFeature {
  readonly feature: string;
  readonly reason: string;
}

/** Platt scaling fitted on the out-of-fold predictions: P = sigmoid(slope * logit(p) + intercept). */
export interface Calibration {
  readonly slope: number;
  readonly intercept: number;
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

/** Set on a result whose list is ranked by days since the last activity alone (SILENCE_FEATURES). */
export interface SilenceOnly {
  /** The full model's cross-validated ROC AUC, which did not beat the baseline. */
  readonly modelAuc: number;
  /** The baseline's ROC AUC on the same rows. */
  readonly baselineAuc: number;
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
  readonly aucByWeek: { weeks: string; rows: number; auc: number | null; baselineAuc: number | null }[];
  /**
   * The same rows ranked by days since the last activity alone (the simplest early warning there is):
   * the model is worth its list only when it ranks better. Null without that column.
   */
  readonly baselineAuc: number | null;
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
  readonly target: ModelTarget;
  /** Why this target ranks the list (set by the caller that chose between targets). */
  readonly targetNote?: string;
  /** The disengagement target's horizon in days (no activity in the next N days). */
  readonly horizonDays?: number;
  /** Constant or (nearly) collinear features on the training rows, left out of the fit. */
  readonly droppedFeatures: DroppedFeature[];
  /** Platt scaling of the model's probabilities (null without an evaluation). */
  readonly calibration: Calibration | null;
  /** Out-of-fold calibration table after Platt scaling. */
  readonly calibratedBins: CalibrationBin[] | null;
  readonly rows: number;
  readonly learners: { readonly completed: number; readonly dropped: number };
  readonly rowLabels: { readonly completed: number; readonly dropped: number };
  readonly baseRate: number;
  readonly fingerprint: string;
  readonly gate: Gate;
  readonly evaluation: Evaluation | null;
  readonly model: FittedModel | null;
  readonly coefficients: Coefficient[];
  /** What the model learnt from: its courses, enrolments and learners. */
  readonly trainedOn: TrainedOn;
  /**
   * The risk of an enrolment not started yet, when the model learnt from started ones only: the share
   * of not-started training rows whose outcome was the concern (an observed frequency).
   */
  readonly neverActive?: NeverActiveRisk | null;
  /** Set when the fit learnt from a sample of the training rows (LUMEN_MAX_TRAINING_ROWS). */
  readonly sample?: TrainingSample | null;
  /** Set when the full model was no better than the baseline, so this fit is the baseline's order. */
  readonly silenceOnly?: SilenceOnly | null;
}

/** How the rows of a fit were sampled when there were more than LUMEN_MAX_TRAINING_ROWS. */
export interface TrainingSample {
  /** Enrolment-weeks before sampling. */
  readonly rows: number;
  /** Enrolment-weeks kept (all rows of the kept learners). */
  readonly keptRows: number;
  /** The share of learners kept (by a hash of the learner id). */
  readonly learnerShare: number;
}

export interface TrainedOn {
  /** Course ids of the training rows, sorted (empty for learner-grain data). */
  readonly courses: string[];
  readonly enrolments: number;
  readonly learners: number;
}

export function trainedOn(data: TrainingData): TrainedOn {
  const enrolments = new Set(data.userIds.map((u, i) => `${u}\t${data.courseIds?.[i] ?? ''}`));
  return {
    courses: [...new Set(data.courseIds ?? [])].sort(),
    enrolments: enrolments.size,
    learners: new Set(data.userIds).size,
  };
}

export interface NeverActiveRisk {
  readonly risk: number;
  readonly rows: number;
  readonly concern: number;
}

/**
 * Splits off the rows of enrolments that had not started by their week (never_active = 1). The weeks
 * before a cohort starts are quiet for everyone, and a model fitted on them learns that silence is
 * followed by activity (measured: a single cohort with its enrolments file ranked the final outcome at
 * AUC 0.46 in week 8 with them; among started learners 0.40 with them, 0.72 without). The not-started
 * rows give their own risk instead: the share of them with the concern.
 */
export function splitNeverActive(data: TrainingData): {
  started: TrainingData;
  neverActive: NeverActiveRisk | null;
} {
  const flag = data.columns.never_active;
  const started: number[] = [];
  let rows = 0;
  let concern = 0;
  for (let i = 0; i < data.labels.length; i++) {
    if (flag?.[i] !== 1) started.push(i);
    else {
      rows++;
      if (data.labels[i] === 0) concern++;
    }
  }
  if (rows === 0) return { started: data, neverActive: null };
  const columns: SnapshotColumns = {};
  for (const [name, values] of Object.entries(data.columns)) columns[name] = subset(values, started);
  return {
    started: {
      userIds: subset(data.userIds, started),
      courseIds: data.courseIds ? subset(data.courseIds, started) : undefined,
      weekIndex: subset(data.weekIndex, started),
      labels: subset(data.labels, started),
      columns,
      spec: data.spec,
    },
    neverActive: { risk: concern / rows, rows, concern },
  };
}

function subset<T>(values: ArrayLike<T>, rows: ArrayLike<number>): T[] {
  const out: T[] = new Array(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = values[rows[k] as number] as T;
  return out;
}

/** Imputation means, scaler and coefficients fitted on `rows` only. */
export function fitOnRows(data: TrainingData, rows: ArrayLike<number>, C: number): FittedModel {
  const spec = data.spec ?? COMPLETION_FEATURES;
  const imputation = imputationMeans(data.columns, rows, spec);
  const matrix = buildMatrix(data.columns, rows, imputation, spec);
  const scaler = fitStandardScaler(matrix);
  const fit = fitLogisticRegression(standardizeInPlace(matrix, scaler), subset(data.labels, rows), { C });
  return {
    features: [...spec.features],
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
  const matrix = buildMatrix(columns, rows, model.imputation, specOf(model.features));
  return predictProba(model, standardizeInPlace(matrix, model.scaler));
}

export function fingerprint(data: TrainingData): string {
  const hash = createHash('sha256');
  const spec = data.spec ?? COMPLETION_FEATURES;
  hash.update(spec.features.join(','));
  const matrix = buildMatrix(
    data.columns,
    allRows(data.labels.length),
    imputationMeans(data.columns, allRows(data.labels.length), spec),
    spec,
  );
  // The rows are consecutive views of one buffer: hashing it whole hashes the same bytes in the same
  // order as row by row, without half a million small updates.
  const first = matrix[0];
  if (first !== undefined)
    hash.update(new Uint8Array(first.buffer, first.byteOffset, matrix.length * first.length * 8));
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

function evaluate(data: TrainingData, options: TrainOptions, target: ModelTarget): Evaluation {
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
  const report = classificationReport(
    labels,
    predicted,
    [TARGET_WORDS[target].bad, TARGET_WORDS[target].good],
    [0, 1],
  );
  const buckets = new Map<string, number[]>();
  data.weekIndex.forEach((w, i) => {
    const key = weekBucket(w);
    const rows = buckets.get(key);
    if (rows) rows.push(i);
    else buckets.set(key, [i]);
  });
  const roc = rocCurve(labels, oof);
  const pr = prCurve(labels, oof);
  // Longer silence, less likely to end well: the baseline's P(good) falls with days inactive.
  const silence = data.columns.days_inactive_log;
  const baseline = silence
    ? Array.from({ length: n }, (_, i) => {
        const days = silence[i];
        return isMissing(days) ? 0 : -(days as number);
      })
    : null;
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
      return {
        weeks,
        rows: rows.length,
        auc: safeAuc(subset(labels, rows), subset(oof, rows)),
        baselineAuc: baseline ? safeAuc(subset(labels, rows), subset(baseline, rows)) : null,
      };
    }),
    baselineAuc: baseline ? safeAuc(labels, baseline) : null,
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

/** Pearson correlation of two equally long columns (0 when either is constant). */
function correlation(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] as number;
    mb += b[i] as number;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = (a[i] as number) - ma;
    const db = (b[i] as number) - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

/** |r| at or above which the later of two features is dropped as a near-copy of the earlier. */
export const COLLINEAR_R = 0.98;

/**
 * The features the training rows can support: every matrix column of `full` (the target's) except
 * constant ones (a missing-value indicator that never fires, a feature with one value) and those
 * (nearly) collinear with an earlier feature (|r| >= COLLINEAR_R; e.g. two counts that are equal on an
 * export with dates only). A twin would share the weight with a flipped sign and word a reason
 * backwards. Detected on the whole training matrix, before any fold.
 */
export function selectFeatures(
  data: TrainingData,
  full: FeatureSpec = COMPLETION_FEATURES,
): { spec: FeatureSpec; dropped: DroppedFeature[] } {
  const rows = allRows(data.labels.length);
  const matrix = buildMatrix(data.columns, rows, imputationMeans(data.columns, rows, full), full);
  const columnOf = (j: number) => Float64Array.from(matrix, (x) => x[j] as number);
  const dropped: DroppedFeature[] = [];
  const kept: { name: string; values: Float64Array }[] = [];
  full.features.forEach((feature, j) => {
    const source = feature.endsWith('_missing') ? feature.slice(0, -8) : feature;
    if (!data.columns[source]) {
      dropped.push({ feature, reason: 'not in the training data' });
      return;
    }
    const values = columnOf(j);
    const first = values[0] ?? 0;
    if (values.every((v) => v === first)) {
      dropped.push({ feature, reason: `constant on the training rows (always ${first})` });
      return;
    }
    for (const earlier of kept) {
      const r = correlation(earlier.values, values);
      if (Math.abs(r) >= COLLINEAR_R) {
        dropped.push({ feature, reason: `collinear with ${earlier.name} (r = ${r.toFixed(3)})` });
        return;
      }
    }
    kept.push({ name: feature, values });
  });
  const names = new Set(kept.map((k) => k.name));
  const spec = featureSpec(
    full.columns.filter((c) => names.has(c)).map((name) => ({ name, imputed: names.has(`${name}_missing`) })),
  );
  return { spec, dropped };
}

const logit = (p: number) => {
  const q = Math.min(Math.max(p, 1e-9), 1 - 1e-9);
  return Math.log(q / (1 - q));
};

/** Platt scaling: a one-feature logistic regression of the labels on logit(out-of-fold p). */
export function fitCalibration(labels: number[], oof: number[]): Calibration {
  const fit = fitLogisticRegression(
    oof.map((p) => [logit(p)]),
    labels,
    { C: 1e6 },
  );
  return { slope: fit.coef[0] as number, intercept: fit.intercept };
}

export function calibrate(calibration: Calibration | null | undefined, p: number): number {
  return calibration ? sigmoid(calibration.slope * logit(p) + calibration.intercept) : p;
}

export function trainCompletionModel(
  rawData: TrainingData,
  options: TrainOptions & { readonly target?: ModelTarget },
): TrainResult {
  const full = fitTarget(rawData, options, false);
  const evaluation = full.evaluation;
  const baselineAuc = evaluation?.baselineAuc ?? null;
  if (full.gate.reliable || !evaluation || baselineAuc === null || baselineAuc < options.minAuc) return full;
  // The full model did not beat days since the last activity, which itself ranks well enough: the
  // list is that order (what staff would get by sorting on it), with calibrated risk, and says so.
  const silence = fitTarget(rawData, options, true);
  if (!silence.gate.reliable) return full;
  return { ...silence, silenceOnly: { modelAuc: evaluation.cvAuc, baselineAuc } };
}

function fitTarget(
  rawData: TrainingData,
  options: TrainOptions & { readonly target?: ModelTarget },
  silenceOnly: boolean,
): TrainResult {
  const target = options.target ?? 'completion';
  const words = TARGET_WORDS[target];
  const candidates = silenceOnly
    ? SILENCE_FEATURES
    : target === 'disengagement'
      ? DISENGAGEMENT_FEATURES
      : COMPLETION_FEATURES;
  const selection =
    rawData.labels.length > 0 ? selectFeatures(rawData, candidates) : { spec: candidates, dropped: [] };
  const data: TrainingData = { ...rawData, spec: selection.spec };
  const learners = countLearners(data);
  const completedRows = data.labels.reduce((a, b) => a + b, 0);
  const rowLabels = { completed: completedRows, dropped: data.labels.length - completedRows };
  const base = {
    target,
    droppedFeatures: selection.dropped,
    calibration: null,
    calibratedBins: null,
    rows: data.labels.length,
    learners,
    rowLabels,
    baseRate: data.labels.length > 0 ? completedRows / data.labels.length : 0,
    fingerprint: fingerprint(data),
    trainedOn: trainedOn(data),
  };
  const smallest = Math.min(learners.completed, learners.dropped);
  if (smallest < options.minClass) {
    const reasons = [
      `not enough data: ${learners.completed} ${words.good} and ${learners.dropped} ${words.bad} enrolments; at least ${options.minClass} of each are needed (LUMEN_MIN_CLASS).`,
    ];
    if (target === 'completion' && options.dataSpanDays < options.dropoutDays * 2) {
      reasons.push(
        `The export's complete weeks span ${options.dataSpanDays} days up to ${options.asOf}; a learner counts as dropped only after ${options.dropoutDays} days without activity, so most learners are still open.`,
      );
    }
    return { ...base, gate: { reliable: false, reasons }, evaluation: null, model: null, coefficients: [] };
  }

  const evaluation = evaluate(data, options, target);
  const calibration = fitCalibration(data.labels, evaluation.oofProbabilities);
  const calibratedBins = calibrationTable(
    data.labels,
    evaluation.oofProbabilities.map((p) => calibrate(calibration, p)),
    10,
  );
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
  if (!silenceOnly && evaluation.baselineAuc !== null && evaluation.cvAuc <= evaluation.baselineAuc) {
    // A list is worth publishing only when it beats what staff can do by hand: sort by silence.
    reasons.push(
      `cross-validated ROC AUC ${evaluation.cvAuc.toFixed(3)} is no better than days since the last activity alone (${evaluation.baselineAuc.toFixed(3)}): sorting the learners by their last activity would do as well.`,
    );
  }
  return {
    ...base,
    calibration,
    calibratedBins,
    gate: { reliable: reasons.length === 0, reasons },
    evaluation,
    model,
    coefficients,
  };
}
