/**
 * `lumen backtest` on generated cohort exports (real DuckDB, real fits): a replayed date sees no
 * future (its list and outcomes equal those of a run on a copy of the export cut at that date), every
 * figure in backtest.json is recomputed here from the files the dates wrote, by hand (pairwise AUC,
 * counts), the baseline is reported, and bad arguments stop with one line and exit code 2.
 */
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runAnalysis } from '../../src/analytics/analysis.ts';
import {
  BACKTEST_JSON,
  type BacktestReport,
  type BacktestRunInput,
  backtestSchedule,
  buildBacktestReport,
  type OutcomeRow,
  parseEvery,
  quantile,
  readBacktestReport,
  WEEK_BUCKETS,
  weekBucket,
} from '../../src/analytics/backtest.ts';
import { type BacktestResult, runBacktest } from '../../src/analytics/backtest-run.ts';
import { backtestCardSection, backtestDashboardSection } from '../../src/analytics/backtest-sections.ts';
import { generateLmsData } from '../../src/analytics/generate.ts';
import { readConfig } from '../../src/config.ts';
import { runCli } from '../helpers/cli.ts';
import { removeTempDirs, tempDir } from '../helpers/fs.ts';

afterAll(removeTempDirs);

const THREADS = { LUMEN_DUCKDB_THREADS: '1' };
const config = readConfig(THREADS);
const END_DATE = '2026-06-21';
/**
 * Around the end of the first two presentations (results in October 2025): the first date has no
 * list yet (nobody has completed), the next two have one, and their enrolments' outcomes at the end
 * are of both classes. Later dates judge only withdrawals: the running presentations end after the
 * export.
 */
const FROM = '2025-10-12';
const TO = '2025-10-26';
const SETUP_TIMEOUT = 180_000;

type Row = Record<string, string>;
const readCsv = (path: string): Row[] =>
  parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true }) as Row[];

/** M/D/YYYY or YYYY-MM-DD... -> YYYY-MM-DD; null when the text is no date (dirty rows are kept). */
function isoDay(text: string): string | null {
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})/.exec(text.trim());
  if (us) return `${us[3]}-${us[1]?.padStart(2, '0')}-${us[2]?.padStart(2, '0')}`;
  const iso = /^(\d{4}-\d{2}-\d{2})/.exec(text.trim());
  return iso ? (iso[1] as string) : null;
}

/**
 * A copy of the export as it would have been written at the end of `day`: events after it removed,
 * enrolments made after it removed, statuses dated after it back to active.
 */
function truncatedCopy(dataDir: string, day: string): string {
  const dir = tempDir('lumen-backtest-cut-');
  cpSync(dataDir, dir, { recursive: true });
  const keepLines = (file: string, keep: (fields: string[]) => string[] | null) => {
    const path = join(dir, file);
    if (!existsSync(path)) return;
    const [header, ...lines] = readFileSync(path, 'utf8').split('\n');
    const kept = lines
      .filter((l) => l !== '')
      .flatMap((line) => {
        const fields = keep(line.split(','));
        return fields ? [fields.join(',')] : [];
      });
    writeFileSync(path, `${[header, ...kept].join('\n')}\n`);
  };
  const notAfter = (text: string | undefined) => {
    const date = isoDay(text ?? '');
    return date === null || date <= day;
  };
  keepLines('lms_lesson_activity.csv', (f) => (notAfter(f.at(-1)) ? f : null));
  keepLines('lms_quiz_attempts.csv', (f) => (notAfter(f.at(-1)) ? f : null));
  keepLines('lms_enrolments.csv', ([user, course, enrolledAt, status, statusAt, score]) => {
    if (!notAfter(enrolledAt)) return null;
    if (!notAfter(statusAt)) return [user, course, enrolledAt, 'active', '', ''] as string[];
    return [user, course, enrolledAt, status, statusAt, score] as string[];
  });
  return dir;
}

/** The list without its model version (the fit's time and id); everything else must match exactly. */
function listWithoutVersion(path: string): string {
  const text = readFileSync(path, 'utf8');
  const version = readCsv(path)[0]?.model_version;
  return version ? text.replaceAll(version, '<model version>') : text;
}

// ---------------------------------------------------------------------------------------------------------
// Independent arithmetic: pairwise AUC, counts, bins.

function pairwiseAuc(labels: number[], scores: number[]): number | null {
  let wins = 0;
  let pairs = 0;
  labels.forEach((yi, i) => {
    if (yi !== 1) return;
    labels.forEach((yj, j) => {
      if (yj !== 0) return;
      pairs++;
      const a = scores[i] as number;
      const b = scores[j] as number;
      wins += a > b ? 1 : a === b ? 0.5 : 0;
    });
  });
  return pairs === 0 ? null : wins / pairs;
}

interface Judged {
  key: string;
  course: string;
  week: number;
  label: number;
  risk: number;
  listed: boolean;
  inactive: number;
}

function expectClose(actual: number | null | undefined, expected: number | null, what: string): void {
  if (expected === null) expect(actual ?? null, what).toBeNull();
  else
    expect(Math.abs((actual as number) - expected), `${what}: ${actual} vs ${expected}`).toBeLessThan(1e-9);
}

function checkSlice(
  figures: BacktestReport['points'][number]['all'],
  rows: Judged[],
  listedAll: number,
  what: string,
): void {
  const labels = rows.map((r) => r.label);
  const dropped = labels.filter((y) => y === 1).length;
  expect(figures.ranking.enrolments, what).toBe(rows.length);
  expect(figures.ranking.dropped, what).toBe(dropped);
  expectClose(figures.ranking.baseRate, rows.length ? dropped / rows.length : null, `${what} base rate`);
  expectClose(
    figures.ranking.modelAuc,
    pairwiseAuc(
      labels,
      rows.map((r) => r.risk),
    ),
    `${what} model AUC`,
  );
  expectClose(
    figures.ranking.baselineAuc,
    pairwiseAuc(
      labels,
      rows.map((r) => r.inactive),
    ),
    `${what} baseline AUC`,
  );
  const listed = rows.filter((r) => r.listed);
  const tp = listed.filter((r) => r.label === 1).length;
  expect(figures.list?.listed, what).toBe(listedAll);
  expect(figures.list?.listedJudged, what).toBe(listed.length);
  expect(figures.list?.truePositives, what).toBe(tp);
  expectClose(figures.list?.precision, listed.length ? tp / listed.length : null, `${what} precision`);
  expectClose(figures.list?.recall, dropped ? tp / dropped : null, `${what} recall`);
}

// ---------------------------------------------------------------------------------------------------------

describe('with lms_enrolments.csv', () => {
  let dataDir = '';
  let outDir = '';
  let result: BacktestResult;
  let report: BacktestReport;

  beforeAll(async () => {
    dataDir = tempDir('lumen-backtest-data-');
    await generateLmsData({
      style: 'cohort',
      learners: 600,
      seed: 11,
      outDir: dataDir,
      endDate: END_DATE,
      enrolments: true,
      truthPath: join(tempDir('lumen-backtest-truth-'), 'truth.csv'),
    });
    outDir = tempDir('lumen-backtest-out-');
    result = await runBacktest(config, { dataDir, outDir, from: FROM, to: TO, everyDays: 7 });
    report = result.report;
  }, SETUP_TIMEOUT);

  test('one point per date, each with a list: the first, before anyone completed, ranks going quiet', () => {
    expect(report.points.map((p) => p.asOf)).toEqual(['2025-10-12', '2025-10-19', '2025-10-26']);
    expect(report.export).toEqual({
      firstEvent: expect.any(String),
      lastEvent: END_DATE,
      outcomesAsOf: END_DATE,
      enrolmentsFile: true,
    });
    const [first] = report.points;
    // Nobody has completed by the first date: the list is learnt from the cohort's own weeks.
    expect(first?.target).toBe('disengagement');
    expect(report.points.every((p) => p.listPublished && p.noListReason === null)).toBe(true);
    expect(readBacktestReport(outDir)).toEqual(JSON.parse(JSON.stringify(report)));
    expect(
      readFileSync(join(outDir, 'charts', 'backtest.png'))
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    expect(JSON.parse(readFileSync(join(outDir, 'charts', 'backtest.vl.json'), 'utf8')).layer).toHaveLength(
      2,
    );
    expect(readFileSync(join(outDir, 'backtest.md'), 'utf8')).toContain(report.verdict.text);
  });

  test(
    'no future leak: a date replays exactly as a run on the export cut at that date',
    async () => {
      const asOf = '2025-10-19';
      const cut = truncatedCopy(dataDir, asOf);
      const replayOut = tempDir('lumen-backtest-replay-');
      const replay = await runAnalysis(config, {
        dataDir: cut,
        outDir: replayOut,
        asOf,
        train: true,
        score: true,
        charts: false,
      });
      expect(replay.scores).not.toBeNull();
      const kept = join(outDir, 'backtest', asOf);
      expect(listWithoutVersion(join(kept, 'ML_Prediction.csv'))).toBe(
        listWithoutVersion(join(replayOut, 'ML_Prediction.csv')),
      );
      expect(readFileSync(join(kept, 'learner_outcomes.csv'), 'utf8')).toBe(
        readFileSync(join(replayOut, 'learner_outcomes.csv'), 'utf8'),
      );
    },
    SETUP_TIMEOUT,
  );

  test(
    'every figure agrees with a recomputation from the per-date files and the end outcomes',
    async () => {
      // The end's outcomes from a run of our own, which must be the file the backtest kept.
      const endOut = tempDir('lumen-backtest-end-');
      await runAnalysis(config, { dataDir, outDir: endOut, train: false, score: false, charts: false });
      const endCsv = readFileSync(join(endOut, 'learner_outcomes.csv'), 'utf8');
      expect(readFileSync(join(outDir, 'backtest', 'end', 'learner_outcomes.csv'), 'utf8')).toBe(endCsv);
      const final = new Map(
        readCsv(join(endOut, 'learner_outcomes.csv')).map((r) => [`${r.user_id}|${r.course_id}`, r]),
      );

      const pooled: Judged[] = [];
      let pooledListed = 0;
      const firstListed = new Map<string, string>();
      for (const point of report.points) {
        const dir = join(outDir, 'backtest', point.asOf);
        const atDate = new Map(
          readCsv(join(dir, 'learner_outcomes.csv')).map((r) => [`${r.user_id}|${r.course_id}`, r]),
        );
        const listPath = join(dir, 'ML_Prediction.csv');
        expect(existsSync(listPath)).toBe(point.listPublished);
        const population = point.listPublished
          ? readCsv(listPath)
          : [...atDate.values()].filter((r) => r.outcome === 'open');
        const rows: Judged[] = [];
        for (const r of population) {
          const key = `${r.user_id}|${r.course_id}`;
          if (r.at_risk === 'true' && !firstListed.has(key)) firstListed.set(key, point.asOf);
          const outcome = final.get(key)?.outcome;
          if (outcome !== 'completed' && outcome !== 'dropped') continue;
          rows.push({
            key,
            course: r.course_id as string,
            week: Number(r.week_index ?? 0),
            label: outcome === 'dropped' ? 1 : 0,
            risk: Number(r.risk_score ?? Number.NaN),
            listed: r.at_risk === 'true',
            inactive: Number(atDate.get(key)?.days_inactive),
          });
        }
        const stillOpen = population.filter(
          (r) => final.get(`${r.user_id}|${r.course_id}`)?.outcome === 'open',
        );
        expect(point.stillOpenAtEnd).toBe(stillOpen.length);
        expect(point.open).toBe([...atDate.values()].filter((r) => r.outcome === 'open').length);
        if (!point.listPublished) {
          // Without a list: the baseline over the enrolments open at the date, nothing else.
          expect(point.all.list).toBeNull();
          expect(point.all.ranking.modelAuc).toBeNull();
          expectClose(
            point.all.ranking.baselineAuc,
            pairwiseAuc(
              rows.map((r) => r.label),
              rows.map((r) => r.inactive),
            ),
            `${point.asOf} baseline`,
          );
          continue;
        }
        const listedAll = population.filter((r) => r.at_risk === 'true');
        checkSlice(point.all, rows, listedAll.length, point.asOf);
        for (const course of point.courses) {
          checkSlice(
            course,
            rows.filter((r) => r.course === course.courseId),
            listedAll.filter((r) => r.course_id === course.courseId).length,
            `${point.asOf} ${course.courseId}`,
          );
        }
        for (const week of point.weeks) {
          checkSlice(
            week,
            rows.filter((r) => weekBucket(r.week) === week.weeks),
            listedAll.filter((r) => weekBucket(Number(r.week_index)) === week.weeks).length,
            `${point.asOf} weeks ${week.weeks}`,
          );
        }
        // Calibration: 10 bins of risk, share dropped.
        point.calibration?.forEach((bin, b) => {
          const inBin = rows.filter((r) => Math.min(Math.floor(r.risk * 10), 9) === b);
          expect(bin.count, `${point.asOf} bin ${b}`).toBe(inBin.length);
          expectClose(
            bin.observed_rate,
            inBin.length ? inBin.filter((r) => r.label === 1).length / inBin.length : null,
            `${point.asOf} bin ${b} observed`,
          );
        });
        const bothWays = new Set(rows.map((r) => r.label)).size === 2;
        expect(point.bothClassesJudged).toBe(bothWays);
        if (bothWays) {
          pooled.push(...rows);
          pooledListed += listedAll.length;
        }
      }
      checkSlice(report.pooled.all, pooled, pooledListed, 'pooled');
      expect(report.pooled.datesWithList).toBe(3);
      expect(report.pooled.datesPooled).toBe(report.points.filter((p) => p.bothClassesJudged).length);
      expect(report.pooled.datesPooled).toBeGreaterThanOrEqual(2);

      // Lead time: first listing -> dropped_at, over enrolments listed and dropped by the end.
      const leads = [...firstListed]
        .map(([key, asOf]) => ({ asOf, final: final.get(key) }))
        .filter(({ final: f }) => f?.outcome === 'dropped' && f.dropped_at)
        .map(({ asOf, final: f }) => (Date.parse(f?.dropped_at as string) - Date.parse(asOf)) / 86_400_000)
        .sort((a, b) => a - b);
      expect(report.leadTime.listedEnrolments).toBe(firstListed.size);
      expect(report.leadTime.enrolments).toBe(leads.length);
      expect(leads.length).toBeGreaterThan(0);
      const median =
        leads.length % 2
          ? leads[(leads.length - 1) / 2]
          : ((leads[leads.length / 2 - 1] as number) + (leads[leads.length / 2] as number)) / 2;
      expectClose(report.leadTime.medianDays, median as number, 'median lead time');
      expect(report.leadTime.minDays).toBe(leads[0]);
      expect(report.leadTime.maxDays).toBe(leads.at(-1));
    },
    SETUP_TIMEOUT,
  );

  test('the baseline (days since last activity) is computed and reported beside the model', () => {
    const measured = report.points.filter((p) => p.all.ranking.baselineAuc !== null);
    // Every date, with a list or without.
    expect(measured.map((p) => p.asOf)).toEqual(report.points.map((p) => p.asOf));
    for (const p of report.points) {
      expect(p.all.ranking.baselineAuc).toBeGreaterThan(0);
      expect(p.all.ranking.baselineAuc).toBeLessThan(1);
    }
    const v = report.verdict;
    expect(v.modelAuc).toBe(report.pooled.all.ranking.modelAuc);
    expect(v.baselineAuc).toBe(report.pooled.all.ranking.baselineAuc);
    expect(v.datesCompared).toBe(report.pooled.datesPooled);
    expect(v.text).toContain(`against ${v.baselineAuc?.toFixed(3)} for days since last activity`);
    expect(backtestCardSection(report)).toContain(v.text);
    expect(backtestDashboardSection(report)).toContain('id="backtest"');
    expect(backtestCardSection(null)).toBe('');
    expect(backtestDashboardSection(null)).toBe('');
  });

  test(
    'a run in the same folder puts the backtest in its model card and dashboard, and keeps its chart',
    async () => {
      await runAnalysis(config, {
        dataDir,
        outDir,
        asOf: '2025-10-19',
        train: true,
        score: true,
        charts: true,
      });
      const card = readFileSync(join(outDir, 'model_card.md'), 'utf8');
      expect(card).toContain('## Backtest');
      expect(card).toContain(report.verdict.text);
      const dashboard = readFileSync(join(outDir, 'dashboard.html'), 'utf8');
      expect(dashboard).toContain('<section id="backtest">');
      expect(dashboard).toContain('id="chart-backtest"');
      expect(existsSync(join(outDir, 'charts', 'backtest.png'))).toBe(true);
    },
    SETUP_TIMEOUT,
  );

  test(
    'bad arguments: one line on stderr, exit code 2, nothing written',
    async () => {
      const out = tempDir('lumen-backtest-bad-');
      const every = await runCli(['backtest', '--data', dataDir, '--out', out, '--every', '3x'], THREADS);
      expect(every.code).toBe(2);
      expect(every.stderr.trimEnd().split('\n')).toEqual([
        "error: option '--every <interval>' argument '3x' is invalid. expected weeks or days, e.g. 1w, 2w or 14d",
      ]);
      const late = await runCli(
        ['backtest', '--data', dataDir, '--out', out, '--from', '2026-07-05'],
        THREADS,
      );
      expect(late.code).toBe(2);
      // The stage logger's timing lines go to stderr too; the error is the one line starting "lumen:".
      expect(late.stderr.split('\n').filter((l) => l.startsWith('lumen:'))).toEqual([
        `lumen: --from 2026-07-05 is after the end of the export (its last complete week ends ${END_DATE})`,
      ]);
      expect(existsSync(join(out, BACKTEST_JSON))).toBe(false);
    },
    SETUP_TIMEOUT,
  );
});

describe('without lms_enrolments.csv (outcomes inferred from activity)', () => {
  test(
    'a date replays exactly as a run on the export cut at that date',
    async () => {
      const dataDir = tempDir('lumen-backtest-data-');
      await generateLmsData({
        style: 'cohort',
        learners: 600,
        seed: 11,
        outDir: dataDir,
        endDate: END_DATE,
        enrolments: false,
        truthPath: join(tempDir('lumen-backtest-truth-'), 'truth.csv'),
      });
      const outDir = tempDir('lumen-backtest-out-');
      const asOf = '2025-10-12';
      const { report } = await runBacktest(config, { dataDir, outDir, from: asOf, to: asOf });
      expect(report.points.map((p) => [p.asOf, p.listPublished])).toEqual([[asOf, true]]);
      expect(report.export.enrolmentsFile).toBe(false);
      const replayOut = tempDir('lumen-backtest-replay-');
      await runAnalysis(config, {
        dataDir: truncatedCopy(dataDir, asOf),
        outDir: replayOut,
        asOf,
        train: true,
        score: true,
        charts: false,
      });
      const kept = join(outDir, 'backtest', asOf);
      expect(listWithoutVersion(join(kept, 'ML_Prediction.csv'))).toBe(
        listWithoutVersion(join(replayOut, 'ML_Prediction.csv')),
      );
      expect(readFileSync(join(kept, 'learner_outcomes.csv'), 'utf8')).toBe(
        readFileSync(join(replayOut, 'learner_outcomes.csv'), 'utf8'),
      );
      expect(report.points[0]?.all.ranking.modelAuc).not.toBeNull();
      expect(report.points[0]?.all.ranking.baselineAuc).not.toBeNull();
    },
    SETUP_TIMEOUT,
  );
});

describe('as-of dates', () => {
  const base = { firstEvent: '2025-01-05', outcomesAsOf: '2026-06-21', dropoutDays: 21 };

  test('defaults: 4 weeks after the first event to the end minus the drop-out silence, weekly', () => {
    const s = backtestSchedule(base);
    expect([s.from, s.to, s.everyDays, s.horizonDays]).toEqual(['2025-02-02', '2026-05-31', 7, 21]);
    expect(s.dates).toHaveLength(70);
    expect(s.defaults).toEqual({ from: true, to: true, every: true });
  });

  test('given dates snap to the Sunday on or before; --every takes whole weeks', () => {
    const s = backtestSchedule({
      ...base,
      from: '2025-10-15',
      to: '2025-11-20',
      everyDays: parseEvery('2w'),
    });
    expect(s.dates).toEqual(['2025-10-12', '2025-10-26', '2025-11-09']);
    expect(parseEvery('1w')).toBe(7);
    expect(parseEvery('14d')).toBe(14);
    for (const bad of ['3x', '0w', '10d', 'w', '']) expect(() => parseEvery(bad)).toThrow(/expected/);
  });

  test('dates outside the export are refused', () => {
    expect(() => backtestSchedule({ ...base, from: '2026-07-01' })).toThrow(/after the end of the export/);
    expect(() => backtestSchedule({ ...base, from: '2024-12-01' })).toThrow(
      /before the export's first event/,
    );
    expect(() => backtestSchedule({ ...base, to: '2026-07-01' })).toThrow(/after the end of the export/);
    expect(() => backtestSchedule({ ...base, from: '2026-03-01', to: '2026-02-01' })).toThrow(/after --to/);
  });

  test('week of course buckets and quantiles', () => {
    expect([1, 2, 3, 4, 5, 8, 9, 12, 13, 40].map(weekBucket)).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5-8',
      '5-8',
      '9-12',
      '9-12',
      '13+',
      '13+',
    ]);
    expect(WEEK_BUCKETS).toHaveLength(7);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantile([], 0.5)).toBeNull();
  });
});

describe('figures on hand-made rows', () => {
  const outcome = (
    userId: string,
    o: OutcomeRow['outcome'],
    daysInactive = 0,
    droppedAt: string | null = null,
  ) => ({ userId, courseId: 'C1', outcome: o, daysInactive, droppedAt }) as OutcomeRow;
  const prediction = (userId: string, riskScore: number, atRisk: boolean, weekIndex = 2) => ({
    userId,
    courseId: 'C1',
    weekIndex,
    riskScore,
    atRisk,
    neverActive: false,
    target: null,
  });
  const run = (asOf: string, predictions: BacktestRunInput['predictions'], open: OutcomeRow[]) => ({
    asOf,
    noListReason: predictions ? null : 'not enough data',
    modelVersion: null,
    cvAuc: null,
    training: null,
    predictions,
    outcomes: open,
  });
  const schedule = backtestSchedule({
    firstEvent: '2025-01-05',
    outcomesAsOf: '2025-06-29',
    from: '2025-03-02',
    to: '2025-03-16',
    dropoutDays: 21,
  });
  const final = [
    outcome('A', 'dropped', 0, '2025-03-20'),
    outcome('B', 'completed'),
    outcome('C', 'dropped', 0, '2025-03-10'),
    outcome('D', 'open'),
  ];
  const report = buildBacktestReport(
    [
      run('2025-03-02', null, [outcome('A', 'open', 9), outcome('B', 'open', 2), outcome('D', 'open', 1)]),
      run(
        '2025-03-09',
        [prediction('A', 0.9, true), prediction('B', 0.2, false), prediction('D', 0.7, true, 9)],
        [outcome('A', 'open', 16), outcome('B', 'open', 3), outcome('D', 'open', 2)],
      ),
      // Only C is judged here, and C dropped: one class, not pooled.
      run(
        '2025-03-16',
        [prediction('C', 0.8, true), prediction('D', 0.6, true)],
        [outcome('C', 'open', 20), outcome('D', 'open', 9)],
      ),
    ],
    final,
    {
      dataDir: '/data',
      createdAt: '2025-07-01T00:00:00.000Z',
      export: {
        firstEvent: '2025-01-05',
        lastEvent: '2025-06-30',
        outcomesAsOf: '2025-06-29',
        enrolmentsFile: true,
      },
      schedule,
    },
  );

  test('per date: no list -> baseline only; a list judged both ways; a list judged one way only', () => {
    const [none, both, one] = report.points;
    expect(none?.all).toEqual({
      ranking: { enrolments: 2, dropped: 1, baseRate: 0.5, modelAuc: null, baselineAuc: 1 },
      list: null,
    });
    expect([none?.stillOpenAtEnd, both?.stillOpenAtEnd, one?.stillOpenAtEnd]).toEqual([1, 1, 1]);
    expect(both?.all).toEqual({
      ranking: { enrolments: 2, dropped: 1, baseRate: 0.5, modelAuc: 1, baselineAuc: 1 },
      list: { listed: 2, listedJudged: 1, truePositives: 1, precision: 1, recall: 1 },
    });
    expect(both?.weeks.map((w) => [w.weeks, w.list?.listed])).toEqual([
      ['2', 1],
      ['9-12', 1],
    ]);
    expect(one?.bothClassesJudged).toBe(false);
    expect(one?.all.ranking.modelAuc).toBeNull();
  });

  test('pooled over the dates judged both ways; lead time from the first listing', () => {
    expect(report.pooled).toMatchObject({
      datesWithList: 2,
      datesWithoutList: 1,
      datesPooled: 1,
      datesOneClass: 1,
    });
    expect(report.pooled.all.ranking.enrolments).toBe(2);
    // A first listed 2025-03-09, dropped 2025-03-20: 11 days; C listed 2025-03-16, dropped 2025-03-10: not ahead.
    expect(report.leadTime).toMatchObject({
      listedEnrolments: 3,
      listedDropped: 2,
      listedStillOpen: 1,
      enrolments: 2,
      notAhead: 1,
      minDays: -6,
      medianDays: 2.5,
      maxDays: 11,
    });
    expect(report.verdict.modelBeatsBaseline).toBe(false);
    expect(report.verdict.text).toContain('no better than the baseline');
    expect(report.verdict.text).toContain('1 more date with a list could not be judged');
  });
});
