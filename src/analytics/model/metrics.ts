/**
 * Evaluation metrics for a binary classifier, following scikit-learn's definitions so numbers can be
 * compared with a Python notebook, plus a grouped k-fold splitter. Pure functions: arrays in, plain
 * objects out.
 *
 * Binary metrics take the true labels and a `positiveLabel` (default 1); every other label counts as
 * negative. Scores and probabilities must be finite. Metrics that are undefined for the input (an AUC
 * with only one class present) throw a RangeError, as scikit-learn raises, rather than returning NaN.
 */

type Labels = ArrayLike<number>;
type Scores = ArrayLike<number>;

// ---------------------------------------------------------------------------------------------------------
// Ranking metrics

/**
 * Area under the ROC curve as the Mann-Whitney statistic: the probability that a random positive
 * scores above a random negative, ties counting one half (average ranks), as sklearn's roc_auc_score.
 */
export function rocAuc(yTrue: Labels, scores: Scores, positiveLabel = 1): number {
  const positive = toBinary(yTrue, scores, positiveLabel);
  const { positives, negatives } = classCounts(positive);
  requireBothClasses(positives, negatives, 'ROC AUC');
  const ranks = averageRanks(scores);
  let positiveRankSum = 0;
  for (let i = 0; i < positive.length; i++) if (positive[i]) positiveRankSum += ranks[i] as number;
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export interface RocCurve {
  fpr: number[];
  tpr: number[];
  /** Decreasing; the first is +Infinity (the point (0, 0)), as in sklearn >= 1.3. */
  thresholds: number[];
}

/** sklearn's roc_curve with drop_intermediate=False: one point per distinct score. */
export function rocCurve(yTrue: Labels, scores: Scores, positiveLabel = 1): RocCurve {
  const curve = cumulativeCounts(yTrue, scores, positiveLabel);
  const last = curve.tps.length - 1;
  const positives = curve.tps[last] ?? 0;
  const negatives = curve.fps[last] ?? 0;
  requireBothClasses(positives, negatives, 'ROC curve');
  return {
    fpr: [0, ...curve.fps.map((fp) => fp / negatives)],
    tpr: [0, ...curve.tps.map((tp) => tp / positives)],
    thresholds: [Number.POSITIVE_INFINITY, ...curve.thresholds],
  };
}

export interface PrCurve {
  /** Ends with 1, the conventional point at recall 0. */
  precision: number[];
  /** Decreasing; ends with 0. */
  recall: number[];
  /** Increasing; one fewer than precision and recall. */
  thresholds: number[];
}

/**
 * sklearn's precision_recall_curve (>= 1.1, which keeps thresholds past full recall). With no positive
 * labels recall is set to 1 throughout, as sklearn does (it warns).
 */
export function prCurve(yTrue: Labels, scores: Scores, positiveLabel = 1): PrCurve {
  const { tps, fps, thresholds } = cumulativeCounts(yTrue, scores, positiveLabel);
  const positives = tps[tps.length - 1] ?? 0;
  const precision = tps.map((tp, i) => {
    const predicted = tp + (fps[i] as number);
    return predicted === 0 ? 0 : tp / predicted;
  });
  const recall = tps.map((tp) => (positives === 0 ? 1 : tp / positives));
  return {
    precision: [...precision.reverse(), 1],
    recall: [...recall.reverse(), 0],
    thresholds: [...thresholds].reverse(),
  };
}

/** sklearn's average_precision_score: sum_n (R_n - R_{n-1}) P_n, without interpolation. */
export function averagePrecision(yTrue: Labels, scores: Scores, positiveLabel = 1): number {
  const { precision, recall } = prCurve(yTrue, scores, positiveLabel);
  let ap = 0;
  for (let i = 0; i + 1 < recall.length; i++) {
    ap += ((recall[i] as number) - (recall[i + 1] as number)) * (precision[i] as number);
  }
  return ap;
}

// ---------------------------------------------------------------------------------------------------------
// Probability metrics

/** Mean squared difference between the predicted probability and the 0/1 outcome. */
export function brierScore(yTrue: Labels, probabilities: Scores, positiveLabel = 1): number {
  const positive = toProbabilityTargets(yTrue, probabilities, positiveLabel);
  let sum = 0;
  for (let i = 0; i < positive.length; i++) {
    sum += ((probabilities[i] as number) - (positive[i] ? 1 : 0)) ** 2;
  }
  return sum / positive.length;
}

/** Mean negative log-likelihood; probabilities are clipped to [eps, 1 - eps] so a confident miss is finite. */
export function logLoss(yTrue: Labels, probabilities: Scores, positiveLabel = 1, eps = 1e-15): number {
  const positive = toProbabilityTargets(yTrue, probabilities, positiveLabel);
  let sum = 0;
  for (let i = 0; i < positive.length; i++) {
    const p = Math.min(Math.max(probabilities[i] as number, eps), 1 - eps);
    sum -= positive[i] ? Math.log(p) : Math.log1p(-p);
  }
  return sum / positive.length;
}

export interface CalibrationBin {
  bin: number;
  lower: number;
  upper: number;
  count: number;
  /** Mean predicted probability in the bin; null when the bin is empty. */
  mean_predicted: number | null;
  /** Fraction of positives in the bin; null when the bin is empty. */
  observed_rate: number | null;
}

/**
 * Reliability table over equal-width bins of [0, 1]. Bin i covers [i/bins, (i+1)/bins), the last bin
 * also includes 1 (numpy.histogram's convention). Empty bins are kept so tables line up across models.
 */
export function calibrationTable(
  yTrue: Labels,
  probabilities: Scores,
  bins = 10,
  positiveLabel = 1,
): CalibrationBin[] {
  if (!(Number.isInteger(bins) && bins >= 1))
    throw new RangeError(`bins must be a positive integer, got ${bins}`);
  const positive = toProbabilityTargets(yTrue, probabilities, positiveLabel);
  const edge = (i: number) => (i === bins ? 1 : i / bins);
  const counts = new Array<number>(bins).fill(0);
  const predictedSums = new Array<number>(bins).fill(0);
  const positiveCounts = new Array<number>(bins).fill(0);
  for (let i = 0; i < positive.length; i++) {
    const p = probabilities[i] as number;
    // floor(p * bins) can be one off next to an edge because of rounding; settle it against the edges
    // that are reported, so a probability always falls inside the bounds printed for its bin.
    let b = Math.min(Math.floor(p * bins), bins - 1);
    while (b > 0 && p < edge(b)) b--;
    while (b < bins - 1 && p >= edge(b + 1)) b++;
    counts[b] = (counts[b] as number) + 1;
    predictedSums[b] = (predictedSums[b] as number) + p;
    if (positive[i]) positiveCounts[b] = (positiveCounts[b] as number) + 1;
  }
  return counts.map((count, b) => ({
    bin: b,
    lower: edge(b),
    upper: edge(b + 1),
    count,
    mean_predicted: count === 0 ? null : (predictedSums[b] as number) / count,
    observed_rate: count === 0 ? null : (positiveCounts[b] as number) / count,
  }));
}

// ---------------------------------------------------------------------------------------------------------
// Thresholded metrics

export interface F1Threshold {
  threshold: number;
  f1: number;
  precision: number;
  recall: number;
}

/**
 * The score threshold maximising F1 of the positive class, predicting positive when score >= threshold,
 * searched over the distinct scores. Among equally good thresholds the highest (fewest alerts) wins.
 */
export function bestF1Threshold(yTrue: Labels, scores: Scores, positiveLabel = 1): F1Threshold {
  const { tps, fps, thresholds } = cumulativeCounts(yTrue, scores, positiveLabel);
  const positives = tps[tps.length - 1] ?? 0;
  if (positives === 0) throw new RangeError('F1 is undefined without positive labels');
  let best: F1Threshold | undefined;
  for (let i = 0; i < thresholds.length; i++) {
    const tp = tps[i] as number;
    const fp = fps[i] as number;
    const f1 = (2 * tp) / (2 * tp + fp + (positives - tp));
    if (best === undefined || f1 > best.f1) {
      best = { threshold: thresholds[i] as number, f1, precision: tp / (tp + fp), recall: tp / positives };
    }
  }
  return best as F1Threshold;
}

export interface ConfusionMatrix {
  /** Sorted labels; row i and column i of the matrix refer to labels[i]. */
  labels: number[];
  /** matrix[i][j] = number of rows with true label labels[i] predicted as labels[j] (sklearn's layout). */
  matrix: number[][];
}

export function confusionMatrix(yTrue: Labels, yPred: Labels, labels?: readonly number[]): ConfusionMatrix {
  requireSameLength(yTrue, yPred, 'yTrue', 'yPred');
  const used = labels ? [...labels] : uniqueSorted(yTrue, yPred);
  const position = new Map(used.map((label, i) => [label, i]));
  const matrix = used.map(() => new Array<number>(used.length).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const row = position.get(yTrue[i] as number);
    const column = position.get(yPred[i] as number);
    // Like sklearn, rows whose labels are not in an explicit `labels` list are left out.
    if (row === undefined || column === undefined) continue;
    const counts = matrix[row] as number[];
    counts[column] = (counts[column] as number) + 1;
  }
  return { labels: used, matrix };
}

export interface ClassMetrics {
  label: number;
  name: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface AverageMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ClassificationReport {
  classes: ClassMetrics[];
  accuracy: number;
  macroAvg: AverageMetrics;
  weightedAvg: AverageMetrics;
  /** Number of rows. */
  support: number;
}

/**
 * Per-class precision, recall and F1 plus accuracy and macro / support-weighted averages, like sklearn's
 * classification_report. A ratio with a zero denominator is reported as 0 (sklearn's zero_division
 * default, minus the warning). `labels` defaults to the sorted labels seen in either array and must include
 * every label seen, so that the accuracy row is exact; `targetNames` names them in that order.
 */
export function classificationReport(
  yTrue: Labels,
  yPred: Labels,
  targetNames?: readonly string[],
  labels?: readonly number[],
): ClassificationReport {
  requireSameLength(yTrue, yPred, 'yTrue', 'yPred');
  const used = labels ? [...labels] : uniqueSorted(yTrue, yPred);
  const missing = uniqueSorted(yTrue, yPred).filter((label) => !used.includes(label));
  if (missing.length > 0)
    throw new RangeError(`labels must include every observed label; missing ${missing}`);
  if (targetNames && targetNames.length !== used.length) {
    throw new RangeError(`${targetNames.length} target names for ${used.length} labels (${used.join(', ')})`);
  }
  const { matrix } = confusionMatrix(yTrue, yPred, used);
  const n = yTrue.length;
  const classes = used.map((label, i): ClassMetrics => {
    const tp = (matrix[i] as number[])[i] as number;
    const support = sum(matrix[i] as number[]);
    const predicted = sum(matrix.map((row) => row[i] as number));
    const precision = ratio(tp, predicted);
    const recall = ratio(tp, support);
    const f1 = ratio(2 * precision * recall, precision + recall);
    return { label, name: targetNames?.[i] ?? String(label), precision, recall, f1, support };
  });
  let correct = 0;
  for (let i = 0; i < n; i++) if (yTrue[i] === yPred[i]) correct++;
  return {
    classes,
    accuracy: ratio(correct, n),
    macroAvg: average(classes, () => 1, n),
    weightedAvg: average(classes, (c) => c.support, n),
    support: n,
  };
}

/**
 * Text layout of sklearn's classification_report (same widths, headings and trailing newline).
 * Numbers go through toFixed, which rounds exact binary ties up where Python rounds them to even, so
 * e.g. 0.125 prints 0.13 here and 0.12 in Python; other values print identically.
 */
export function formatClassificationReport(report: ClassificationReport, digits = 2): string {
  const headers = ['precision', 'recall', 'f1-score', 'support'];
  const lastHeading = 'weighted avg';
  const width = Math.max(...report.classes.map((c) => c.name.length), lastHeading.length, digits);
  const cell = (text: string) => ` ${text.padStart(9)}`;
  const number = (value: number) => cell(value.toFixed(digits));
  const row = (name: string, m: AverageMetrics) =>
    `${name.padStart(width)} ${number(m.precision)}${number(m.recall)}${number(m.f1)}${cell(String(m.support))}\n`;

  let text = `${''.padStart(width)} ${headers.map(cell).join('')}\n\n`;
  for (const c of report.classes) text += row(c.name, c);
  text += '\n';
  text += `${'accuracy'.padStart(width)} ${cell('')}${cell('')}${number(report.accuracy)}${cell(String(report.support))}\n`;
  text += row('macro avg', report.macroAvg);
  text += row(lastHeading, report.weightedAvg);
  return text;
}

// ---------------------------------------------------------------------------------------------------------
// Cross-validation

/**
 * Fold index (0..k-1) for each row such that all rows of a group share a fold.
 *
 * The distinct groups are sorted (so the split does not depend on row order), shuffled with a
 * mulberry32 PRNG seeded by `seed` (Fisher-Yates), then assigned greedily, in that order, to the fold
 * with the fewest rows so far (lowest index on ties). Fold sizes therefore differ by at most the size
 * of the largest group. Same groups + same seed = same folds.
 */
export function groupKFold(groups: readonly string[], k = 5, seed = 0): number[] {
  if (!(Number.isInteger(k) && k >= 2)) throw new RangeError(`k must be an integer >= 2, got ${k}`);
  const sizes = new Map<string, number>();
  for (const g of groups) sizes.set(g, (sizes.get(g) ?? 0) + 1);
  if (sizes.size < k) throw new RangeError(`cannot split ${sizes.size} groups into ${k} folds`);

  const order = [...sizes.keys()].sort();
  const random = mulberry32(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as string, order[i] as string];
  }

  const foldRows = new Array<number>(k).fill(0);
  const foldOf = new Map<string, number>();
  for (const g of order) {
    let lightest = 0;
    for (let f = 1; f < k; f++) if ((foldRows[f] as number) < (foldRows[lightest] as number)) lightest = f;
    foldOf.set(g, lightest);
    foldRows[lightest] = (foldRows[lightest] as number) + (sizes.get(g) as number);
  }
  return groups.map((g) => foldOf.get(g) as number);
}

/** Row indices outside and inside fold `f` of a fold assignment from groupKFold. */
export function splitFold(folds: readonly number[], f: number): { train: number[]; test: number[] } {
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < folds.length; i++) {
    if (folds[i] === f) test.push(i);
    else train.push(i);
  }
  return { train, test };
}

/** Small, fast, well-distributed 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

interface CumulativeCounts {
  /** True positives when predicting positive for score >= thresholds[i]. */
  tps: number[];
  fps: number[];
  /** Distinct scores, decreasing. */
  thresholds: number[];
}

/** sklearn's _binary_clf_curve: counts at each distinct score, highest first. */
function cumulativeCounts(yTrue: Labels, scores: Scores, positiveLabel: number): CumulativeCounts {
  const positive = toBinary(yTrue, scores, positiveLabel);
  const order = sortedIndices(scores, 'descending');
  const tps: number[] = [];
  const fps: number[] = [];
  const thresholds: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let r = 0; r < order.length; r++) {
    const i = order[r] as number;
    if (positive[i]) tp++;
    else fp++;
    const next = order[r + 1];
    if (next === undefined || scores[next] !== scores[i]) {
      tps.push(tp);
      fps.push(fp);
      thresholds.push(scores[i] as number);
    }
  }
  return { tps, fps, thresholds };
}

/** 1-based ranks, tied values sharing the mean of the ranks they span. */
function averageRanks(values: Scores): Float64Array {
  const order = sortedIndices(values, 'ascending');
  const ranks = new Float64Array(values.length);
  let start = 0;
  while (start < order.length) {
    let end = start + 1;
    const v = values[order[start] as number];
    while (end < order.length && values[order[end] as number] === v) end++;
    const rank = (start + 1 + end) / 2;
    for (let r = start; r < end; r++) ranks[order[r] as number] = rank;
    start = end;
  }
  return ranks;
}

/**
 * The indices of `values` (finite numbers, checked by every caller) in ascending or descending order
 * of value, equal values in ascending index order: the permutation of a comparator sort with the
 * index as tie-breaker, without a comparator call per comparison (500k scores: about 0.5 s with one,
 * a few tens of ms this way). A copy is sorted natively; each index then takes the next free slot of
 * its value's run, found by binary search (-0 and 0 share a run, as they compare equal).
 */
function sortedIndices(values: Scores, direction: 'ascending' | 'descending'): Uint32Array {
  const n = values.length;
  const sorted = new Float64Array(n);
  for (let i = 0; i < n; i++) sorted[i] = values[i] as number;
  sorted.sort();
  const taken = new Uint32Array(n);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    const first = searchSorted(sorted, v, 0, 'left');
    const start = direction === 'ascending' ? first : n - searchSorted(sorted, v, first, 'right');
    order[start + (taken[first] as number)] = i;
    taken[first] = (taken[first] as number) + 1;
  }
  return order;
}

/**
 * numpy's searchsorted on an ascending array, from `from`: the first index whose value is not below v
 * ('left') or above v ('right').
 */
function searchSorted(sorted: Float64Array, v: number, from: number, side: 'left' | 'right'): number {
  let lo = from;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const x = sorted[mid] as number;
    if (x < v || (side === 'right' && x === v)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** 1 where the label is the positive one, else 0 (a typed array: these run over every training row). */
function toBinary(yTrue: Labels, scores: Scores, positiveLabel: number): Uint8Array {
  requireSameLength(yTrue, scores, 'yTrue', 'scores');
  if (yTrue.length === 0) throw new RangeError('empty input');
  const positive = new Uint8Array(yTrue.length);
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i])) throw new RangeError(`score ${i} is not finite: ${scores[i]}`);
    positive[i] = yTrue[i] === positiveLabel ? 1 : 0;
  }
  return positive;
}

function toProbabilityTargets(yTrue: Labels, probabilities: Scores, positiveLabel: number): Uint8Array {
  const positive = toBinary(yTrue, probabilities, positiveLabel);
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i] as number;
    if (p < 0 || p > 1) throw new RangeError(`probability ${i} is outside [0, 1]: ${p}`);
  }
  return positive;
}

function classCounts(positive: Uint8Array) {
  let positives = 0;
  for (let i = 0; i < positive.length; i++) positives += positive[i] as number;
  return { positives, negatives: positive.length - positives };
}

function requireBothClasses(positives: number, negatives: number, what: string): void {
  if (positives === 0 || negatives === 0) {
    throw new RangeError(`${what} is undefined when only one class is present in yTrue`);
  }
}

function requireSameLength(a: ArrayLike<unknown>, b: ArrayLike<unknown>, nameA: string, nameB: string) {
  if (a.length !== b.length)
    throw new RangeError(`${nameA} has ${a.length} values but ${nameB} has ${b.length}`);
}

function uniqueSorted(...arrays: Labels[]): number[] {
  const seen = new Set<number>();
  for (const array of arrays) for (let i = 0; i < array.length; i++) seen.add(array[i] as number);
  return [...seen].sort((a, b) => a - b);
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function average(classes: readonly ClassMetrics[], weightOf: (c: ClassMetrics) => number, n: number) {
  const totalWeight = sum(classes.map(weightOf));
  const mean = (pick: (c: ClassMetrics) => number) =>
    ratio(sum(classes.map((c) => pick(c) * weightOf(c))), totalWeight);
  return {
    precision: mean((c) => c.precision),
    recall: mean((c) => c.recall),
    f1: mean((c) => c.f1),
    support: n,
  };
}
