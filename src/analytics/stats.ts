/**
 * Two-sample and association tests for comparing learners who complete with those who drop out.
 *
 * Distribution functions (t and normal CDFs, the incomplete gamma for the chi-square tail) and Welch's
 * test come from @stdlib; the other test statistics are written out here following scipy.stats' defaults
 * so results can be checked in Python:
 *   - mannWhitneyU = mannwhitneyu(a, b, method='asymptotic')  (tie correction, continuity correction)
 *   - chiSquareIndependence = chi2_contingency(table)          (Yates' correction when df = 1)
 *   - pearson / spearman = pearsonr / spearmanr               (p from Student's t with n - 2 df)
 *
 * All tests are two-sided. Input that makes a test undefined (too few observations, zero variance,
 * non-finite values, empty rows or columns) does not throw: the result carries `pValue: null`, null for
 * each statistic that cannot be computed, and a `reason`. No result ever contains NaN.
 */
import gammainc from '@stdlib/math-base-special-gammainc';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import ranks from '@stdlib/stats-ranks';
import ttest2 from '@stdlib/stats-ttest2';

type Sample = readonly number[];

export interface WelchTTestResult {
  t: number | null;
  df: number | null;
  pValue: number | null;
  meanA: number | null;
  meanB: number | null;
  /** (meanA - meanB) / pooled standard deviation (n - 1 weighting). */
  cohensD: number | null;
  reason?: string;
}

export interface MannWhitneyResult {
  /** U statistic of sample a: the number of (a, b) pairs with a > b, ties counting one half. */
  u: number | null;
  pValue: number | null;
  /** 2 U / (nA nB) - 1 = P(a > b) - P(a < b); positive when a tends to be larger. */
  rankBiserial: number | null;
  reason?: string;
}

export interface ChiSquareResult {
  /** Statistic used for the p-value: Yates-corrected when df = 1, as scipy's default. */
  chi2: number | null;
  df: number | null;
  pValue: number | null;
  /** Cramér's V from the uncorrected statistic, as scipy.stats.contingency.association. */
  cramersV: number | null;
  reason?: string;
}

export interface CorrelationResult {
  r: number | null;
  pValue: number | null;
  n: number;
  reason?: string;
}

export type CorrelationMethod = 'pearson' | 'spearman';

export interface CorrelationMatrix {
  names: string[];
  /** matrix[i][j] correlates names[i] with names[j]; symmetric. */
  matrix: CorrelationResult[][];
}

// ---------------------------------------------------------------------------------------------------------
// Two samples

/** Welch's unequal-variance t-test (scipy's ttest_ind(a, b, equal_var=False)). */
export function welchTTest(a: Sample, b: Sample): WelchTTestResult {
  const meanA = a.length > 0 && allFinite(a) ? mean(a) : null;
  const meanB = b.length > 0 && allFinite(b) ? mean(b) : null;
  const undefinedTest = (reason: string): WelchTTestResult => ({
    t: null,
    df: null,
    pValue: null,
    meanA,
    meanB,
    cohensD: null,
    reason,
  });
  if (!allFinite(a) || !allFinite(b)) return undefinedTest('samples contain non-finite values');
  if (a.length < 2 || b.length < 2) return undefinedTest('each sample needs at least 2 observations');
  const varianceA = sampleVariance(a);
  const varianceB = sampleVariance(b);
  if (varianceA === 0 && varianceB === 0) return undefinedTest('both samples have zero variance');

  const result = ttest2(Float64Array.from(a), Float64Array.from(b), { variance: 'unequal' });
  const pooledSd = Math.sqrt(
    ((a.length - 1) * varianceA + (b.length - 1) * varianceB) / (a.length + b.length - 2),
  );
  return {
    t: result.statistic,
    df: result.df,
    pValue: result.pValue,
    meanA,
    meanB,
    cohensD: ((meanA as number) - (meanB as number)) / pooledSd,
  };
}

/**
 * Mann-Whitney U test with the normal approximation, tie correction and continuity correction
 * (scipy's mannwhitneyu(a, b, method='asymptotic')). scipy's default 'auto' would use the exact
 * distribution for small samples without ties; the asymptotic form is what matters at our sample sizes.
 */
export function mannWhitneyU(a: Sample, b: Sample): MannWhitneyResult {
  const undefinedTest = (reason: string, u: number | null = null, rankBiserial: number | null = null) => ({
    u,
    pValue: null,
    rankBiserial,
    reason,
  });
  if (!allFinite(a) || !allFinite(b)) return undefinedTest('samples contain non-finite values');
  if (a.length === 0 || b.length === 0) return undefinedTest('each sample needs at least 1 observation');

  const nA = a.length;
  const nB = b.length;
  const n = nA + nB;
  const pooled = [...a, ...b];
  const pooledRanks = averageRanks(pooled);
  let rankSumA = 0;
  for (let i = 0; i < nA; i++) rankSumA += pooledRanks[i] as number;
  const u = rankSumA - (nA * (nA + 1)) / 2;
  const rankBiserial = (2 * u) / (nA * nB) - 1;

  const tieTerm = tieGroupSizes(pooled).reduce((sum, t) => sum + (t * t * t - t), 0);
  const variance = ((nA * nB) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (!(variance > 0)) return undefinedTest('all observations are tied', u, rankBiserial);

  // scipy takes the larger of U_a and U_b and subtracts the 0.5 continuity correction towards the mean.
  const uLarger = Math.max(u, nA * nB - u);
  const z = (uLarger - (nA * nB) / 2 - 0.5) / Math.sqrt(variance);
  return { u, pValue: Math.min(1, 2 * normalCdf(-z, 0, 1)), rankBiserial };
}

// ---------------------------------------------------------------------------------------------------------
// Contingency tables

/**
 * Pearson's chi-square test of independence on an r x c table of counts (scipy's chi2_contingency with
 * its default correction=True): when df = 1 (a 2 x 2 table) Yates' continuity correction moves each
 * observed count up to 0.5 towards its expected count; larger tables are not corrected.
 */
export function chiSquareIndependence(table: readonly (readonly number[])[]): ChiSquareResult {
  const undefinedTest = (reason: string): ChiSquareResult => ({
    chi2: null,
    df: null,
    pValue: null,
    cramersV: null,
    reason,
  });
  const rows = table.length;
  const columns = table[0]?.length ?? 0;
  if (rows < 2 || columns < 2) return undefinedTest('the table needs at least 2 rows and 2 columns');
  if (table.some((row) => row.length !== columns)) return undefinedTest('rows have different lengths');
  if (table.some((row) => row.some((count) => !(Number.isFinite(count) && count >= 0)))) {
    return undefinedTest('counts must be finite and non-negative');
  }
  const rowTotals = table.map((row) => sum(row));
  const columnTotals = Array.from({ length: columns }, (_, j) => sum(table.map((row) => row[j] as number)));
  const total = sum(rowTotals);
  if (rowTotals.some((t) => t === 0) || columnTotals.some((t) => t === 0)) {
    return undefinedTest('a row or column total is zero, so an expected count is zero');
  }

  const df = (rows - 1) * (columns - 1);
  let uncorrected = 0;
  let corrected = 0;
  table.forEach((row, i) => {
    row.forEach((observed, j) => {
      const expected = ((rowTotals[i] as number) * (columnTotals[j] as number)) / total;
      const difference = Math.abs(observed - expected);
      uncorrected += (difference * difference) / expected;
      const shrunk = difference - Math.min(0.5, difference);
      corrected += (shrunk * shrunk) / expected;
    });
  });
  const chi2 = df === 1 ? corrected : uncorrected;
  return {
    chi2,
    df,
    pValue: chiSquareSurvival(chi2, df),
    cramersV: Math.sqrt(uncorrected / (total * (Math.min(rows, columns) - 1))),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Correlation

/** Pearson's r with the two-sided p-value of H0: rho = 0 from Student's t with n - 2 df (scipy's pearsonr). */
export function pearson(x: Sample, y: Sample): CorrelationResult {
  const problem = pairedSampleProblem(x, y);
  if (problem) return { r: null, pValue: null, n: x.length, reason: problem };
  const r = pearsonR(x, y);
  if (r === null) return { r: null, pValue: null, n: x.length, reason: 'a variable has zero variance' };
  return { r, pValue: correlationPValue(r, x.length), n: x.length };
}

/** Spearman's rho: Pearson's r of average ranks, p-value as scipy's spearmanr (t with n - 2 df). */
export function spearman(x: Sample, y: Sample): CorrelationResult {
  const problem = pairedSampleProblem(x, y);
  if (problem) return { r: null, pValue: null, n: x.length, reason: problem };
  return pearson(averageRanks(x), averageRanks(y));
}

/** Pairwise correlations of equally long columns; the diagonal is each column with itself. */
export function correlationMatrix(
  columns: Readonly<Record<string, Sample>>,
  method: CorrelationMethod = 'pearson',
): CorrelationMatrix {
  const names = Object.keys(columns);
  const lengths = new Set(names.map((name) => (columns[name] as Sample).length));
  if (lengths.size > 1)
    throw new RangeError(`columns must have equal lengths, got ${[...lengths].join(', ')}`);
  // Spearman is Pearson on average ranks: rank each column once, not once per pair.
  const prepared: Record<string, Sample> = {};
  for (const name of names) {
    const column = columns[name] as Sample;
    prepared[name] = method === 'spearman' && allFinite(column) ? averageRanks(column) : column;
  }
  const correlate = method === 'spearman' ? (x: Sample, y: Sample) => rankedSpearman(x, y) : pearson;
  const matrix: CorrelationResult[][] = names.map(() => []);
  names.forEach((a, i) => {
    for (let j = i; j < names.length; j++) {
      const result = correlate(prepared[a] as Sample, prepared[names[j] as string] as Sample);
      (matrix[i] as CorrelationResult[])[j] = result;
      (matrix[j] as CorrelationResult[])[i] = result;
    }
  });
  return { names, matrix };
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

/**
 * Average ranks (ties share their mean rank) of finite values. `missing: 'remove'` matters for speed:
 * with its default ('last') @stdlib/stats-ranks rebuilds the output with Array#shift, which is
 * quadratic; 700k values (the 1M-learner benchmark) did not finish in 20 minutes. Callers check that
 * every value is finite, so nothing is removed.
 */
function averageRanks(values: Sample): number[] {
  return ranks(values, { method: 'average', missing: 'remove' }) as number[];
}

/** spearman() for columns that are already ranks (non-finite input was left unranked and is reported). */
function rankedSpearman(x: Sample, y: Sample): CorrelationResult {
  const problem = pairedSampleProblem(x, y);
  if (problem) return { r: null, pValue: null, n: x.length, reason: problem };
  return pearson(x, y);
}

function pairedSampleProblem(x: Sample, y: Sample): string | null {
  if (x.length !== y.length) return `x has ${x.length} values but y has ${y.length}`;
  if (!allFinite(x) || !allFinite(y)) return 'samples contain non-finite values';
  if (x.length < 3) return 'needs at least 3 paired observations';
  return null;
}

/** Null when either variable is constant. Clamped to [-1, 1] against rounding. */
function pearsonR(x: Sample, y: Sample): number | null {
  const meanX = mean(x);
  const meanY = mean(y);
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < x.length; i++) {
    const dx = (x[i] as number) - meanX;
    const dy = (y[i] as number) - meanY;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

function correlationPValue(r: number, n: number): number {
  const df = n - 2;
  if (Math.abs(r) === 1) return 0;
  const t = r * Math.sqrt(df / ((1 - r) * (1 + r)));
  // 2 F(-|t|) rather than 2 (1 - F(|t|)): keeps precision for very small p-values.
  return Math.min(1, 2 * tCdf(-Math.abs(t), df));
}

/**
 * P(X >= chi2) for X ~ chi-square(df) = Gamma(df/2, scale 2): the regularized upper incomplete gamma
 * Q(df/2, chi2/2). Taken from the upper branch directly instead of 1 - CDF so that p-values far below
 * 1e-16 (routine with thousands of learners) keep their magnitude instead of rounding to 0.
 */
function chiSquareSurvival(chi2: number, df: number): number {
  return gammainc(chi2 / 2, df / 2, true, true);
}

/** Sizes of the groups of equal values (groups of size 1 contribute nothing to the tie correction). */
function tieGroupSizes(values: Sample): number[] {
  const sorted = [...values].sort((p, q) => p - q);
  const sizes: number[] = [];
  let start = 0;
  for (let i = 1; i <= sorted.length; i++) {
    if (i === sorted.length || sorted[i] !== sorted[start]) {
      sizes.push(i - start);
      start = i;
    }
  }
  return sizes;
}

function allFinite(values: Sample): boolean {
  return values.every(Number.isFinite);
}

function sum(values: Sample): number {
  return values.reduce((acc, v) => acc + v, 0);
}

function mean(values: Sample): number {
  return sum(values) / values.length;
}

/** Unbiased (n - 1) variance, two-pass. */
function sampleVariance(values: Sample): number {
  const m = mean(values);
  return values.reduce((acc, v) => acc + (v - m) ** 2, 0) / (values.length - 1);
}
