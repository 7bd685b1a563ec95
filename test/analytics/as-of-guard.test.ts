/**
 * A mistyped event date (years in the future, or 1900) must leave the as-of date, the week grid and
 * the features exactly as they are without it, and the data-quality report must name its line.
 */
import { appendFileSync, readdirSync, readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runAnalysis } from '../../src/analytics/analysis.ts';
import { generateLmsData } from '../../src/analytics/generate.ts';
import { runFeatures, runValidate } from '../../src/analytics/pipeline.ts';
import type { DataQualityReport } from '../../src/analytics/validate.ts';
import { readConfig } from '../../src/config.ts';
import { writeDataset } from '../helpers/dataset.ts';
import { copySample, removeTempDirs, tempDir } from '../helpers/fs.ts';

afterAll(removeTempDirs);

const config = readConfig({});

function lineCount(path: string): number {
  return readFileSync(path, 'utf8').trimEnd().split('\n').length;
}

/** Appends one row to an event file; returns the file line it lands on. */
function appendRow(dir: string, file: string, row: string): number {
  const path = join(dir, file);
  appendFileSync(path, `${row}\n`);
  return lineCount(path);
}

function outside(report: DataQualityReport, file: string) {
  return report.files
    .find((f) => f.file === file)
    ?.excluded.filter((e) => e.reason === 'outside_span')
    .map((e) => [e.label, e.column, e.rows, e.firstLines]);
}

async function features(dir: string) {
  const out = tempDir();
  const result = await runFeatures(config, { dataDir: dir, outDir: out });
  return { report: result.report, csv: readFileSync(join(out, 'weekly_behavioral_features.csv'), 'utf8') };
}

/** Every CSV a full run writes (features, outcomes, snapshots, the at-risk list when the model passes its gate). */
async function runCsvs(dir: string): Promise<Record<string, string>> {
  const out = tempDir();
  await runAnalysis(config, { dataDir: dir, outDir: out, train: true, score: true, charts: false });
  const csvs = readdirSync(out)
    .filter((f) => f.endsWith('.csv'))
    .sort();
  const files = Object.fromEntries(csvs.map((f) => [f, readFileSync(join(out, f), 'utf8')]));
  // The list's last column is the model version (training time plus an id); the rest must match.
  const list = files['ML_Prediction.csv'];
  const version = list?.split('\n')[1]?.split(',').at(-1);
  if (list && version) files['ML_Prediction.csv'] = list.replaceAll(version, '<model version>');
  return files;
}

describe('an outlying event date never moves the as-of date or the week grid', () => {
  const cases = [
    ['years in the future', '6/1/2031', '2031-06-01T09:00:00'],
    ['in 1900', '1/1/1900', '1900-01-01'],
  ] as const;

  describe.each(cases)('one event dated %s', (_name, usDate, isoDate) => {
    test('on the sample export: same as-of, same features, the line named', async () => {
      const clean = await features(copySample());
      const dir = copySample();
      const lessonLine = appendRow(dir, 'lms_lesson_activity.csv', `ACT900,U001,M001,started,10,${usDate}`);
      const quizLine = appendRow(dir, 'lms_quiz_attempts.csv', `QZ900,U001,M001,55,${usDate}`);
      const dirty = await features(dir);

      expect(dirty.report.asOf).toBe(clean.report.asOf);
      expect(dirty.report.eventSpan.start).toBe(clean.report.eventSpan.start);
      expect(dirty.report.eventSpan.end).toBe(clean.report.asOf);
      expect(dirty.csv).toBe(clean.csv);
      expect(outside(dirty.report, 'lms_lesson_activity.csv')).toEqual([
        ["date outside the export's span", 'event_time', 1, [lessonLine]],
      ]);
      expect(outside(dirty.report, 'lms_quiz_attempts.csv')).toEqual([
        ["date outside the export's span", 'attempt_date', 1, [quizLine]],
      ]);
      expect(dirty.report.eventSpan.eventsOutside).toBe(2);
      expect(dirty.report.learners).toEqual(clean.report.learners);
    });

    test('on a generated export: same as-of, same features, the line named', async () => {
      const dir = tempDir();
      await generateLmsData({ learners: 120, seed: 31, outDir: dir, timestamps: true });
      const clean = await features(dir);
      // A kept learner and module of this export: the first lesson row's.
      const [, first] = readFileSync(join(dir, 'lms_lesson_activity.csv'), 'utf8').split('\n');
      const [, userId, moduleId] = (first ?? '').split(',');
      const line = appendRow(
        dir,
        'lms_lesson_activity.csv',
        `X900,${userId},${moduleId},started,10,${isoDate}`,
      );
      const dirty = await features(dir);

      expect(dirty.report.asOf).toBe(clean.report.asOf);
      expect(dirty.csv).toBe(clean.csv);
      expect(outside(dirty.report, 'lms_lesson_activity.csv')).toEqual([
        ["date outside the export's span", 'event_time', 1, [line]],
      ]);
    });
  });

  test('the whole run (outcomes, model, at-risk list) on the sample export is unchanged', async () => {
    const clean = await runCsvs(copySample());
    const dir = copySample();
    appendRow(dir, 'lms_lesson_activity.csv', 'ACT900,U001,M001,started,10,6/1/2031');
    appendRow(dir, 'lms_quiz_attempts.csv', 'QZ900,U001,M001,55,1/1/1900');
    const dirty = await runCsvs(dir);
    expect(Object.keys(clean)).toContain('learner_outcomes.csv');
    expect(dirty).toEqual(clean);
  });

  test('the whole run on a generated export: the at-risk list is unchanged', async () => {
    const dir = tempDir();
    await generateLmsData({ learners: 600, seed: 37, outDir: dir });
    const clean = await runCsvs(dir);
    const [, first] = readFileSync(join(dir, 'lms_lesson_activity.csv'), 'utf8').split('\n');
    const [, userId, moduleId] = (first ?? '').split(',');
    appendRow(dir, 'lms_lesson_activity.csv', `X900,${userId},${moduleId},started,10,6/1/2031`);
    appendRow(dir, 'lms_quiz_attempts.csv', `X901,${userId},${moduleId},55,1/1/1900`);
    const dirty = await runCsvs(dir);
    expect(Object.keys(clean)).toContain('ML_Prediction.csv');
    expect(dirty).toEqual(clean);
  });

  test('a handful of outliers on both sides change nothing', async () => {
    const clean = await features(copySample());
    const dir = copySample();
    const dates = ['1/1/1900', '3/5/1999', '12/31/2099', '6/1/2031', '7/4/2030'];
    const lines = dates.map((d, i) =>
      appendRow(dir, 'lms_lesson_activity.csv', `ACT9${i}0,U001,M001,started,10,${d}`),
    );
    const dirty = await features(dir);
    expect(dirty.report.asOf).toBe(clean.report.asOf);
    expect(dirty.csv).toBe(clean.csv);
    expect(outside(dirty.report, 'lms_lesson_activity.csv')).toEqual([
      ["date outside the export's span", 'event_time', 5, lines],
    ]);
  });
});

describe("the export's span", () => {
  const day = (d: Date) => `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()}`;
  /** One lesson a day for U1 from 2026-01-05, `days` days long, plus `extra` rows. */
  function daily(days: number, extra: string[][] = []): string[][] {
    const rows = Array.from({ length: days }, (_, i) => [
      `A${i}`,
      'U1',
      'M1',
      'started',
      '10',
      day(new Date(Date.UTC(2026, 0, 5 + i))),
    ]);
    return [...rows, ...extra];
  }
  const written = new Date('2026-04-10T12:00:00Z');
  // A fixed clock: the written date is the files' modification time whatever today is.
  const NOW = new Date('2027-01-01T00:00:00Z');
  const setWritten = (dir: string) => {
    for (const file of ['lms_lesson_activity.csv', 'lms_quiz_attempts.csv'])
      utimesSync(join(dir, file), written, written);
    return dir;
  };

  test('a sparse last stretch is not cut: a lone event weeks after the others is real activity', async () => {
    // 60 days from 2026-01-05 end on 2026-03-05; one more event 25 days later.
    const dir = setWritten(
      writeDataset(tempDir(), {
        lessons: daily(60, [['Z1', 'U2', 'M1', 'started', '5', '3/30/2026']]),
        quizzes: [],
      }),
    );
    const report = await runValidate(config, { dataDir: dir, now: NOW });
    expect(report.asOf).toBe('2026-03-30');
    expect(report.eventSpan).toEqual({
      start: '2026-01-05',
      end: '2026-03-30',
      writtenOn: '2026-04-10',
      eventsOutside: 0,
    });
  });

  test('an event dated after the files were written is outside the span, even close to the rest', async () => {
    const dir = setWritten(
      writeDataset(tempDir(), {
        lessons: daily(60, [['Z1', 'U2', 'M1', 'started', '5', '4/20/2026']]),
        quizzes: [],
      }),
    );
    const report = await runValidate(config, { dataDir: dir, now: NOW });
    expect(report.asOf).toBe('2026-03-05');
    expect(report.eventSpan.writtenOn).toBe('2026-04-10');
    expect(outside(report, 'lms_lesson_activity.csv')).toEqual([
      ["date outside the export's span", 'event_time', 1, [62]],
    ]);
  });

  test('events all dated after the files were written stop the run with one line saying so', async () => {
    const dir = setWritten(
      writeDataset(tempDir(), { lessons: [['Z1', 'U1', 'M1', 'started', '5', '5/20/2026']], quizzes: [] }),
    );
    await expect(runValidate(config, { dataDir: dir, now: NOW })).rejects.toThrow(
      'lms_lesson_activity.csv, lms_quiz_attempts.csv: no learner event left after validation (all dated after the files were written, 2026-04-10)',
    );
  });

  test('a later cohort after a long break is kept; an older, larger one is not the as-of', async () => {
    // 60 days in Jan-Mar 2025, then 10 days in Jan 2026 (more than 10% of the events).
    const old = Array.from({ length: 60 }, (_, i) => [
      `B${i}`,
      'U1',
      'M1',
      'started',
      '10',
      day(new Date(Date.UTC(2025, 0, 5 + i))),
    ]);
    const dir = setWritten(writeDataset(tempDir(), { lessons: daily(10, old), quizzes: [] }));
    const report = await runValidate(config, { dataDir: dir, now: NOW });
    expect(report.asOf).toBe('2026-01-14');
    expect(report.eventSpan.start).toBe('2026-01-05');
    expect(report.eventSpan.eventsOutside).toBe(60);
  });

  test('--as-of still excludes later events as after the as-of date; outliers stay outside the span', async () => {
    const dir = setWritten(
      writeDataset(tempDir(), {
        lessons: daily(60, [['Z1', 'U1', 'M1', 'started', '5', '1/1/1900']]),
        quizzes: [],
      }),
    );
    const report = await runValidate(config, { dataDir: dir, asOf: '2026-02-03', now: NOW });
    expect(report.asOf).toBe('2026-02-03');
    const excluded = report.files.find((f) => f.file === 'lms_lesson_activity.csv')?.excluded;
    expect(excluded?.map((e) => [e.reason, e.rows, e.firstLines[0]])).toEqual([
      ['after_as_of', 30, 32],
      ['outside_span', 1, 62],
    ]);
  });
});
