/**
 * The whole chart set on a real run (800 generated learners): the EDA queries read the pipeline's
 * tables, every chart renders to a PNG of sensible size, the files are written, and a run without a
 * model still draws every chart (saying "no data" where it has none).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CHART_CATALOG, CHART_IDS } from '../../../src/analytics/charts/catalog.ts';
import {
  type AnalysisPieces,
  buildChartSet,
  type ChartOutput,
  type ModelInputs,
  modelInputsFromAnalysis,
  readOverview,
  writeCharts,
} from '../../../src/analytics/charts/index.ts';
import { renderChart, specToSvg } from '../../../src/analytics/charts/render.ts';
import { noDataSpec } from '../../../src/analytics/charts/theme.ts';
import { type AnalysedRun, analysedRun } from '../../helpers/analysis-run.ts';
import { removeTempDirs, tempDir } from '../../helpers/fs.ts';

let run: AnalysedRun;
let inputs: ModelInputs;
let learnerId: string;
let charts: ChartOutput[];

beforeAll(async () => {
  run = await analysedRun();
  // The lead passes the AnalysisResult as it is: this line is the type check of that.
  const pieces: AnalysisPieces = run.result;
  inputs = modelInputsFromAnalysis(pieces);
  learnerId = run.result.scores?.find((s) => s.atRisk)?.userId ?? '';
  charts = await buildChartSet(run.db, inputs, { asOf: run.asOf, learnerId });
}, 180_000);

afterAll(() => {
  run?.db.close();
  removeTempDirs();
});

describe('EDA queries on the pipeline tables', () => {
  test('the overview counts agree with the run', async () => {
    const overview = await readOverview(run.db, run.asOf);
    // The overview counts learners; the run's outcomes are per enrolment (a learner in two courses
    // counts twice there). A learner is open while any enrolment is, completed when every one is.
    const enrolments = await run.db.all<{ user_id: string; outcome: string }>(
      'SELECT user_id, outcome FROM learner_outcomes',
    );
    expect(enrolments.length).toBe(Object.values(run.result.outcomes).reduce((a, b) => a + b, 0));
    const byLearner = new Map<string, string[]>();
    for (const e of enrolments) byLearner.set(e.user_id, [...(byLearner.get(e.user_id) ?? []), e.outcome]);
    const overall = [...byLearner.values()].map((o) =>
      o.includes('open') ? 'open' : o.every((x) => x === 'completed') ? 'completed' : 'dropped',
    );
    expect(byLearner.size).toBeLessThan(enrolments.length);
    expect(overview.learners).toBe(byLearner.size);
    expect(overview.completed).toBe(overall.filter((o) => o === 'completed').length);
    expect(overview.dropped).toBe(overall.filter((o) => o === 'dropped').length);
    // The completion rate's counts are enrolments, as in learner_outcomes.csv and the digest.
    expect(overview.enrolments_completed).toBe(run.result.outcomes.completed);
    expect(overview.enrolments_dropped).toBe(run.result.outcomes.dropped);
    expect(overview.active_last_7_days).toBeGreaterThan(0);
    expect(overview.active_last_7_days).toBeLessThanOrEqual(overview.learners);
  });

  const count = async (sql: string) => Number((await run.db.all<{ n: bigint }>(sql))[0]?.n);

  test('every EDA chart query says how many learners it speaks for, never more than there are', async () => {
    const overview = await readOverview(run.db, run.asOf);
    for (const entry of CHART_CATALOG.filter((c) => c.query && c.id !== 'learner-profile')) {
      if (!entry.query) continue;
      const rows = await run.db.query<{ chart_learners: number }>(entry.query);
      expect(rows.length, entry.id).toBeGreaterThan(0);
      expect(new Set(rows.map((r) => r.chart_learners)).size, entry.id).toBe(1);
      expect(rows[0]?.chart_learners, entry.id).toBeGreaterThan(0);
      expect(rows[0]?.chart_learners, entry.id).toBeLessThanOrEqual(overview.learners);
    }
  });

  test('progress distribution: every learner-module with lesson progress counted once, bins 0-90', async () => {
    const rows = await run.db.query<{ progress_bin: number; learner_modules: number }>(
      'eda_progress_distribution',
    );
    const pairs = await count(
      `SELECT count(DISTINCT (user_id, module_id)) AS n FROM int_events WHERE source = 'lesson' AND progress IS NOT NULL`,
    );
    expect(rows.reduce((sum, r) => sum + r.learner_modules, 0)).toBe(pairs);
    for (const r of rows) expect([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]).toContain(r.progress_bin);
  });

  test('module completion: a row per kept module in course then sequence order, completed <= started', async () => {
    const rows = await run.db.query<{
      course_id: string;
      sequence_no: number;
      started: number;
      completed: number;
      completion_rate: number | null;
    }>('eda_module_completion');
    expect(rows.length).toBe(
      await count('SELECT count(*) AS n FROM int_modules_checked WHERE exclusion_reason IS NULL'),
    );
    const keys = rows.map((r) => `${r.course_id}|${String(r.sequence_no).padStart(4, '0')}`);
    expect(keys).toEqual([...keys].sort());
    for (const r of rows) {
      expect(r.completed).toBeLessThanOrEqual(r.started);
      if (r.started > 0) expect(r.completion_rate).toBeCloseTo(r.completed / r.started, 12);
      else expect(r.completion_rate).toBeNull();
    }
  });

  test('quiz scores: every kept quiz attempt counted once, in bins 0-90', async () => {
    const rows = await run.db.query<{ score_bin: number; attempts: number; week_start: string }>(
      'eda_quiz_scores',
    );
    const quizzes = await count(
      `SELECT count(*) AS n FROM int_events WHERE source = 'quiz' AND score IS NOT NULL`,
    );
    expect(rows.reduce((sum, r) => sum + r.attempts, 0)).toBe(quizzes);
    for (const r of rows) {
      expect([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]).toContain(r.score_bin);
      expect(r.week_start).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  test('weekly engagement: one row per week, never more active learners than learners', async () => {
    const rows = await run.db.query<{
      week_start: string;
      active_learners: number;
      sessions: number;
      modules_completed: number;
    }>('eda_weekly_engagement');
    const overview = await readOverview(run.db, run.asOf);
    expect(rows.length).toBeGreaterThan(10);
    expect(new Set(rows.map((r) => r.week_start)).size).toBe(rows.length);
    for (const r of rows) {
      expect(r.week_start).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(r.active_learners).toBeLessThanOrEqual(overview.learners);
    }
    const completions = await count(
      `SELECT count(DISTINCT (user_id, module_id)) AS n FROM int_events WHERE source = 'lesson' AND status = 'completed'`,
    );
    expect(rows.reduce((sum, r) => sum + r.modules_completed, 0)).toBe(completions);
  });

  test('status funnel: three stages per course that never grow', async () => {
    const rows = await run.db.query<{ course_id: string; stage: string; learners: number }>(
      'eda_status_funnel',
    );
    const byCourse = new Map<string, number[]>();
    for (const r of rows) byCourse.set(r.course_id, [...(byCourse.get(r.course_id) ?? []), r.learners]);
    expect(byCourse.size).toBeGreaterThan(1);
    expect(rows.slice(0, 3).map((r) => r.stage)).toEqual(['started', 'in_progress', 'completed']);
    for (const [started = 0, inProgress = 0, completed = 0] of byCourse.values()) {
      expect(started).toBeGreaterThan(0);
      expect(inProgress).toBeLessThanOrEqual(started);
      expect(completed).toBeLessThanOrEqual(inProgress);
    }
  });

  test('cohort retention: every learner in one cohort, all active in week 1, shares in [0, 1]', async () => {
    const rows = await run.db.query<{
      cohort_week: string;
      cohort_learners: number;
      week_index: number;
      active_share: number;
      chart_learners: number;
    }>('eda_cohort_retention');
    const firstWeeks = rows.filter((r) => r.week_index === 1);
    expect(firstWeeks.reduce((sum, r) => sum + r.cohort_learners, 0)).toBe(rows[0]?.chart_learners);
    for (const r of firstWeeks) expect(r.active_share).toBe(1);
    for (const r of rows) {
      expect(r.week_index).toBeLessThanOrEqual(26);
      expect(r.active_share).toBeGreaterThanOrEqual(0);
      expect(r.active_share).toBeLessThanOrEqual(1);
    }
  });

  test('department completion: shares add up to 1 in each department, learners to all learners', async () => {
    const rows = await run.db.query<{ department: string; learners: number; share: number }>(
      'eda_department_completion',
    );
    const overview = await readOverview(run.db, run.asOf);
    expect(rows.reduce((sum, r) => sum + r.learners, 0)).toBe(overview.learners);
    const shares = new Map<string, number>();
    for (const r of rows) shares.set(r.department, (shares.get(r.department) ?? 0) + r.share);
    for (const total of shares.values()) expect(total).toBeCloseTo(1, 12);
  });

  test('inactivity vs outcome: ordered quantiles for each outcome', async () => {
    const rows = await run.db.query<{
      outcome: string;
      learners: number;
      p10: number;
      q1: number;
      median: number;
      q3: number;
      p90: number;
    }>('eda_inactivity_vs_outcome');
    const overview = await readOverview(run.db, run.asOf);
    expect(new Set(rows.map((r) => r.outcome))).toEqual(new Set(['completed', 'dropped', 'open']));
    expect(rows.reduce((sum, r) => sum + r.learners, 0)).toBe(overview.learners);
    for (const r of rows) {
      const five = [r.p10, r.q1, r.median, r.q3, r.p90];
      expect(five).toEqual([...five].sort((a, b) => a - b));
    }
  });

  test('learner weeks: one row per week of that learner only', async () => {
    const rows = await run.db.query<{ week_index: number }>('eda_learner_weeks', { user_id: learnerId });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((r) => r.week_index)).toEqual(rows.map((_, i) => i + 1));
    expect(await run.db.query('eda_learner_weeks', { user_id: 'nobody' })).toEqual([]);
  });
});

describe('rendering', () => {
  test('every chart of the catalog is drawn, in catalog order', () => {
    expect(charts.map((c) => c.name)).toEqual([...CHART_IDS]);
  });

  test.each([...CHART_IDS])('%s renders to a valid PNG of sensible size at 2x', async (name) => {
    const chart = charts.find((c) => c.name === name);
    if (!chart) throw new Error(`no ${name}`);
    const meta = await sharp(chart.png).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBeGreaterThanOrEqual(800);
    expect(meta.width).toBeLessThanOrEqual(3200);
    expect(meta.height).toBeGreaterThanOrEqual(300);
    expect(meta.height).toBeLessThanOrEqual(3200);
    // 2x: the PNG is twice the SVG's size.
    const svgWidth = Number(/<svg[^>]*\bwidth="([\d.]+)"/.exec(chart.svg)?.[1]);
    expect(meta.width).toBe(Math.round(svgWidth * 2));
    expect(chart.svg).toContain('font-family="DejaVu Sans');
    // Not blank: some pixels are far from white.
    const stats = await sharp(chart.png).stats();
    expect(Math.min(...stats.channels.slice(0, 3).map((c) => c.min))).toBeLessThan(100);
  });

  test('the learner profile names the learner and their risk', () => {
    const profile = charts.find((c) => c.name === 'learner-profile');
    expect(profile?.svg).toContain(learnerId);
    expect(profile?.svg).toMatch(/Risk \d+% \(high|Risk \d+% \(medium|Risk \d+% \(low/);
  });

  test('writeCharts writes <dir>/charts/<id>.png and <id>.vl.json', () => {
    const dir = tempDir('lumen-charts-');
    const written = writeCharts(charts, dir);
    expect(written).toHaveLength(charts.length * 2);
    for (const chart of charts) {
      expect(readFileSync(join(dir, 'charts', `${chart.name}.png`)).equals(chart.png)).toBe(true);
      const spec = JSON.parse(readFileSync(join(dir, 'charts', `${chart.name}.vl.json`), 'utf8'));
      expect(spec).toEqual(JSON.parse(JSON.stringify(chart.spec)));
    }
    expect(readdirSync(join(dir, 'charts')).sort()).toEqual(
      CHART_IDS.flatMap((id) => [`${id}.png`, `${id}.vl.json`]).sort(),
    );
  });

  test('writeCharts refuses a name that is not a chart id', () => {
    const dir = tempDir('lumen-charts-');
    const first = charts[0] as ChartOutput;
    const forged = { ...first, name: '../escaped' } as unknown as ChartOutput;
    expect(() => writeCharts([forged], dir)).toThrow(/not a chart id/);
    expect(readdirSync(dir)).toEqual(['charts']);
    expect(readdirSync(join(dir, 'charts'))).toEqual([]);
  });

  test('without a model and without a learner the model charts say "no data" and no profile is drawn', async () => {
    const noModel = modelInputsFromAnalysis({ train: null, card: null, artifact: null, scores: null });
    const outputs = await buildChartSet(run.db, noModel, {
      asOf: run.asOf,
      only: ['roc-pr', 'risk-distribution', 'weekly-engagement', 'model-coefficients'],
    });
    // Catalogue order, not the order asked for.
    expect(outputs.map((o) => o.name)).toEqual([
      'weekly-engagement',
      'risk-distribution',
      'model-coefficients',
      'roc-pr',
    ]);
    for (const o of outputs.slice(1)) expect(o.svg).toContain('No data');
    expect(outputs[0]?.svg).not.toContain('No data');
  });

  test('a label longer than its axis labelLimit is drawn cut, as it was laid out', async () => {
    const long = 'A module name far too long to fit in a hundred pixels';
    const svg = await specToSvg({
      data: { values: [{ label: long, n: 1 }] },
      mark: 'bar',
      encoding: {
        y: { field: 'label', type: 'nominal', axis: { labelLimit: 100 } },
        x: { field: 'n', type: 'quantitative' },
      },
    });
    expect(svg).not.toContain(`>${long}<`);
    expect(svg).toMatch(/>A module[^<]*…</);
  });

  test('a "no data" chart renders', async () => {
    const { png } = await renderChart(noDataSpec('Empty', { asOf: '2026-01-01', learners: 0 }));
    expect((await sharp(png).metadata()).format).toBe('png');
  });
});
