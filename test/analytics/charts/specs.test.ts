/**
 * Each spec builder on a few hand-made rows: it compiles, has the title block, the shipped font, the
 * Okabe-Ito colours, the marks and encodings it promises, and says "no data" when given nothing.
 */

import { compile, type TopLevelSpec } from 'vega-lite';
import { describe, expect, test } from 'vitest';
import { CHART_CATALOG, CHART_IDS, chartEntry, isChartId } from '../../../src/analytics/charts/catalog.ts';
import { aucByWeekSpec } from '../../../src/analytics/charts/specs/auc-by-week.ts';
import { calibrationSpec } from '../../../src/analytics/charts/specs/calibration.ts';
import { cohortRetentionSpec } from '../../../src/analytics/charts/specs/cohort-retention.ts';
import {
  departmentCompletionSpec,
  departmentsByCompletion,
} from '../../../src/analytics/charts/specs/department-completion.ts';
import { inactivityVsOutcomeSpec } from '../../../src/analytics/charts/specs/inactivity-vs-outcome.ts';
import { learnerProfileSpec } from '../../../src/analytics/charts/specs/learner-profile.ts';
import { modelCoefficientsSpec } from '../../../src/analytics/charts/specs/model-coefficients.ts';
import { moduleCompletionSpec } from '../../../src/analytics/charts/specs/module-completion.ts';
import { progressDistributionSpec } from '../../../src/analytics/charts/specs/progress-distribution.ts';
import {
  quizScoreBins,
  quizScoresSpec,
  weeklyQuizMeans,
} from '../../../src/analytics/charts/specs/quiz-scores.ts';
import { riskDistributionSpec } from '../../../src/analytics/charts/specs/risk-distribution.ts';
import { rocPrSpec } from '../../../src/analytics/charts/specs/roc-pr.ts';
import { statusFunnelSpec } from '../../../src/analytics/charts/specs/status-funnel.ts';
import { weeklyEngagementSpec } from '../../../src/analytics/charts/specs/weekly-engagement.ts';
import { FONT_FAMILY, OKABE_ITO } from '../../../src/analytics/charts/theme.ts';
import type { LearnerScore } from '../../../src/analytics/model/score.ts';

const context = { asOf: '2026-06-28', learners: 123 };
const OKABE_COLOURS = new Set<string>(Object.values(OKABE_ITO));

type Json = Record<string, unknown>;

function asJson(spec: TopLevelSpec): Json {
  return JSON.parse(JSON.stringify(spec)) as Json;
}

/** Every unit spec (top level, layers, vconcat, hconcat). */
function units(spec: Json): Json[] {
  const children = [
    ...((spec.layer as Json[]) ?? []),
    ...((spec.vconcat as Json[]) ?? []),
    ...((spec.hconcat as Json[]) ?? []),
  ];
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

function dataValues(spec: Json): Json[] {
  return (spec.data as { values: Json[] }).values;
}

function subtitleText(spec: TopLevelSpec): string {
  return (asJson(spec).title as { subtitle: string[] }).subtitle.join(' ');
}

describe('EDA spec builders', () => {
  test('progress-distribution: pre-binned 10-point bars on a 0-100 axis', () => {
    const spec = progressDistributionSpec(
      [
        { progress_bin: 0, learner_modules: 3 },
        { progress_bin: 90, learner_modules: 12 },
      ],
      context,
    );
    expectChartBasics(spec, /lesson progress/);
    expect(markTypes(spec)).toEqual(['bar']);
    const encoding = encodingOf(spec, 'bar');
    expectAxisTitles(encoding, ['x', 'y']);
    expect((encoding.x as Json).field).toBe('progress_bin');
    expect((encoding.x2 as Json).field).toBe('progress_end');
    expect(dataValues(asJson(spec))[1]?.progress_end).toBe(100);
    expectNoData(progressDistributionSpec([], context), /lesson progress/);
  });

  test('module-completion: a bar per module in the query order, labelled with rate and base', () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({
      module_label: `Course · ${String(30 - i).padStart(2, '0')} M`,
      started: i === 0 ? 0 : 10,
      completed: i === 0 ? 0 : 5,
      completion_rate: i === 0 ? null : 0.5,
    }));
    const spec = moduleCompletionSpec(rows, context);
    expectChartBasics(spec, 'Completion rate per module');
    expect(markTypes(spec)).toEqual(['bar', 'text']);
    const bar = encodingOf(spec, 'bar');
    expectAxisTitles(bar, ['x', 'y']);
    expect((bar.x as Json).field).toBe('completion_rate');
    // Course and sequence order is the query's, not the alphabet's.
    expect((bar.y as Json).sort).toEqual(rows.map((r) => r.module_label));
    expect(asJson(spec).height).toBe(30 * 16);
    const labels = dataValues(asJson(spec)).map((v) => v.label);
    expect(labels[0]).toBe('nobody started');
    expect(labels[1]).toBe('50% of 10');
    expectNoData(moduleCompletionSpec([], context), 'Completion rate per module');
  });

  test('quiz-scores: the distribution over all weeks and the weekly mean, side by side', () => {
    const rows = [
      { week_start: '2026-06-15', score_bin: 60, attempts: 2, score_sum: 130 },
      { week_start: '2026-06-15', score_bin: 90, attempts: 1, score_sum: 100 },
      { week_start: '2026-06-22', score_bin: 60, attempts: 1, score_sum: 61 },
    ];
    expect(quizScoreBins(rows)).toEqual([
      { score_bin: 60, score_end: 70, attempts: 3 },
      { score_bin: 90, score_end: 100, attempts: 1 },
    ]);
    expect(weeklyQuizMeans(rows)).toEqual([
      { week_start: '2026-06-15', attempts: 3, mean_score: 230 / 3 },
      { week_start: '2026-06-22', attempts: 1, mean_score: 61 },
    ]);
    const spec = quizScoresSpec(rows, context);
    expectChartBasics(spec, /^Quiz scores/);
    expect(markTypes(spec)).toEqual(['bar', 'line']);
    const bars = encodingOf(spec, 'bar');
    const line = encodingOf(spec, 'line');
    expectAxisTitles(bars, ['x', 'y']);
    expectAxisTitles(line, ['x', 'y']);
    expect((bars.x2 as Json).field).toBe('score_end');
    expect((line.y as Json).field).toBe('mean_score');
    expect((line.x as Json).type).toBe('temporal');
    expect(subtitleText(spec)).toContain('4 scored quiz attempts');
    expectNoData(quizScoresSpec([], context), /^Quiz scores/);
  });

  test('weekly-engagement: three panels (active learners, sessions, modules completed) over weeks', () => {
    const rows = [
      { week_start: '2026-06-15', active_learners: 10, sessions: 30, modules_completed: 4 },
      { week_start: '2026-06-22', active_learners: 12, sessions: 40, modules_completed: 6 },
    ];
    const spec = weeklyEngagementSpec(rows, context);
    expectChartBasics(spec, 'Weekly engagement');
    expect(markTypes(spec)).toEqual(['line', 'line', 'line']);
    const panels = asJson(spec).vconcat as Json[];
    expect(panels.map((p) => ((p.encoding as Json).y as Json).title)).toEqual([
      'Active learners',
      'Sessions',
      'Modules completed',
    ]);
    expectAxisTitles(panels[2]?.encoding as Json, ['x', 'y']);
    expect(dataValues(asJson(spec))).toHaveLength(6);
    // As-of 2026-06-28 is the Sunday of the last week: a full week, no note.
    expect(subtitleText(spec)).not.toContain('partial');
    const partial = weeklyEngagementSpec(rows, { ...context, asOf: '2026-06-24' });
    expect(subtitleText(partial)).toContain('the week of 2026-06-22 is partial');
    expectNoData(weeklyEngagementSpec([], context), 'Weekly engagement');
  });

  test('status-funnel: started, in progress and completed per course, in the query order', () => {
    const stages = (course: string, counts: number[]) =>
      ['started', 'in_progress', 'completed'].map((stage, i) => ({
        course_name: course,
        stage,
        stage_order: i + 1,
        learners: counts[i] ?? 0,
        share_of_started: (counts[i] ?? 0) / (counts[0] ?? 1),
      }));
    const spec = statusFunnelSpec([...stages('Zeta', [10, 8, 4]), ...stages('Alpha', [5, 5, 1])], context);
    expectChartBasics(spec, /^Status funnel/);
    expect(markTypes(spec)).toEqual(['bar', 'text']);
    const bar = encodingOf(spec, 'bar');
    expectAxisTitles(bar, ['x', 'y']);
    expect((bar.y as Json).sort).toEqual(['Zeta', 'Alpha']);
    expect((bar.yOffset as Json).field).toBe('stage_label');
    expect(((bar.color as Json).scale as Json).domain).toEqual([
      'Started',
      'In progress',
      'Completed the course',
    ]);
    expect(dataValues(asJson(spec)).map((v) => v.share_label)).toContain('4 (40%)');
    expectNoData(statusFunnelSpec([], context), /^Status funnel/);
  });

  test('cohort-retention: a heatmap of cohort x week of study coloured by the active share', () => {
    const spec = cohortRetentionSpec(
      [
        {
          cohort_week: '2026-06-15',
          cohort_learners: 20,
          week_index: 1,
          active_learners: 20,
          active_share: 1,
        },
        {
          cohort_week: '2026-06-15',
          cohort_learners: 20,
          week_index: 2,
          active_learners: 5,
          active_share: 0.25,
        },
        { cohort_week: '2026-06-22', cohort_learners: 8, week_index: 1, active_learners: 8, active_share: 1 },
      ],
      context,
    );
    expectChartBasics(spec, /^Cohort retention/);
    expect(markTypes(spec)).toEqual(['rect']);
    const encoding = encodingOf(spec, 'rect');
    expectAxisTitles(encoding, ['x', 'y']);
    expect((encoding.x as Json).field).toBe('week_index');
    expect((encoding.y as Json).sort).toEqual(['2026-06-15 (20)', '2026-06-22 (8)']);
    expect((encoding.color as Json).field).toBe('active_share');
    expect(((encoding.color as Json).scale as Json).domain).toEqual([0, 1]);
    expectNoData(cohortRetentionSpec([], context), /^Cohort retention/);
  });

  test('department-completion: outcome shares stacked to 100%, best completion first', () => {
    const rows = [
      { department: 'HR', outcome: 'completed', learners: 1, department_learners: 4, share: 0.25 },
      { department: 'HR', outcome: 'dropped', learners: 3, department_learners: 4, share: 0.75 },
      { department: 'Legal', outcome: 'completed', learners: 2, department_learners: 2, share: 1 },
    ];
    expect(departmentsByCompletion(rows)).toEqual(['Legal (2)', 'HR (4)']);
    const spec = departmentCompletionSpec(rows, context);
    expectChartBasics(spec, 'Outcomes by department');
    expect(markTypes(spec)).toEqual(['bar', 'text']);
    const json = asJson(spec);
    const shared = json.encoding as Json;
    expectAxisTitles(shared, ['x', 'y']);
    expect((shared.x as Json).field).toBe('share');
    expect((shared.y as Json).sort).toEqual(['Legal (2)', 'HR (4)']);
    const colour = encodingOf(spec, 'bar').color as Json;
    expect(colour.field).toBe('outcome');
    expect((colour.scale as Json).domain).toEqual(['completed', 'dropped', 'open']);
    expectNoData(departmentCompletionSpec([], context), 'Outcomes by department');
  });

  test('inactivity-vs-outcome: a box plot per outcome from the five numbers', () => {
    const spec = inactivityVsOutcomeSpec(
      [
        { outcome: 'open', learners: 5, p10: 0, q1: 1, median: 2, q3: 7, p90: 12 },
        { outcome: 'dropped', learners: 9, p10: 31, q1: 47, median: 80, q3: 116, p90: 147 },
      ],
      context,
    );
    expectChartBasics(spec, /by outcome/);
    expect(markTypes(spec)).toEqual(['rule', 'bar', 'tick', 'text']);
    const whiskers = encodingOf(spec, 'rule');
    expectAxisTitles(whiskers, ['x', 'y']);
    expect([(whiskers.x as Json).field, (whiskers.x2 as Json).field]).toEqual(['p10', 'p90']);
    const box = encodingOf(spec, 'bar');
    expect([(box.x as Json).field, (box.x2 as Json).field]).toEqual(['q1', 'q3']);
    // Outcomes in the theme's order, whatever order the rows come in.
    expect((box.y as Json).sort).toEqual(['dropped (9)', 'open (5)']);
    expectNoData(inactivityVsOutcomeSpec([], context), /by outcome/);
  });

  test('learner-profile: three panels, risk and drivers in the subtitle', () => {
    const score: LearnerScore = {
      userId: 'U1',
      courseId: 'C1',
      enrolledOn: '2026-05-04',
      neverActive: false,
      rankInCourse: 1,
      listReason: 'top 5 of 40 in C1',
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
    const subtitle = subtitleText(spec);
    expect(subtitle).toContain('Risk 80% (high, at risk)');
    expect(subtitle).toContain('no sessions this week');
    expect(markTypes(spec)).toEqual(['line', 'line', 'line']);
    expect(dataValues(json)).toHaveLength(6);
    for (const panel of json.vconcat as Json[]) expectAxisTitles(panel.encoding as Json, ['x', 'y']);
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

  test('roc-pr: the ROC curve over the chance diagonal next to the PR curve over the base rate', () => {
    const spec = rocPrSpec({ ...evaluation, baseRate: 0.43 }, context);
    expectChartBasics(spec, /^ROC and precision-recall/);
    expect(markTypes(spec)).toEqual(['line', 'line', 'rule', 'line']);
    const json = asJson(spec);
    const [roc = {}, pr = {}] = json.hconcat as Json[];
    expect(JSON.stringify(roc.title)).toContain('AUC 0.810');
    expect(JSON.stringify(pr.title)).toContain('0.770');
    expect(subtitleText(spec)).toContain('base rate 0.430');
    const rocCurve = (roc.layer as Json[])[1] as Json;
    expectAxisTitles(rocCurve.encoding as Json, ['x', 'y']);
    expect(dataValues(rocCurve)).toEqual([
      { fpr: 0, tpr: 0 },
      { fpr: 0.2, tpr: 0.7 },
      { fpr: 1, tpr: 1 },
    ]);
    const prCurve = (pr.layer as Json[])[1] as Json;
    expectAxisTitles(prCurve.encoding as Json, ['x', 'y']);
    expect(dataValues(prCurve)[0]).toEqual({ recall: 1, precision: 0.5 });
    // Without a base rate there is no rule to draw, but the curves still are.
    expect(markTypes(rocPrSpec({ ...evaluation, baseRate: null }, context))).toEqual([
      'line',
      'line',
      'line',
    ]);
    expectNoData(rocPrSpec(null, context), /^ROC and precision-recall/);
  });

  test('calibration: empty bins are left out', () => {
    const spec = calibrationSpec(evaluation.calibration, context);
    expectChartBasics(spec, /^Calibration/);
    expect(markTypes(spec)).toEqual(['line', 'line', 'circle']);
    const points = (asJson(spec).layer as Json[])[2] as Json;
    expect(dataValues(points)).toHaveLength(1);
    expectAxisTitles(points.encoding as Json, ['x', 'y']);
    expectNoData(calibrationSpec([evaluation.calibration[0] as never], context), /^Calibration/);
  });

  test('auc-by-week: bars for the weeks with an AUC and a rule at the overall AUC', () => {
    const spec = aucByWeekSpec(evaluation, context);
    expectChartBasics(spec, /AUC by week of study/);
    expect(markTypes(spec)).toEqual(['bar', 'rule']);
    const bars = (asJson(spec).layer as Json[])[0] as Json;
    expect(dataValues(bars)).toHaveLength(1);
    expectAxisTitles(bars.encoding as Json, ['x', 'y']);
    expectNoData(aucByWeekSpec(null, context), /AUC by week of study/);
  });

  test('model-coefficients: log-scale bars from 1, strongest first, coloured by direction', () => {
    const spec = modelCoefficientsSpec(
      [
        { feature: 'sessions', oddsRatioPerSd: 1.8 },
        { feature: 'flat', oddsRatioPerSd: 1 },
        { feature: 'inactivity_days', oddsRatioPerSd: 0.25 },
      ],
      context,
    );
    expectChartBasics(spec, 'What moves the odds of completing');
    expect(markTypes(spec)).toEqual(['bar', 'rule']);
    const encoding = encodingOf(spec, 'bar');
    expectAxisTitles(encoding, ['x', 'y']);
    expect(((encoding.x as Json).scale as Json).type).toBe('log');
    expect(encoding.x2).toEqual({ datum: 1 });
    // 0.25 is a stronger effect than 1.8: |log 0.25| > |log 1.8|.
    expect((encoding.y as Json).sort).toEqual(['inactivity_days', 'sessions', 'flat']);
    const bars = (asJson(spec).layer as Json[])[0] ?? {};
    expect(dataValues(bars).map((v) => v.direction)).toEqual([
      'lowers completion',
      'raises completion',
      'no effect',
    ]);
    expectNoData(modelCoefficientsSpec([], context), 'What moves the odds of completing');
  });

  test('risk-distribution: histogram by band and the threshold rule', () => {
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
    expect(((encoding.color as Json).scale as Json).domain).toEqual(['high', 'medium', 'low']);
    expect(markTypes(riskDistributionSpec(scores, null, context))).toEqual(['bar']);
    expectNoData(riskDistributionSpec([], 0.4, context), 'Risk scores of open learners');
  });
});

describe('catalog', () => {
  test('the 14 charts of the issue, with their kebab-case ids, each listed once', () => {
    expect([...CHART_IDS]).toEqual([
      'progress-distribution',
      'module-completion',
      'quiz-scores',
      'weekly-engagement',
      'status-funnel',
      'cohort-retention',
      'department-completion',
      'inactivity-vs-outcome',
      'risk-distribution',
      'model-coefficients',
      'roc-pr',
      'calibration',
      'auc-by-week',
      'learner-profile',
    ]);
    expect(CHART_CATALOG.map((c) => c.id)).toEqual([...CHART_IDS]);
    for (const entry of CHART_CATALOG) {
      expect(entry.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(entry.title.length).toBeGreaterThan(0);
      expect(entry.description.length).toBeGreaterThan(0);
      expect(entry.needs.length).toBeGreaterThan(0);
      expect(entry.query !== null).toBe(entry.needs.includes('db'));
      if (entry.query) expect(entry.query).toMatch(/^eda_[a-z_]+$/);
    }
    expect(chartEntry('roc-pr').needs).toEqual(['evaluation']);
  });

  test('isChartId accepts exactly the catalogue ids, never a path or an old snake_case name', () => {
    for (const id of CHART_IDS) expect(isChartId(id)).toBe(true);
    for (const name of [
      '',
      'roc_curve',
      'learner_profile',
      'ROC-PR',
      ' roc-pr',
      '../roc-pr',
      'roc-pr/../../etc/passwd',
      'charts/roc-pr',
      'toString',
      '__proto__',
    ])
      expect(isChartId(name), name).toBe(false);
  });
});
