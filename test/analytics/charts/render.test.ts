/**
 * The whole chart set on a real run (800 generated learners): the EDA queries read the pipeline's
 * tables, every chart renders to a PNG of sensible size, the files are written, and a run without a
 * model still draws every chart (saying "no data" where it has none).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CHART_IDS } from '../../../src/analytics/charts/catalog.ts';
import {
  type AnalysisPieces,
  buildChartSet,
  type ChartOutput,
  type ModelInputs,
  modelInputsFromAnalysis,
  readOverview,
  writeCharts,
} from '../../../src/analytics/charts/index.ts';
import { renderChart } from '../../../src/analytics/charts/render.ts';
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
    expect(overview.learners).toBe(Object.values(run.result.outcomes).reduce((a, b) => a + b, 0));
    expect(overview.completed).toBe(run.result.outcomes.completed ?? 0);
    expect(overview.dropped).toBe(run.result.outcomes.dropped ?? 0);
    expect(overview.completion_rate).toBeCloseTo(
      overview.completed / (overview.completed + overview.dropped),
      12,
    );
    expect(overview.active_last_7_days).toBeGreaterThan(0);
    expect(overview.active_last_7_days).toBeLessThanOrEqual(overview.learners);
  });

  test('weekly activity: one row per week, never more active learners than learners', async () => {
    const rows = await run.db.query<{ week_start: string; active_learners: number }>('eda_weekly_activity');
    const overview = await readOverview(run.db, run.asOf);
    expect(rows.length).toBeGreaterThan(10);
    expect(new Set(rows.map((r) => r.week_start)).size).toBe(rows.length);
    for (const r of rows) {
      expect(r.week_start).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(typeof r.active_learners).toBe('number');
      expect(r.active_learners).toBeLessThanOrEqual(overview.learners);
    }
  });

  test('module funnel: a started and a completed row per kept module, completed <= started', async () => {
    const rows = await run.db.query<{ module_id: string; stage: string; learners: number }>(
      'eda_module_funnel',
    );
    const [kept] = await run.db.all<{ n: bigint }>(
      'SELECT count(*) AS n FROM int_modules_checked WHERE exclusion_reason IS NULL',
    );
    expect(rows.length).toBe(Number(kept?.n) * 2);
    const byModule = new Map<string, Record<string, number>>();
    for (const r of rows) byModule.set(r.module_id, { ...byModule.get(r.module_id), [r.stage]: r.learners });
    for (const stages of byModule.values()) expect(stages.completed).toBeLessThanOrEqual(stages.started ?? 0);
  });

  test('quiz scores: bins 0-90 and every kept quiz attempt counted once', async () => {
    const rows = await run.db.query<{ score_bin: number; attempts: number }>('eda_quiz_scores');
    const [quizzes] = await run.db.all<{ n: bigint }>(
      `SELECT count(*) AS n FROM int_events WHERE source = 'quiz' AND score IS NOT NULL`,
    );
    expect(rows.reduce((sum, r) => sum + r.attempts, 0)).toBe(Number(quizzes?.n));
    for (const r of rows) expect([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]).toContain(r.score_bin);
  });

  test('outcomes by course and engagement by outcome have rows for each outcome', async () => {
    const courses = await run.db.query<{ outcome: string }>('eda_outcomes_by_course');
    const engagement = await run.db.query<{ outcome: string; week_index: number }>(
      'eda_engagement_by_outcome',
    );
    for (const rows of [courses, engagement])
      expect(new Set(rows.map((r) => r.outcome))).toEqual(new Set(['completed', 'dropped', 'open']));
    expect(Math.max(...engagement.map((r) => r.week_index))).toBeLessThanOrEqual(12);
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
    const profile = charts.find((c) => c.name === 'learner_profile');
    expect(profile?.svg).toContain(learnerId);
    expect(profile?.svg).toMatch(/Risk \d+% \(high|Risk \d+% \(medium|Risk \d+% \(low/);
  });

  test('writeCharts writes <dir>/charts/<name>.png and <name>.vl.json', () => {
    const dir = tempDir('lumen-charts-');
    const written = writeCharts(charts, dir);
    expect(written).toHaveLength(charts.length * 2);
    for (const chart of charts) {
      expect(readFileSync(join(dir, 'charts', `${chart.name}.png`)).equals(chart.png)).toBe(true);
      const spec = JSON.parse(readFileSync(join(dir, 'charts', `${chart.name}.vl.json`), 'utf8'));
      expect(spec).toEqual(JSON.parse(JSON.stringify(chart.spec)));
    }
  });

  test('without a model and without a learner the model charts say "no data" and no profile is drawn', async () => {
    const noModel = modelInputsFromAnalysis({ train: null, card: null, artifact: null, scores: null });
    const outputs = await buildChartSet(run.db, noModel, {
      asOf: run.asOf,
      only: ['roc_curve', 'risk_distribution', 'weekly_activity'],
    });
    expect(outputs.map((o) => o.name)).toEqual(['weekly_activity', 'roc_curve', 'risk_distribution']);
    for (const o of outputs.slice(1)) expect(o.svg).toContain('No data');
    expect(outputs[0]?.svg).not.toContain('No data');
  });

  test('a "no data" chart renders', async () => {
    const { png } = await renderChart(noDataSpec('Empty', { asOf: '2026-01-01', learners: 0 }));
    expect((await sharp(png).metadata()).format).toBe('png');
  });
});
