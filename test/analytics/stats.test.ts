import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import { describe, expect, it } from 'vitest';
import {
  chiSquareIndependence,
  correlationMatrix,
  mannWhitneyU,
  pearson,
  spearman,
  welchTTest,
} from '../../src/analytics/stats.ts';

// Student's (1908) sleep data as shipped with R (`datasets::sleep`): extra hours of sleep under two drugs.
const sleepDrug1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const sleepDrug2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

// Anscombe's (1973) quartet, data set I; the published correlation is 0.816.
const anscombeX = [10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5];
const anscombeY1 = [8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68];

/** Student's t survival for 1 and 2 df in closed form, to check p-values without any t CDF. */
const twoSidedTPValue = (t: number, df: 1 | 2) =>
  df === 1 ? 1 - (2 / Math.PI) * Math.atan(Math.abs(t)) : 1 - Math.abs(t) / Math.sqrt(2 + t * t);

const hasNoNaN = (value: object) =>
  !JSON.stringify(value, (_, v) => (Number.isNaN(v) ? 'NaN' : v)).includes('NaN');

describe('welchTTest', () => {
  it("reproduces R's t.test(extra ~ group, data = sleep)", () => {
    // R prints: t = -1.8608, df = 17.776, p-value = 0.07939, means 0.75 and 2.33.
    // scipy.stats.ttest_ind(equal_var=False) gives t = -1.8608134674868526, p = 0.0793941401873583.
    const result = welchTTest(sleepDrug1, sleepDrug2);
    expect(result.t).toBeCloseTo(-1.8608134674868526, 10);
    expect(result.df).toBeCloseTo(17.776473516178488, 9);
    expect(result.pValue).toBeCloseTo(0.0793941401873583, 10);
    expect(result.meanA).toBeCloseTo(0.75, 12);
    expect(result.meanB).toBeCloseTo(2.33, 12);
  });

  it("computes Cohen's d with the pooled standard deviation", () => {
    // a: mean 2, variance 1; b: mean 5, variance 4 -> pooled sd = sqrt((2*1 + 2*4) / 4) = sqrt(2.5).
    const result = welchTTest([1, 2, 3], [3, 5, 7]);
    expect(result.cohensD).toBeCloseTo(-3 / Math.sqrt(2.5), 12);
  });

  it('returns pValue null with a reason for degenerate samples', () => {
    const tooSmall = welchTTest([1], [2, 3]);
    expect(tooSmall).toMatchObject({ t: null, pValue: null, meanA: 1, meanB: 2.5 });
    expect(tooSmall.reason).toMatch(/at least 2/);
    const constant = welchTTest([4, 4, 4], [4, 4]);
    expect(constant).toMatchObject({ t: null, pValue: null, cohensD: null });
    expect(constant.reason).toMatch(/zero variance/);
    const empty = welchTTest([], []);
    expect(empty).toMatchObject({ meanA: null, meanB: null, pValue: null });
    expect(welchTTest([1, Number.NaN], [1, 2]).reason).toMatch(/non-finite/);
  });

  it('copes with one constant sample', () => {
    const result = welchTTest([5, 5, 5], [1, 2, 3]);
    expect(result.pValue).not.toBeNull();
    // Only b contributes variance: se = sqrt(1/3), t = 3 / sqrt(1/3), df = nB - 1 = 2.
    expect(result.t).toBeCloseTo(3 * Math.sqrt(3), 10);
    expect(result.df).toBeCloseTo(2, 10);
    expect(result.pValue).toBeCloseTo(twoSidedTPValue(3 * Math.sqrt(3), 2), 10);
  });
});

describe('mannWhitneyU', () => {
  it("reproduces R's wilcox.test(extra ~ group, data = sleep, exact = FALSE)", () => {
    // R prints W = 25.5, p-value = 0.06933 (normal approximation with continuity correction, ties);
    // scipy.stats.mannwhitneyu(method='asymptotic') gives U = 25.5, p = 0.06932757543362658.
    const result = mannWhitneyU(sleepDrug1, sleepDrug2);
    expect(result.u).toBe(25.5);
    expect(result.pValue).toBeCloseTo(0.06932757543362658, 10);
    expect(result.rankBiserial).toBeCloseTo((2 * 25.5) / 100 - 1, 12);
  });

  it('matches a hand computation without ties', () => {
    // U_a = 0, mean 6, sd = sqrt(3 * 4 * 8 / 12) = sqrt(8); z = (12 - 6 - 0.5) / sqrt(8).
    const result = mannWhitneyU([1, 2, 3], [4, 5, 6, 7]);
    expect(result.u).toBe(0);
    expect(result.rankBiserial).toBe(-1);
    expect(result.pValue).toBeCloseTo(2 * normalCdf(-5.5 / Math.sqrt(8), 0, 1), 14);
    expect(result.pValue).toBeCloseTo(0.05182992721790968, 10); // scipy, method='asymptotic'
  });

  it('is symmetric: swapping samples gives U_b = nA nB - U_a and the same p-value', () => {
    const ab = mannWhitneyU(sleepDrug1, sleepDrug2);
    const ba = mannWhitneyU(sleepDrug2, sleepDrug1);
    expect(ba.u).toBe(100 - (ab.u as number));
    expect(ba.pValue).toBeCloseTo(ab.pValue as number, 14);
    expect(ba.rankBiserial).toBeCloseTo(-(ab.rankBiserial as number), 14);
  });

  it('returns pValue null with a reason for degenerate samples', () => {
    const tied = mannWhitneyU([2, 2], [2, 2, 2]);
    expect(tied).toMatchObject({ u: 3, pValue: null, rankBiserial: 0 });
    expect(tied.reason).toMatch(/tied/);
    expect(mannWhitneyU([], [1]).pValue).toBeNull();
    expect(mannWhitneyU([1, Number.POSITIVE_INFINITY], [1]).pValue).toBeNull();
  });
});

describe('chiSquareIndependence', () => {
  it("reproduces scipy's chi2_contingency documentation example (2 x 3, no correction)", () => {
    // scipy prints chi2 = 2.7777777777777777, p = 0.24935220877729622, dof = 2. With 2 df the chi-square
    // survival function is exactly exp(-x/2), an independent check on the p-value.
    const result = chiSquareIndependence([
      [10, 10, 20],
      [20, 20, 20],
    ]);
    expect(result.chi2).toBeCloseTo(25 / 9, 12);
    expect(result.df).toBe(2);
    expect(result.pValue).toBeCloseTo(Math.exp(-25 / 18), 14);
    expect(result.pValue).toBeCloseTo(0.24935220877729622, 12);
    // Cramér's V = sqrt(chi2 / (n (min(r, c) - 1))) = sqrt((25/9) / 100) = 1/6 (scipy's association()).
    expect(result.cramersV).toBeCloseTo(1 / 6, 14);
  });

  it("applies Yates' correction to a 2 x 2 table as scipy does by default", () => {
    const [a, b, c, d] = [12, 5, 7, 7];
    const n = a + b + c + d;
    // Closed form of the Yates-corrected statistic when every |O - E| exceeds 0.5.
    const yates = (n * (Math.abs(a * d - b * c) - n / 2) ** 2) / ((a + b) * (c + d) * (a + c) * (b + d));
    const uncorrected = (n * (a * d - b * c) ** 2) / ((a + b) * (c + d) * (a + c) * (b + d));
    const result = chiSquareIndependence([
      [a, b],
      [c, d],
    ]);
    expect(result.df).toBe(1);
    expect(result.chi2).toBeCloseTo(yates, 12);
    // With 1 df, P(X >= x) = 2 Phi(-sqrt(x)).
    expect(result.pValue).toBeCloseTo(2 * normalCdf(-Math.sqrt(yates), 0, 1), 12);
    expect(result.pValue).toBeCloseTo(0.42330542432241836, 10); // scipy 1.17 chi2_contingency
    expect(result.cramersV).toBeCloseTo(Math.sqrt(uncorrected / n), 12);
  });

  it('keeps the magnitude of very small p-values', () => {
    // scipy: chi2 = 1276.802, p = 1.2431034274428859e-279.
    const result = chiSquareIndependence([
      [900, 100],
      [100, 900],
    ]);
    expect(result.chi2).toBeCloseTo(1276.802, 9);
    expect((result.pValue as number) / 1.2431034274428859e-279).toBeCloseTo(1, 8);
  });

  it('returns pValue null with a reason for degenerate tables', () => {
    for (const table of [
      [[1, 2]],
      [[1], [2]],
      [
        [0, 0],
        [3, 4],
      ],
      [
        [1, -1],
        [2, 3],
      ],
      [[1, 2], [3]],
    ]) {
      const result = chiSquareIndependence(table);
      expect(result).toMatchObject({ chi2: null, pValue: null, cramersV: null });
      expect(result.reason).toBeTypeOf('string');
    }
  });
});

describe('pearson and spearman', () => {
  it("reproduces Anscombe's published r = 0.816 and R's cor.test p-value", () => {
    // R: cor.test(anscombe$x1, anscombe$y1) gives t = 4.2415, df = 9, p-value = 0.00217, cor 0.8164205;
    // scipy.stats.pearsonr: 0.8164205163448395, p = 0.0021696288730788152.
    const result = pearson(anscombeX, anscombeY1);
    expect(result.r).toBeCloseTo(0.8164205163448395, 12);
    expect(result.pValue).toBeCloseTo(0.0021696288730788152, 12);
    expect(result.n).toBe(11);
  });

  it('matches closed-form t p-values for 1 and 2 degrees of freedom', () => {
    const three = pearson([1, 2, 3], [1, 3, 2]);
    expect(three.r).toBeCloseTo(0.5, 14);
    expect(three.pValue).toBeCloseTo(twoSidedTPValue(0.5 * Math.sqrt(1 / 0.75), 1), 12);
    const four = pearson([1, 2, 3, 4], [2, 1, 4, 3]);
    expect(four.r).toBeCloseTo(0.6, 14);
    expect(four.pValue).toBeCloseTo(twoSidedTPValue(0.6 * Math.sqrt(2 / 0.64), 2), 12);
  });

  it("reproduces scipy's spearmanr documentation example", () => {
    // scipy docs: spearmanr([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) -> 0.8207826816681233, p 0.0885870053135438.
    const result = spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]);
    expect(result.r).toBeCloseTo(0.8207826816681233, 12);
    expect(result.pValue).toBeCloseTo(0.0885870053135438, 12);
  });

  it('gives rho = 1 for any monotone relation', () => {
    const x = [1, 2, 3, 4, 5, 6];
    expect(
      spearman(
        x,
        x.map((v) => Math.exp(v)),
      ).r,
    ).toBe(1);
    expect(
      spearman(
        x,
        x.map((v) => Math.exp(v)),
      ).pValue,
    ).toBe(0);
  });

  it('returns r and pValue null with a reason for degenerate input', () => {
    const cases = [
      pearson([1, 2], [3, 4]),
      pearson([1, 1, 1, 1], [1, 2, 3, 4]),
      spearman([1, 2, 3], [5, 5, 5]),
      pearson([1, 2, 3], [1, 2]),
      pearson([1, Number.NaN, 3], [1, 2, 3]),
    ];
    for (const result of cases) {
      expect(result).toMatchObject({ r: null, pValue: null });
      expect(result.reason).toBeTypeOf('string');
      expect(hasNoNaN(result)).toBe(true);
    }
  });
});

describe('correlationMatrix', () => {
  it('is symmetric, has a unit diagonal and agrees with pairwise calls', () => {
    const columns = { x: anscombeX, y: anscombeY1, z: anscombeX.map((v, i) => (v * i) % 7) };
    for (const method of ['pearson', 'spearman'] as const) {
      const { names, matrix } = correlationMatrix(columns, method);
      expect(names).toEqual(['x', 'y', 'z']);
      const pairwise = method === 'pearson' ? pearson : spearman;
      names.forEach((a, i) => {
        expect(matrix[i]?.[i]?.r).toBeCloseTo(1, 14);
        names.forEach((b, j) => {
          expect(matrix[i]?.[j]).toEqual(matrix[j]?.[i]);
          const expected = pairwise(columns[a as keyof typeof columns], columns[b as keyof typeof columns]);
          expect(matrix[i]?.[j]?.r).toBeCloseTo(expected.r as number, 14);
        });
      });
    }
  });

  it('reports a constant column without NaN', () => {
    const { matrix } = correlationMatrix({ a: [1, 2, 3, 4], constant: [7, 7, 7, 7] });
    expect(matrix[0]?.[1]).toMatchObject({ r: null, pValue: null });
    expect(hasNoNaN(matrix)).toBe(true);
  });

  it('rejects columns of different lengths', () => {
    expect(() => correlationMatrix({ a: [1, 2, 3], b: [1, 2] })).toThrow(RangeError);
  });
});
