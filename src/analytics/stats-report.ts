/**
 * OUT/stats.json: completed vs dropped learners compared on each weekly feature (Welch's t-test and
 * Mann-Whitney U on learner-level means), department x outcome chi-square, and Pearson / Spearman
 * correlation matrices of the features. The tests come from src/analytics/stats.ts.
 */

import { WEEKLY_FEATURES } from './features.ts';
import {
  type ChiSquareResult,
  type CorrelationMatrix,
  chiSquareIndependence,
  correlationMatrix,
  type MannWhitneyResult,
  mannWhitneyU,
  type WelchTTestResult,
  welchTTest,
} from './stats.ts';

export interface LearnerMeans {
  readonly outcome: string;
  readonly values: Record<string, number | null>;
}

export interface FeatureComparison {
  readonly feature: string;
  readonly completed: { n: number; mean: number | null };
  readonly dropped: { n: number; mean: number | null };
  readonly welch: WelchTTestResult;
  readonly mannWhitney: MannWhitneyResult;
}

export interface StatsReport {
  readonly learners: { completed: number; dropped: number };
  readonly features: FeatureComparison[];
  readonly departmentOutcome: {
    readonly departments: string[];
    readonly outcomes: string[];
    readonly table: number[][];
    readonly test: ChiSquareResult;
  };
  readonly correlations: {
    readonly n: number;
    readonly pearson: CorrelationMatrix;
    readonly spearman: CorrelationMatrix;
  };
}

const mean = (xs: number[]) => (xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

export function buildStatsReport(
  learners: LearnerMeans[],
  departmentCounts: { department: string; outcome: string; learners: number }[],
): StatsReport {
  const completed = learners.filter((l) => l.outcome === 'completed');
  const dropped = learners.filter((l) => l.outcome === 'dropped');
  const valuesOf = (group: LearnerMeans[], feature: string) =>
    group.map((l) => l.values[feature]).filter((v): v is number => v !== null && v !== undefined);

  const features = WEEKLY_FEATURES.map((feature) => {
    const a = valuesOf(completed, feature);
    const b = valuesOf(dropped, feature);
    return {
      feature,
      completed: { n: a.length, mean: mean(a) },
      dropped: { n: b.length, mean: mean(b) },
      welch: welchTTest(a, b),
      mannWhitney: mannWhitneyU(a, b),
    };
  });

  const departments = [...new Set(departmentCounts.map((d) => d.department))].sort();
  const outcomes = ['completed', 'dropped', 'open'].filter((o) =>
    departmentCounts.some((d) => d.outcome === o),
  );
  const table = departments.map((department) =>
    outcomes.map(
      (outcome) =>
        departmentCounts.find((d) => d.department === department && d.outcome === outcome)?.learners ?? 0,
    ),
  );

  // Correlations over learners with every feature present (pairwise-complete would give matrices of mixed n).
  const complete = learners.filter((l) =>
    WEEKLY_FEATURES.every((f) => l.values[f] !== null && l.values[f] !== undefined),
  );
  const columns = Object.fromEntries(
    WEEKLY_FEATURES.map((f) => [f, complete.map((l) => l.values[f] as number)]),
  );
  return {
    learners: { completed: completed.length, dropped: dropped.length },
    features,
    departmentOutcome: { departments, outcomes, table, test: chiSquareIndependence(table) },
    correlations: {
      n: complete.length,
      pearson: correlationMatrix(columns, 'pearson'),
      spearman: correlationMatrix(columns, 'spearman'),
    },
  };
}
