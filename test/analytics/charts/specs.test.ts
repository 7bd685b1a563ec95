/**
 * Each spec builder on a few hand-made rows: it compiles, has the title block, the shipped font, the
 * Okabe-Ito colours, the marks and encodings it promises, and says "no data" when given nothing.
 */

import { compile, type TopLevelSpec } from 'vega-lite';
import { describe, expect, test } from 'vitest';
import { CHART_CATALOG, CHART_IDS } from '../../../src/analytics/charts/catalog.ts';
import { aucByWeekSpec } from '../../../src/analytics/charts/specs/auc-by-week.ts';
import { calibrationSpec } from '../../../src/analytics/charts/specs/calibration.ts';
import { engagementByOutcomeSpec } from '../../../src/analytics/charts/specs/engagement-by-outcome.ts';
import { featureEffectsSpec } from '../../../src/analytics/charts/specs/feature-effects.ts';
import { learnerProfileSpec } from '../../../src/analytics/charts/specs/learner-profile.ts';
import { moduleFunnelSpec } from '../../../src/analytics/charts/specs/module-funnel.ts';
import { outcomesByCourseSpec } from '../../../src/analytics/charts/specs/outcomes-by-course.ts';
import { prCurveSpec } from '../../../src/analytics/charts/specs/pr-curve.ts';
import { quizScoresSpec } from '../../../src/analytics/charts/specs/quiz-scores.ts';
import { riskDistributionSpec } from '../../../src/analytics/charts/specs/risk-distribution.ts';
import { rocCurveSpec } from '../../../src/analytics/charts/specs/roc-curve.ts';
import { weeklyActivitySpec } from '../../../src/analytics/charts/specs/weekly-activity.ts';
import { FONT_FAMILY, OKABE_ITO } from '../../../src/analytics/charts/theme.ts';
import type { LearnerScore } from '../../../src/analytics/model/score.ts';

const context = { asOf: '2026-06-28', learners: 123 };
const OKABE_COLOURS = new Set<string>(Object.values(OKABE_ITO));

type Json = Record<string, unknown>;

function asJson(spec: TopLevelSpec): Json {
  return JSON.parse(JSON.stringify(spec)) as Json;
}

/** Every unit spec (top level, layers, vconcat). */
function units(spec: Json): Json[] {
  const children = [...((spec.layer as Json[]) ?? []), ...((spec.vconcat as Json[]) ?? [])];
  return spec.mark ? [spec, ...children.flatMap(units)] : children.flatMap(units);
}

function markTypes(spec: TopLevelSpec): string[] {
  return units(asJson(spec)).map((u) =>
    typeof u.mark === 'string' ? u.mark : String((u.mark as Json).type),
  );
}

function encodingOf(spec: TopLevelSpec, mark: string): Json {
  const unit = units(asJson(spec)).find(
    (u) => (typeof u.mark === 'string' ? u.mark : (u.mark as Json).type) === mark,
  );
  expect(unit, `a ${mark} layer`).toBeDefined();
  return (unit?.encoding as Json) ?? {};
}

/** Every colour literal in the spec (mark colours and scale ranges), config excluded. */
function colours(spec: TopLevelSpec): string[] {
  const { config: _config, ...rest } = asJson(spec);
  return [...JSON.stringify(rest).matchAll(/"(#[0-9A-Fa-f]{6})"/g)].map((m) => (m[1] ?? '').toUpperCase());
}

function expectChartBasics(spec: TopLevelSpec, title: string | RegExp, learners = context.learners): void {
  expect(() => compile(spec)).not.toThrow();
  const json = asJson(spec);
  const t = json.title as { text: string; subtitle: string[] };
  if (typeof title === 'string') expect(t.text).toBe(title);
  else expect(t.text).toMatch(title);
  expect(t.subtitle[0]).toContain(context.asOf);
  expect(t.subtitle[0]).toContain(`${learners.toLocaleString('en-US')} learner`);
  expect((json.config as Json).font).toBe(FONT_FAMILY);
  // Data colours are Okabe-Ito; greys for reference lines are allowed.
  for (const colour of colours(spec)) {
    if (!/^#(999999|333333|666666|FFFFFF)$/.test(colour)) expect(OKABE_COLOURS, colour).toContain(colour);
  }
}

function expectNoData(spec: TopLevelSpec, title: string | RegExp, learners = context.learners): void {
  expectChartBasics(spec, title, learners);
  expect(markTypes(spec)).toEqual(['text']);
  const values = (asJson(spec).data as { values: Json[] }).values;
  expect(String(values[0]?.message)).toMatch(/^No (data|activity)/);
}

/** Axis titles must be words, not field names. */
function expectAxisTitles(encoding: Json, channels: string[]): void {
  for (const channel of channels) {
    const title = (encoding[channel] as Json | undefined)?.title;
    expect(typeof title, `${channel} title`).toBe('string');
    expect(String(title)).not.toMatch(/_/);
  }
}

describe('EDA spec builders', () => {
  test('weekly activity: bars per week from week_start to the next Monday', () => {
    const spec = weeklyActivitySpec(
      [
        { week_start: '2026-06-15', active_learners: 10, sessions: 30 },
        { week_start: '2026-06-22', active_learners: 12, sessions: 40 },
      ],
      context,
    );
    expectChartBasics(spec, 'Active learners per week');
    expect(markTypes(spec)).toEqual(['bar']);
    const encoding = encodingOf(spec, 'bar');
    expectAxisTitles(encoding, ['x', 'y']);
    expect((encoding.y as Json).field).toBe('active_learners');
    const values = (asJson(spec).data as { values: Json[] }).values;
    expect(values[0]?.next_week_start).toBe('2026-06-22');
    expect(values[1]?.next_week_start).toBe('2026-06-29');
    expectNoData(weeklyActivitySpec([], context), 'Active learners per week');
  });

  test('outcomes by course: stacked bars coloured by outcome', () => {
    const spec = outcomesByCourseSpec(
      [
        { course_name: 'Course one', outcome: 'completed', learners: 3 },
        { course_name: 'Course one', outcome: 'dropped', learners: 2 },
      ],
      context,
    );
    expectChartBasics(spec, 'Learner outcomes by course');
    const encoding = encodingOf(spec, 'bar');
    expectAxisTitles(encoding, ['x', 'y']);
    expect((encoding.color as Json).field).toBe('outcome');
    expect(((encoding.color as Json).scale as Json).domain).toEqual(['completed', 'dropped', 'open']);
    expectNoData(outcomesByCourseSpec([], context), 'Learner outcomes by course');
  });

  test('module funnel: started and completed side by side, taller with more modules', () => {
    const rows = Array.from({ length: 30 }, (_, i) => [
      { module_label: `C · ${String(i).padStart(2, '0')} M`, stage: 'started' as const, learners: 10 },
      { module_label: `C · ${String(i).padStart(2, '0')} M`, stage: 'completed' as const, learners: 5 },
    ]).flat();
    const spec = moduleFunnelSpec(rows, context);
    expectChartBasics(spec, /^Module funnel/);
    const encoding = encodingOf(spec, 'bar');
    expectAxisTitles(encoding, ['x', 'y']);
    expect((encoding.yOffset as Json).field).toBe('stage');
    expect(asJson(spec).height).toBe(30 * 22);
    expectNoData(moduleFunnelSpec([], context), /^Module funnel/);
  });

  test('quiz scores: pre-binned 10-point bars on a 0-100 axis', () => {
    const spec = quizScoresSpec(
      [
        { score_bin: 60, outcome: 'completed', attempts: 4 },
        { score_bin: 90, outcome: 'dropped', attempts: 1 },
      ],
      context,
    );
    expectChartBasics(spec, 'Quiz score distribution by learner outcome');
    const encoding = encodingOf(spec, 'bar');
    expectAxisTitles(encoding, ['x', 'y']);
    expect((encoding.x2 as Json).field).toBe('score_end');
    expect(((asJson(spec).data as { values: Json[] }).values[1] as Json).score_end).toBe(100);
    expectNoData(quizScoresSpec([], context), 'Quiz score distribution by learner outcome');
  });

  test('engagement by outcome: a line per outcome over weeks of study', () => {
    const spec = engagementByOutcomeSpec(
      [
        { week_index: 1, outcome: 'completed', learners: 5, mean_sessions: 2 },
        { week_index: 2, outcome: 'completed', learners: 5, mean_sessions: 1.5 },
      ],
      context,
    );
    expectChartBasics(spec, 'Sessions per week of study, by outcome');
    const encoding = encodingOf(spec, 'line');
    expectAxisTitles(encoding, ['x', 'y']);
    expect((encoding.color as Json).field).toBe('outcome');
    expectNoData(engagementByOutcomeSpec([], context), 'Sessions per week of study, by outcome');
  });

  test('learner profile: three panels, risk and drivers in the subtitle', () => {
    const score: LearnerScore = {
      userId: 'U1',
      weekIndex: 3,
      completionProbability: 0.2,
      riskScore: 0.8,
      riskBand: 'high',
      atRisk: true,
      drivers: [{ feature: 'sessions', push: 1, value: 0, typical: 2, text: 'no sessions this week' }],
    };
    const rows = [
      { week_start: '2026-06-15', week_index: 1, sessions: 2, avg_progress: 40, avg_quiz_score: null },
      { week_start: '2026-06-22', week_index: 2, sessions: 0, avg_progress: null, avg_quiz_score: 70 },
    ];
    const spec = learnerProfileSpec('U1', rows, score, { asOf: context.asOf });
    expectChartBasics(spec, 'Learner profile: U1', 1);
    const json = asJson(spec);
    expect((json.vconcat as Json[]).length).toBe(3);
    const subtitle = (json.title as { subtitle: string[] }).subtitle.join(' ');
    expect(subtitle).toContain('Risk 80% (high, at risk)');
    expect(subtitle).toContain('no sessions this week');
    expect(markTypes(spec)).toEqual(['line', 'line', 'line']);
    expect((json.data as { values: Json[] }).values).toHaveLength(6);
    const unscored = learnerProfileSpec('U1', rows, null, { asOf: context.asOf });
    expect((asJson(unscored).title as { subtitle: string[] }).subtitle[1]).toMatch(/^Not scored/);
    expectNoData(learnerProfileSpec('U9', [], null, { asOf: context.asOf }), 'Learner profile: U9', 0);
  });
});

describe('model spec builders', () => {
  const evaluation = {
    cvAuc: 0.81,
    prAuc: 0.77,
    roc: { fpr: [0, 0.2, 1], tpr: [0, 0.7, 1] },
    pr: { precision: [0.5, 0.8, 1], recall: [1, 0.5, 0] },
    calibration: [
      { bin: 0, lower: 0, upper: 0.1, count: 0, mean_predicted: null, observed_rate: null },
      { bin: 5, lower: 0.5, upper: 0.6, count: 20, mean_predicted: 0.55, observed_rate: 0.5 },
    ],
    aucByWeek: [
      { weeks: '1', rows: 10, auc: 0.7 },
      { weeks: '2', rows: 0, auc: null },
    ],
  };

  test('ROC: the curve over a chance diagonal, AUC in the subtitle', () => {
    const spec = rocCurveSpec(evaluation, context);
    expectChartBasics(spec, 'ROC curve (out-of-fold)');
    expect(markTypes(spec)).toEqual(['line', 'line']);
    const json = asJson(spec);
    expect((json.title as { subtitle: string[] }).subtitle[1]).toContain('0.810');
    const curve = (json.layer as Json[])[1] as Json;
    expectAxisTitles(curve.encoding as Json, ['x', 'y']);
    expect((curve.data as { values: Json[] }).values).toEqual([
      { fpr: 0, tpr: 0 },
      { fpr: 0.2, tpr: 0.7 },
      { fpr: 1, tpr: 1 },
    ]);
    expectNoData(rocCurveSpec(null, context), 'ROC curve (out-of-fold)');
  });

  test('PR: the curve and the base-rate rule', () => {
    const spec = prCurveSpec({ ...evaluation, baseRate: 0.43 }, context);
    expectChartBasics(spec, /^Precision-recall/);
    expect(markTypes(spec)).toEqual(['rule', 'line']);
    expect((asJson(spec).title as { subtitle: string[] }).subtitle[1]).toContain('base rate 0.430');
    expectAxisTitles(encodingOf(spec, 'line'), ['x', 'y']);
    expectNoData(prCurveSpec(null, context), /^Precision-recall/);
  });

  test('calibration: empty bins are left out', () => {
    const spec = calibrationSpec(evaluation.calibration, context);
    expectChartBasics(spec, /^Calibration/);
    expect(markTypes(spec)).toEqual(['line', 'line', 'circle']);
    const points = (asJson(spec).layer as Json[])[2] as Json;
    expect((points.data as { values: Json[] }).values).toHaveLength(1);
    expectAxisTitles(points.encoding as Json, ['x', 'y']);
    expectNoData(calibrationSpec([evaluation.calibration[0] as never], context), /^Calibration/);
  });

  test('AUC by week: bars for the weeks with an AUC and a rule at the overall AUC', () => {
    const spec = aucByWeekSpec(evaluation, context);
    expectChartBasics(spec, /AUC by week of study/);
    expect(markTypes(spec)).toEqual(['bar', 'rule']);
    const bars = (asJson(spec).layer as Json[])[0] as Json;
    expect((bars.data as { values: Json[] }).values).toHaveLength(1);
    expectAxisTitles(bars.encoding as Json, ['x', 'y']);
    expectNoData(aucByWeekSpec(null, context), /AUC by week of study/);
  });

  test('feature effects: log-scale bars growing from 1, coloured by direction', () => {
    const spec = featureEffectsSpec(
      [
        { feature: 'sessions', oddsRatioPerSd: 1.8 },
        { feature: 'inactivity_days', oddsRatioPerSd: 0.5 },
      ],
      context,
    );
    expectChartBasics(spec, 'What moves the odds of completing');
    expect(markTypes(spec)).toEqual(['bar', 'rule']);
    const encoding = encodingOf(spec, 'bar');
    expectAxisTitles(encoding, ['x', 'y']);
    expect(((encoding.x as Json).scale as Json).type).toBe('log');
    expect(encoding.x2).toEqual({ datum: 1 });
    const bars = (asJson(spec).layer as Json[])[0] ?? {};
    const values = (bars.data as { values: Json[] }).values;
    expect(values.map((v) => v.direction)).toEqual(['raises completion', 'lowers completion']);
    expectNoData(featureEffectsSpec([], context), 'What moves the odds of completing');
  });

  test('risk distribution: histogram by band and the threshold rule', () => {
    const scores = [
      { riskScore: 0.9, riskBand: 'high' as const },
      { riskScore: 0.1, riskBand: 'low' as const },
    ];
    const spec = riskDistributionSpec(scores, 0.37, context);
    expectChartBasics(spec, 'Risk scores of open learners');
    expect(markTypes(spec)).toEqual(['bar', 'rule']);
    const encoding = encodingOf(spec, 'bar');
    expectAxisTitles(encoding, ['x', 'y']);
    expect((encoding.color as Json).field).toBe('band');
    expect(markTypes(riskDistributionSpec(scores, null, context))).toEqual(['bar']);
    expectNoData(riskDistributionSpec([], 0.4, context), 'Risk scores of open learners');
  });
});

test('the catalog lists every chart once, with what it needs', () => {
  expect(CHART_CATALOG.map((c) => c.id)).toEqual([...CHART_IDS]);
  for (const entry of CHART_CATALOG) {
    expect(entry.title.length).toBeGreaterThan(0);
    expect(entry.description.length).toBeGreaterThan(0);
    expect(entry.needs.length).toBeGreaterThan(0);
    expect(entry.query !== null).toBe(entry.needs.includes('db'));
  }
});
