/**
 * Binary logistic regression fitted by Newton's method (IRLS), reproducing scikit-learn's
 * `LogisticRegression` objective:
 *
 *   sum_i logloss_i + (1 / (2C)) * ||w||^2      (intercept not penalised)
 *
 * Plus a standard scaler (population std, ddof = 0) matching sklearn's `StandardScaler`.
 * Everything here is pure: arrays in, plain objects out.
 */
import { CholeskyDecomposition, Matrix } from 'ml-matrix';

/** Rows of features. Plain arrays and typed arrays are both accepted. */
export type FeatureRows = ReadonlyArray<ArrayLike<number>>;

export interface StandardScaler {
  mean: number[];
  /** Population standard deviation; 1 for constant columns so they transform to exact zeros. */
  std: number[];
}

export interface LogisticRegressionOptions {
  /** Inverse regularisation strength, as in sklearn. Default 1.0. Ignored when penalty is 'none'. */
  C?: number;
  /**
   * Convergence tolerance. Converged when both the gradient of the objective divided by the number of
   * rows and the Newton step are small: max|grad|/n <= tol and max|step| <= tol * (1 + max|theta|).
   * Default 1e-8.
   */
  tol?: number;
  /** Maximum number of Newton iterations. Default 100. */
  maxIter?: number;
  /** Default 'l2'. */
  penalty?: 'l2' | 'none';
}

export interface LogisticRegressionModel {
  intercept: number;
  coef: number[];
  /** Newton steps taken on the full data (the warm-start fit on a subsample of large inputs is not counted). */
  iterations: number;
  /**
   * False when maxIter was reached or no further progress was possible before the tolerance was met;
   * e.g. an unpenalised fit on separable data, whose optimum lies at infinity.
   */
  converged: boolean;
}

// ---------------------------------------------------------------------------------------------------------
// Scaler

export function fitStandardScaler(X: FeatureRows): StandardScaler {
  const p = columnCount(X);
  const n = X.length;
  const mean: number[] = [];
  const std: number[] = [];
  for (let j = 0; j < p; j++) {
    let sum = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const v = cell(X, i, j);
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (n === 0 || min === max) {
      // Summing n copies of a value and dividing need not return the value exactly; using the value itself
      // guarantees a constant column becomes exact zeros rather than +-1e-17 noise divided by a tiny std.
      mean.push(n === 0 ? 0 : min);
      std.push(1);
      continue;
    }
    const m = sum / n;
    // Two-pass variance: numerically safer than E[x^2] - E[x]^2.
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const d = cell(X, i, j) - m;
      squares += d * d;
    }
    const s = Math.sqrt(squares / n);
    mean.push(m);
    std.push(s > 0 ? s : 1);
  }
  return { mean, std };
}

export function standardize(X: FeatureRows, scaler: StandardScaler): Float64Array[] {
  const p = scaler.mean.length;
  // Rows are views of one buffer: a small array per row makes the garbage collector the slowest part
  // of a fit on half a million rows.
  const flat = new Float64Array(X.length * p);
  const copy = X.map((row, i) => {
    if (row.length !== p) {
      throw new RangeError(`row ${i} has ${row.length} features, scaler expects ${p}`);
    }
    const out = flat.subarray(i * p, (i + 1) * p);
    out.set(row);
    return out;
  });
  return standardizeInPlace(copy, scaler);
}

/**
 * standardize without the copy, for a matrix the caller owns and no longer needs unscaled (a fit's or
 * a prediction's own): the same values, without a second buffer and a second view object per row.
 */
export function standardizeInPlace(X: Float64Array[], scaler: StandardScaler): Float64Array[] {
  const p = scaler.mean.length;
  for (let i = 0; i < X.length; i++) {
    const row = X[i] as Float64Array;
    if (row.length !== p) {
      throw new RangeError(`row ${i} has ${row.length} features, scaler expects ${p}`);
    }
    for (let j = 0; j < p; j++) {
      row[j] = ((row[j] as number) - (scaler.mean[j] as number)) / (scaler.std[j] as number);
    }
  }
  return X;
}

// ---------------------------------------------------------------------------------------------------------
// Prediction

/** Logistic function without overflow: exp is only ever taken of a non-positive number. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** log(1 + exp(t)) without overflow or loss of precision for large |t|. */
function softplus(t: number): number {
  return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
}

export function decisionFunction(
  model: Pick<LogisticRegressionModel, 'intercept' | 'coef'>,
  X: FeatureRows,
): number[] {
  const p = model.coef.length;
  return X.map((row, i) => {
    if (row.length !== p) {
      throw new RangeError(`row ${i} has ${row.length} features, model expects ${p}`);
    }
    let z = model.intercept;
    for (let j = 0; j < p; j++) z += (model.coef[j] as number) * (row[j] as number);
    return z;
  });
}

/** P(y = 1 | x) for each row. */
export function predictProba(
  model: Pick<LogisticRegressionModel, 'intercept' | 'coef'>,
  X: FeatureRows,
): number[] {
  return decisionFunction(model, X).map(sigmoid);
}

// ---------------------------------------------------------------------------------------------------------
// Fitting

const ARMIJO_SLOPE = 1e-4;
/** The objective's rounding error, in units of eps x sqrt(n) x |objective| (a summation's typical error). */
const NOISE_FLOOR_ULPS = 16;
const MAX_HALVINGS = 40;
/** Below this fraction of a diagonal entry a Cholesky pivot is treated as a rank deficiency. */
const PIVOT_RATIO_FLOOR = 1e-12;
/** Inputs at least this long get a warm start from a subsample (see startingPoint). */
const WARM_START_MIN_ROWS = 200_000;
const WARM_START_SAMPLE_ROWS = 50_000;

/**
 * The caller's rows are used in place: copying 1e6 x 20 values into one Float64Array costs more than
 * a whole Newton iteration here, while reading row arrays is as fast as reading a flat buffer.
 */
interface Design {
  n: number;
  p: number;
  rows: FeatureRows;
  y: Float64Array;
}

export function fitLogisticRegression(
  X: FeatureRows,
  y: ArrayLike<number>,
  opts: LogisticRegressionOptions = {},
): LogisticRegressionModel {
  const C = opts.C ?? 1.0;
  const tol = opts.tol ?? 1e-8;
  const maxIter = opts.maxIter ?? 100;
  const penalty = opts.penalty ?? 'l2';
  if (penalty === 'l2' && !(C > 0 && Number.isFinite(C))) {
    throw new RangeError(`C must be a positive finite number, got ${C}`);
  }
  if (!(tol > 0)) throw new RangeError(`tol must be positive, got ${tol}`);
  if (!(Number.isInteger(maxIter) && maxIter >= 0)) {
    throw new RangeError(`maxIter must be a non-negative integer, got ${maxIter}`);
  }
  const design = toDesign(X, y);
  const lambda = penalty === 'l2' ? 1 / C : 0;
  return newton(design, lambda, tol, maxIter, startingPoint(design, lambda, tol, maxIter));
}

/**
 * Where Newton starts on the full data. The optimum does not depend on it, only the number of passes over
 * the rows does. Large inputs start from a fit on an evenly strided subsample (its penalty scaled by the
 * sampled fraction so both problems have the same optimum in expectation): that point is within sampling
 * error of the answer, so the full-data iterations, which dominate the cost, drop from ~7 to ~4 (1e6 x 20: ~2.9 s -> ~1.6 s).
 */
function startingPoint(design: Design, lambda: number, tol: number, maxIter: number): Float64Array {
  const { n, p, rows, y } = design;
  if (n < WARM_START_MIN_ROWS) return interceptOnlyStart(y, p);
  const stride = Math.floor(n / WARM_START_SAMPLE_ROWS);
  const sampleRows: ArrayLike<number>[] = [];
  const sampleLabels: number[] = [];
  for (let i = 0; i < n; i += stride) {
    sampleRows.push(rows[i] as ArrayLike<number>);
    sampleLabels.push(y[i] as number);
  }
  const sample: Design = { n: sampleRows.length, p, rows: sampleRows, y: Float64Array.from(sampleLabels) };
  const fit = newton(sample, (lambda * sample.n) / n, tol, maxIter, interceptOnlyStart(sample.y, p));
  return Float64Array.from([fit.intercept, ...fit.coef]);
}

/** theta = [logit(mean y), 0, ..., 0]: the exact optimum when all coefficients are zero. */
function interceptOnlyStart(y: Float64Array, p: number): Float64Array {
  const theta = new Float64Array(p + 1);
  let positives = 0;
  for (let i = 0; i < y.length; i++) positives += y[i] as number;
  if (positives > 0 && positives < y.length) theta[0] = Math.log(positives / (y.length - positives));
  return theta;
}

function newton(
  design: Design,
  lambda: number,
  tol: number,
  maxIter: number,
  start: Float64Array,
): LogisticRegressionModel {
  const { n, p } = design;
  const q = p + 1; // theta = [intercept, w_1..w_p]
  let theta = start;
  let z = new Float64Array(n);
  let trialZ = new Float64Array(n);
  let loss = objective(design, theta, lambda, z);
  const gradient = new Float64Array(q);
  const hessian = new Float64Array(q * q);
  const scale = Math.max(n, 1);

  let iterations = 0;
  let converged = false;
  while (iterations < maxIter) {
    gradientAndHessian(design, theta, lambda, z, gradient, hessian);
    if (hessian[0] === 0) {
      // Every p(1 - p) underflowed: each row is fitted with certainty, so the optimum lies at infinity
      // (separable data or a single class) and no Newton step can carry information any more.
      break;
    }
    const step = newtonStep(hessian, gradient, q);
    const gradientSmall = maxAbs(gradient) / scale <= tol;
    const stepSmall = maxAbs(step) <= tol * (1 + maxAbs(theta));

    let slope = 0;
    for (let j = 0; j < q; j++) slope += (gradient[j] as number) * (step[j] as number);

    const previousLoss = loss;
    let t = 1;
    let accepted = false;
    for (let h = 0; h <= MAX_HALVINGS; h++) {
      const trial = addScaled(theta, step, t);
      const trialLoss = objective(design, trial, lambda, trialZ);
      // Near the optimum the decrease falls below floating-point resolution of the objective; once the
      // tolerance is met the full Newton step is taken without asking for a measurable decrease.
      if ((gradientSmall && stepSmall) || trialLoss <= loss + ARMIJO_SLOPE * t * slope) {
        theta = trial;
        loss = trialLoss;
        [z, trialZ] = [trialZ, z];
        accepted = true;
        break;
      }
      t /= 2;
    }
    if (!accepted) {
      // No step decreases the objective: we are at the precision limit of the arithmetic.
      converged = gradientSmall;
      break;
    }
    iterations++;
    // Near the optimum Newton takes full steps. A step the line search had to shorten, or one that no
    // longer changes the objective, once the gradient is below sqrt(tol) per row, means the noise
    // floor of the arithmetic is reached: on 357k training rows with rare 0/1 indicator columns the
    // gradient stalled at 1.3e-8 per row and the fit ran all 100 iterations (105 s) without this.
    // The gradient test depends on the columns' scale (counts in the 1e4-1e5 range stall with a
    // gradient above sqrt(tol) per row); the Newton decrement does not: when the decrease the full
    // step predicts (-slope / 2) is within the rounding error of summing the objective over n rows,
    // no step can be told apart from no step, whatever the units.
    const stalled = t < 1 || Math.abs(previousLoss - loss) <= 1e-12 * Math.abs(loss);
    const roundingError = NOISE_FLOOR_ULPS * Number.EPSILON * Math.sqrt(scale) * Math.max(1, Math.abs(loss));
    const atNoiseFloor =
      stalled && (maxAbs(gradient) / scale <= Math.sqrt(tol) || -slope / 2 <= roundingError);
    if ((gradientSmall && stepSmall) || atNoiseFloor) {
      converged = true;
      break;
    }
  }

  return { intercept: theta[0] as number, coef: Array.from(theta.subarray(1)), iterations, converged };
}

/** Penalised negative log-likelihood; also fills z with the linear predictor for reuse. */
function objective(design: Design, theta: Float64Array, lambda: number, z: Float64Array): number {
  const { n, p, rows, y } = design;
  const b = theta[0] as number;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const row = rows[i] as ArrayLike<number>;
    let zi = b;
    for (let j = 0; j < p; j++) zi += (theta[j + 1] as number) * (row[j] as number);
    z[i] = zi;
    // -log P(y_i | x_i) = softplus(z) - y z, written so that no large terms cancel.
    loss += y[i] === 1 ? softplus(-zi) : softplus(zi);
  }
  let norm2 = 0;
  for (let j = 1; j <= p; j++) norm2 += (theta[j] as number) ** 2;
  return loss + 0.5 * lambda * norm2;
}

/**
 * Gradient and Hessian of the objective at theta, given z = intercept + X w. The Hessian X'WX is
 * accumulated straight from the rows into the upper triangle of a small Float64Array (O(n p^2), no n x n
 * or n x p temporaries), then mirrored so it is exactly symmetric.
 */
function gradientAndHessian(
  design: Design,
  theta: Float64Array,
  lambda: number,
  z: Float64Array,
  gradient: Float64Array,
  hessian: Float64Array,
): void {
  const { n, p, y } = design;
  const q = p + 1;
  const residual = new Float64Array(n);
  const weight = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const zi = z[i] as number;
    // One exp per row gives p, 1 - p and p(1 - p) without cancellation in either tail.
    const e = Math.exp(-Math.abs(zi));
    const big = 1 / (1 + e); // sigmoid(|z|)
    const small = e / (1 + e); // sigmoid(-|z|)
    const prob = zi >= 0 ? big : small;
    residual[i] = y[i] === 1 ? -(zi >= 0 ? small : big) : prob; // p - y
    weight[i] = big * small; // p (1 - p)
  }
  gradient.fill(0);
  hessian.fill(0);
  accumulate(design.rows, residual, weight, p, gradient, hessian);
  for (let j = 1; j < q; j++) {
    gradient[j] = (gradient[j] as number) + lambda * (theta[j] as number);
    hessian[j * q + j] = (hessian[j * q + j] as number) + lambda;
  }
  for (let j = 0; j < q; j++) {
    for (let k = j + 1; k < q; k++) hessian[k * q + j] = hessian[j * q + k] as number;
  }
}

/**
 * The hot loop of the fit, one pass over the rows: gradient += r_i [1, x_i] and the upper triangle of
 * hessian += w_i [1, x_i][1, x_i]'. Four rows are folded into each update so every Hessian entry is
 * loaded and stored a quarter as often.
 */
function accumulate(
  rows: FeatureRows,
  residual: Float64Array,
  weight: Float64Array,
  p: number,
  gradient: Float64Array,
  hessian: Float64Array,
): void {
  const n = rows.length;
  const q = p + 1;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const x0 = rows[i] as ArrayLike<number>;
    const x1 = rows[i + 1] as ArrayLike<number>;
    const x2 = rows[i + 2] as ArrayLike<number>;
    const x3 = rows[i + 3] as ArrayLike<number>;
    const r0 = residual[i] as number;
    const r1 = residual[i + 1] as number;
    const r2 = residual[i + 2] as number;
    const r3 = residual[i + 3] as number;
    const w0 = weight[i] as number;
    const w1 = weight[i + 1] as number;
    const w2 = weight[i + 2] as number;
    const w3 = weight[i + 3] as number;
    gradient[0] = (gradient[0] as number) + (r0 + r1 + r2 + r3);
    hessian[0] = (hessian[0] as number) + (w0 + w1 + w2 + w3);
    for (let j = 0; j < p; j++) {
      const v0 = x0[j] as number;
      const v1 = x1[j] as number;
      const v2 = x2[j] as number;
      const v3 = x3[j] as number;
      gradient[j + 1] = (gradient[j + 1] as number) + (r0 * v0 + r1 * v1 + r2 * v2 + r3 * v3);
      const a0 = w0 * v0;
      const a1 = w1 * v1;
      const a2 = w2 * v2;
      const a3 = w3 * v3;
      hessian[j + 1] = (hessian[j + 1] as number) + (a0 + a1 + a2 + a3);
      const base = (j + 1) * q + 1;
      for (let k = j; k < p; k++) {
        hessian[base + k] =
          (hessian[base + k] as number) +
          (a0 * (x0[k] as number) + a1 * (x1[k] as number) + a2 * (x2[k] as number) + a3 * (x3[k] as number));
      }
    }
  }
  for (; i < n; i++) {
    const x = rows[i] as ArrayLike<number>;
    const r = residual[i] as number;
    const w = weight[i] as number;
    gradient[0] = (gradient[0] as number) + r;
    hessian[0] = (hessian[0] as number) + w;
    for (let j = 0; j < p; j++) {
      const v = x[j] as number;
      gradient[j + 1] = (gradient[j + 1] as number) + r * v;
      const a = w * v;
      hessian[j + 1] = (hessian[j + 1] as number) + a;
      const base = (j + 1) * q + 1;
      for (let k = j; k < p; k++) hessian[base + k] = (hessian[base + k] as number) + a * (x[k] as number);
    }
  }
}

/**
 * Solves H step = -g with a Cholesky factorisation. When H is singular or nearly so (a constant or
 * duplicated column without penalty, or separable data) a ridge proportional to each diagonal entry is
 * added and grown until the factorisation is well conditioned; this keeps the step a descent direction.
 */
function newtonStep(hessian: Float64Array, gradient: Float64Array, q: number): Float64Array {
  const diagonal = Array.from({ length: q }, (_, j) => hessian[j * q + j] as number);
  const maxDiagonal = Math.max(...diagonal);
  const ridgeBase = diagonal.map((d) => (d > 0 ? d : maxDiagonal > 0 ? maxDiagonal : 1));
  const rhs = Matrix.columnVector(Array.from(gradient, (g) => -g));

  for (let ridge = 0; ridge <= 1e6; ridge = ridge === 0 ? 1e-10 : ridge * 100) {
    const rows: number[][] = [];
    for (let j = 0; j < q; j++) {
      const row = Array.from(hessian.subarray(j * q, (j + 1) * q));
      row[j] = (row[j] as number) + ridge * (ridgeBase[j] as number);
      rows.push(row);
    }
    const cholesky = new CholeskyDecomposition(new Matrix(rows));
    if (!cholesky.isPositiveDefinite() || !wellConditioned(cholesky, rows)) continue;
    const solution = cholesky.solve(rhs).getColumn(0);
    if (solution.every(Number.isFinite)) return Float64Array.from(solution);
  }
  // Unreachable for finite input (the ridge ends up dominating), but keep a safe descent direction.
  return Float64Array.from(gradient, (g, j) => -g / (ridgeBase[j] as number));
}

/** Each pivot L_jj^2 is the part of H_jj not explained by earlier columns; tiny means rank deficient. */
function wellConditioned(cholesky: CholeskyDecomposition, rows: number[][]): boolean {
  const L = cholesky.lowerTriangularMatrix;
  return rows.every((row, j) => {
    const pivot = L.get(j, j);
    return pivot * pivot > PIVOT_RATIO_FLOOR * (row[j] as number);
  });
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

function toDesign(X: FeatureRows, y: ArrayLike<number>): Design {
  const n = X.length;
  if (n === 0) throw new RangeError('cannot fit a model on zero rows');
  if (y.length !== n) throw new RangeError(`X has ${n} rows but y has ${y.length} labels`);
  const p = columnCount(X);
  const labels = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const label = y[i];
    if (label !== 0 && label !== 1) throw new RangeError(`label ${i} is ${label}; labels must be 0 or 1`);
    labels[i] = label;
  }
  return { n, p, rows: X, y: labels };
}

/** Number of columns, checking that the matrix is rectangular and finite. */
function columnCount(X: FeatureRows): number {
  const p = X[0]?.length ?? 0;
  for (let i = 0; i < X.length; i++) {
    const row = X[i] as ArrayLike<number>;
    if (row.length !== p) throw new RangeError(`row ${i} has ${row.length} features, row 0 has ${p}`);
    for (let j = 0; j < p; j++) {
      if (!Number.isFinite(row[j])) throw new RangeError(`X[${i}][${j}] is not a finite number: ${row[j]}`);
    }
  }
  return p;
}

function cell(X: FeatureRows, i: number, j: number): number {
  return (X[i] as ArrayLike<number>)[j] as number;
}

function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let j = 0; j < values.length; j++) m = Math.max(m, Math.abs(values[j] as number));
  return m;
}

function addScaled(base: Float64Array, direction: Float64Array, t: number): Float64Array {
  const out = new Float64Array(base.length);
  for (let j = 0; j < base.length; j++) out[j] = (base[j] as number) + t * (direction[j] as number);
  return out;
}
