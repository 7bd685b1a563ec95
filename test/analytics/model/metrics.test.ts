import { describe, expect, it } from 'vitest';
import {
  averagePrecision,
  bestF1Threshold,
  brierScore,
  calibrationTable,
  classificationReport,
  confusionMatrix,
  formatClassificationReport,
  groupKFold,
  logLoss,
  mulberry32,
  prCurve,
  rocAuc,
  rocCurve,
} from '../../../src/analytics/model/metrics.ts';

// The small examples below are the ones in scikit-learn's API documentation for the function of the
// same name; the expected values are the outputs printed there.
const docY = [0, 0, 1, 1];
const docScores = [0.1, 0.4, 0.35, 0.8];

function expectAllClose(actual: readonly number[], expected: readonly number[], digits = 12) {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, i) => {
    expect(value).toBeCloseTo(expected[i] as number, digits);
  });
}

/** Random labels and scores with many ties (scores rounded to one decimal). */
function randomCase(seed: number, n: number) {
  const random = mulberry32(seed);
  const y = Array.from({ length: n }, () => (random() < 0.4 ? 1 : 0));
  const scores = y.map((label) => Math.round((random() + 0.3 * label) * 10) / 10);
  return { y, scores };
}

/** Definition of AUC over all positive-negative pairs, independent of any ranking shortcut. */
function pairwiseAuc(y: readonly number[], scores: readonly number[]): number {
  let wins = 0;
  let pairs = 0;
  y.forEach((a, i) => {
    y.forEach((b, j) => {
      if (a !== 1 || b !== 0) return;
      pairs++;
      const si = scores[i] as number;
      const sj = scores[j] as number;
      wins += si > sj ? 1 : si === sj ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

describe('rocAuc', () => {
  it('matches the documented example', () => {
    expect(rocAuc(docY, docScores)).toBeCloseTo(0.75, 15);
  });

  it('counts ties as one half', () => {
    // Pairs (positive, negative): (0.5, 0.5) = 1/2, (0.5, 0.2) = 1, (0.9, 0.5) = 1, (0.9, 0.2) = 1.
    expect(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9])).toBe(3.5 / 4);
  });

  it('agrees with the pairwise definition on random tied data', () => {
    for (const seed of [1, 2, 3]) {
      const { y, scores } = randomCase(seed, 300);
      expect(rocAuc(y, scores)).toBeCloseTo(pairwiseAuc(y, scores), 12);
    }
  });

  it('equals the trapezoidal area under rocCurve', () => {
    const { y, scores } = randomCase(4, 500);
    const { fpr, tpr } = rocCurve(y, scores);
    let area = 0;
    for (let i = 1; i < fpr.length; i++) {
      area +=
        ((fpr[i] as number) - (fpr[i - 1] as number)) * (((tpr[i] as number) + (tpr[i - 1] as number)) / 2);
    }
    expect(rocAuc(y, scores)).toBeCloseTo(area, 12);
  });

  it('throws when only one class is present, as sklearn raises', () => {
    expect(() => rocAuc([1, 1], [0.2, 0.3])).toThrow(RangeError);
  });
});

describe('rocCurve', () => {
  it('matches the documented example (pos_label=2)', () => {
    const curve = rocCurve([1, 1, 2, 2], docScores, 2);
    expect(curve.fpr).toEqual([0, 0, 0.5, 0.5, 1]);
    expect(curve.tpr).toEqual([0, 0.5, 0.5, 1, 1]);
    expect(curve.thresholds).toEqual([Number.POSITIVE_INFINITY, 0.8, 0.4, 0.35, 0.1]);
  });

  it('merges tied scores into one point', () => {
    const curve = rocCurve([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9]);
    expect(curve.thresholds).toEqual([Number.POSITIVE_INFINITY, 0.9, 0.5, 0.2]);
    expect(curve.tpr).toEqual([0, 0.5, 1, 1]);
    expect(curve.fpr).toEqual([0, 0, 0.5, 1]);
  });
});

describe('prCurve and averagePrecision', () => {
  it('match the documented precision_recall_curve example', () => {
    const curve = prCurve(docY, docScores);
    expectAllClose(curve.precision, [0.5, 2 / 3, 0.5, 1, 1]);
    expect(curve.recall).toEqual([1, 1, 0.5, 0.5, 0]);
    expect(curve.thresholds).toEqual([0.1, 0.35, 0.4, 0.8]);
  });

  it('matches the documented average_precision_score example (0.83...)', () => {
    // (0.5 - 0) * 1 + (1 - 0.5) * 2/3 = 5/6
    expect(averagePrecision(docY, docScores)).toBeCloseTo(5 / 6, 15);
  });

  it('equals the mean precision at each positive when scores are distinct', () => {
    const random = mulberry32(9);
    const y = Array.from({ length: 200 }, () => (random() < 0.3 ? 1 : 0));
    const scores = y.map((label) => random() + 0.5 * label);
    const ranked = y
      .map((label, i) => ({ label, score: scores[i] as number }))
      .sort((a, b) => b.score - a.score);
    let hits = 0;
    let sumPrecision = 0;
    ranked.forEach((row, rank) => {
      if (row.label !== 1) return;
      hits++;
      sumPrecision += hits / (rank + 1);
    });
    expect(averagePrecision(y, scores)).toBeCloseTo(sumPrecision / hits, 12);
  });

  it('is 1 for a perfect ranking', () => {
    expect(averagePrecision([0, 1, 0, 1], [0.1, 0.9, 0.2, 0.8])).toBe(1);
  });
});

describe('brierScore and logLoss', () => {
  it('match the documented brier_score_loss examples', () => {
    const y = [0, 1, 1, 0];
    const p = [0.1, 0.9, 0.8, 0.3];
    expect(brierScore(y, p)).toBeCloseTo(0.0375, 15);
    expect(
      brierScore(
        y,
        p.map((v) => 1 - v),
        0,
      ),
    ).toBeCloseTo(0.0375, 15);
    expect(
      brierScore(
        y,
        p.map((v) => (v > 0.5 ? 1 : 0)),
      ),
    ).toBe(0);
  });

  it('matches the documented log_loss example (0.21616...)', () => {
    // log_loss(["spam", "ham", "ham", "spam"], [[.1, .9], [.9, .1], [.8, .2], [.35, .65]]): P(spam) is
    // the second column because labels sort as ["ham", "spam"].
    const expected = -(Math.log(0.9) + Math.log(0.9) + Math.log(0.8) + Math.log(0.65)) / 4;
    expect(expected).toBeCloseTo(0.21616, 5);
    expect(logLoss([1, 0, 0, 1], [0.9, 0.1, 0.2, 0.65])).toBeCloseTo(expected, 14);
  });

  it('clips probabilities at 1e-15 so a certain miss is finite', () => {
    expect(logLoss([1], [0])).toBeCloseTo(-Math.log(1e-15), 10);
    expect(logLoss([0], [1])).toBeCloseTo(-Math.log1p(-(1 - 1e-15)), 10);
  });

  it('rejects probabilities outside [0, 1]', () => {
    expect(() => brierScore([1], [1.2])).toThrow(RangeError);
  });
});

describe('confusionMatrix and classificationReport', () => {
  it('matches the documented confusion_matrix example', () => {
    const { labels, matrix } = confusionMatrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2]);
    expect(labels).toEqual([0, 1, 2]);
    expect(matrix).toEqual([
      [2, 0, 0],
      [0, 0, 1],
      [1, 0, 2],
    ]);
  });

  const yTrue = [0, 1, 2, 2, 2];
  const yPred = [0, 0, 2, 2, 1];
  const names = ['class 0', 'class 1', 'class 2'];

  it('computes per-class and averaged metrics', () => {
    const report = classificationReport(yTrue, yPred, names);
    expect(report.classes.map((c) => c.support)).toEqual([1, 1, 3]);
    expectAllClose(
      report.classes.map((c) => c.precision),
      [0.5, 0, 1],
    );
    expectAllClose(
      report.classes.map((c) => c.recall),
      [1, 0, 2 / 3],
    );
    expectAllClose(
      report.classes.map((c) => c.f1),
      [2 / 3, 0, 0.8],
    );
    expect(report.accuracy).toBe(0.6);
    expect(report.macroAvg.recall).toBeCloseTo((1 + 0 + 2 / 3) / 3, 15);
    expect(report.weightedAvg.f1).toBeCloseTo((2 / 3 + 0 + 3 * 0.8) / 5, 15);
  });

  it('lays out text exactly like the documented classification_report example', () => {
    const expected = [
      '              precision    recall  f1-score   support',
      '',
      '     class 0       0.50      1.00      0.67         1',
      '     class 1       0.00      0.00      0.00         1',
      '     class 2       1.00      0.67      0.80         3',
      '',
      '    accuracy                           0.60         5',
      '   macro avg       0.50      0.56      0.49         5',
      'weighted avg       0.70      0.60      0.61         5',
      '',
    ].join('\n');
    expect(formatClassificationReport(classificationReport(yTrue, yPred, names))).toBe(expected);
  });

  it('accepts explicit labels so a class absent from a small sample still gets its row', () => {
    const report = classificationReport([1, 1], [1, 1], ['dropped', 'completed'], [0, 1]);
    expect(report.classes.map((c) => [c.name, c.support, c.precision])).toEqual([
      ['dropped', 0, 0],
      ['completed', 2, 1],
    ]);
    expect(() => classificationReport([1, 1], [1, 1], ['dropped', 'completed'])).toThrow(RangeError);
  });
});

describe('calibrationTable', () => {
  it('bins probabilities into equal-width bins and keeps empty bins', () => {
    const table = calibrationTable([0, 1, 1, 0, 1], [0.05, 0.15, 0.5, 0.55, 1], 4);
    expect(table).toEqual([
      { bin: 0, lower: 0, upper: 0.25, count: 2, mean_predicted: 0.1, observed_rate: 0.5 },
      { bin: 1, lower: 0.25, upper: 0.5, count: 0, mean_predicted: null, observed_rate: null },
      { bin: 2, lower: 0.5, upper: 0.75, count: 2, mean_predicted: 0.525, observed_rate: 0.5 },
      { bin: 3, lower: 0.75, upper: 1, count: 1, mean_predicted: 1, observed_rate: 1 },
    ]);
  });

  it('places every probability inside the bounds printed for its bin, edges included', () => {
    const probabilities = Array.from({ length: 101 }, (_, i) => i / 100);
    // The double just below 0.9: 0.8999999999999999 * 10 rounds to exactly 9, yet it belongs in bin 8.
    const belowEdge = 0.8999999999999999;
    expect(Math.floor(belowEdge * 10)).toBe(9);
    probabilities.push(belowEdge);
    const table = calibrationTable(
      probabilities.map(() => 0),
      probabilities,
    );
    expect(table.reduce((n, row) => n + row.count, 0)).toBe(probabilities.length);
    for (const p of probabilities) {
      const row = table.find((r) => p >= r.lower && (p < r.upper || (r.upper === 1 && p === 1)));
      expect(row).toBeDefined();
    }
    expect(table[3]?.lower).toBe(0.3);
    expect(table[8]?.count).toBe(11); // 0.80 .. 0.89 plus belowEdge
    expect(table.every((row) => row.count > 0)).toBe(true);
  });
});

describe('bestF1Threshold', () => {
  it('finds the best threshold on the documented scores', () => {
    // Thresholds 0.8, 0.4, 0.35, 0.1 give F1 = 2/3, 1/2, 4/5, 2/3.
    expect(bestF1Threshold(docY, docScores)).toEqual({
      threshold: 0.35,
      f1: 0.8,
      precision: 2 / 3,
      recall: 1,
    });
  });

  it('agrees with an exhaustive search', () => {
    const { y, scores } = randomCase(5, 400);
    const f1At = (t: number) => {
      let tp = 0;
      let fp = 0;
      let fn = 0;
      y.forEach((label, i) => {
        const predicted = (scores[i] as number) >= t;
        if (predicted && label === 1) tp++;
        else if (predicted) fp++;
        else if (label === 1) fn++;
      });
      return (2 * tp) / (2 * tp + fp + fn);
    };
    const best = Math.max(...[...new Set(scores)].map(f1At));
    const found = bestF1Threshold(y, scores);
    expect(found.f1).toBeCloseTo(best, 12);
    expect(f1At(found.threshold)).toBeCloseTo(best, 12);
  });

  it('respects the positive label', () => {
    // With 0 as the positive class, high scores mean "negative": the best cut isolates the two 0s only
    // if they score highest.
    expect(bestF1Threshold([0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1], 0).threshold).toBe(0.8);
  });
});

describe('groupKFold', () => {
  function makeGroups(seed: number, groupCount: number): string[] {
    const random = mulberry32(seed);
    const groups: string[] = [];
    for (let g = 0; g < groupCount; g++) {
      const size = 1 + Math.floor(random() * 20);
      for (let r = 0; r < size; r++) groups.push(`learner-${g}`);
    }
    // Interleave rows so groups are not contiguous.
    for (let i = groups.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [groups[i], groups[j]] = [groups[j] as string, groups[i] as string];
    }
    return groups;
  }

  it('never puts a group in two folds and balances rows within the largest group size', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const groups = makeGroups(seed, 50 + seed * 17);
      const k = 2 + (seed % 4);
      const folds = groupKFold(groups, k, seed);
      const foldOfGroup = new Map<string, number>();
      groups.forEach((g, i) => {
        const fold = folds[i] as number;
        expect(fold).toBeGreaterThanOrEqual(0);
        expect(fold).toBeLessThan(k);
        expect(foldOfGroup.get(g) ?? fold).toBe(fold);
        foldOfGroup.set(g, fold);
      });
      const rows = Array.from({ length: k }, (_, f) => folds.filter((x) => x === f).length);
      const largestGroup = Math.max(
        ...[...foldOfGroup.keys()].map((g) => groups.filter((x) => x === g).length),
      );
      expect(Math.max(...rows) - Math.min(...rows)).toBeLessThanOrEqual(largestGroup);
      expect(Math.min(...rows)).toBeGreaterThan(0);
    }
  });

  it('is deterministic for a seed, varies with the seed and ignores row order', () => {
    const groups = makeGroups(8, 60);
    const folds = groupKFold(groups, 5, 42);
    expect(groupKFold(groups, 5, 42)).toEqual(folds);
    expect(groupKFold(groups, 5, 43)).not.toEqual(folds);
    const reversed = groupKFold([...groups].reverse(), 5, 42).reverse();
    expect(reversed).toEqual(folds);
  });

  it('rejects more folds than groups', () => {
    expect(() => groupKFold(['a', 'a', 'b'], 3)).toThrow(RangeError);
  });
});
