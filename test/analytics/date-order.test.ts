/**
 * Day/month order of slash dates, decided per file: a D/M/YYYY export reads the same as its
 * M/D/YYYY original; a file mixing both, or an ambiguous file whose order matters while the other
 * files disagree, stops with one line; LUMEN_DATE_ORDER settles the ambiguous case.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runFeatures, runValidate } from '../../src/analytics/pipeline.ts';
import { readConfig } from '../../src/config.ts';
import { InputError } from '../../src/errors.ts';
import { DEFAULT_USERS, writeDataset } from '../helpers/dataset.ts';
import { copySample, removeTempDirs, tempDir } from '../helpers/fs.ts';

afterAll(removeTempDirs);

const config = readConfig({});
const FILES = [
  'lms_users.csv',
  'lms_courses.csv',
  'lms_modules.csv',
  'lms_lesson_activity.csv',
  'lms_quiz_attempts.csv',
];
const SLASH_DATE = /\b(\d{1,2})\/(\d{1,2})\/(\d{4})\b/g;

/** The first line (header = 1) holding a slash date whose first field is above 12. */
function firstDayFirstLine(path: string): number | null {
  const lines = readFileSync(path, 'utf8').split('\n');
  const index = lines.findIndex((line) => [...line.matchAll(SLASH_DATE)].some((m) => Number(m[1]) > 12));
  return index < 0 ? null : index + 1;
}

async function features(dir: string, env: Record<string, string> = {}) {
  const out = tempDir();
  const result = await runFeatures(readConfig(env), { dataDir: dir, outDir: out });
  return { report: result.report, csv: readFileSync(join(out, 'weekly_behavioral_features.csv'), 'utf8') };
}

describe('date order', () => {
  test('the sample export rewritten as D/M/YYYY gives the same as-of, report and features', async () => {
    const original = await features(copySample());
    const dmy = copySample();
    for (const file of FILES) {
      const path = join(dmy, file);
      writeFileSync(path, readFileSync(path, 'utf8').replace(SLASH_DATE, '$2/$1/$3'));
    }
    const swapped = await features(dmy);
    expect(swapped.report.asOf).toBe(original.report.asOf);
    expect(swapped.csv).toBe(original.csv);
    expect(swapped.report.files).toEqual(original.report.files);
    expect(swapped.report.warnings).toEqual(original.report.warnings);
    for (const file of [
      'lms_users.csv',
      'lms_courses.csv',
      'lms_lesson_activity.csv',
      'lms_quiz_attempts.csv',
    ]) {
      const decision = swapped.report.dateOrders.find((d) => d.file === file);
      const line = firstDayFirstLine(join(dmy, file));
      expect(line).not.toBeNull();
      expect(decision?.order).toBe('dmy');
      expect(decision?.reason).toMatch(new RegExp(`^decided by line ${line} `));
      expect(original.report.dateOrders.find((d) => d.file === file)?.order).toBe('mdy');
    }
  });

  const lessons = [
    ['A1', 'U1', 'M1', 'started', '10', '3/2/2026'],
    ['A2', 'U1', 'M1', 'completed', '100', '4/2/2026'],
  ];

  test('an ambiguous file follows the order the other files agree on', async () => {
    const dir = writeDataset(tempDir(), { lessons, quizzes: [['Q1', 'U1', 'M1', '70', '25/2/2026']] });
    const report = await runValidate(config, { dataDir: dir });
    // Lessons on 3 and 4 February (D/M/YYYY like the quiz file); the quiz on 25 February.
    expect(report.asOf).toBe('2026-02-25');
    expect(report.dateOrders.find((d) => d.file === 'lms_lesson_activity.csv')).toEqual({
      file: 'lms_lesson_activity.csv',
      order: 'dmy',
      reason: 'no field above 12; the order of the other files',
    });
    const events = report.files.filter(
      (f) => f.file === 'lms_lesson_activity.csv' || f.file === 'lms_quiz_attempts.csv',
    );
    expect(events.flatMap((f) => f.excluded)).toEqual([]);
  });

  test('LUMEN_DATE_ORDER settles an ambiguous file', async () => {
    const dir = writeDataset(tempDir(), { lessons, quizzes: [['Q1', 'U1', 'M1', '70', '2/25/2026']] });
    const asMdy = await runValidate(config, { dataDir: dir });
    expect(asMdy.asOf).toBe('2026-04-02');
    const asDmy = await runValidate(readConfig({ LUMEN_DATE_ORDER: 'dmy' }), { dataDir: dir });
    // The quiz file decides M/D/YYYY for itself; the lessons are read as D/M/YYYY (3 and 4 February).
    expect(asDmy.asOf).toBe('2026-02-25');
    expect(asDmy.dateOrders.find((d) => d.file === 'lms_lesson_activity.csv')?.reason).toBe(
      'no field above 12; LUMEN_DATE_ORDER=dmy',
    );
  });

  test('an ambiguous file whose order matters stops when the other files disagree', async () => {
    const users = DEFAULT_USERS.map((u) => [...u.slice(0, 6), '25/1/2026', '25/1/2026']);
    const dir = writeDataset(tempDir(), { users, lessons, quizzes: [['Q1', 'U1', 'M1', '70', '2/25/2026']] });
    await expect(runValidate(config, { dataDir: dir })).rejects.toThrow(
      new InputError(
        'BAD_VALUE',
        'lms_lesson_activity.csv: event_time, line 2: "3/2/2026" may be D/M/YYYY or M/D/YYYY (no field above 12 in this file, and the other files disagree); set LUMEN_DATE_ORDER=dmy or mdy',
      ),
    );
    const settled = await runValidate(readConfig({ LUMEN_DATE_ORDER: 'mdy' }), { dataDir: dir });
    expect(settled.asOf).toBe('2026-04-02');
  });

  test('texts that are a date in neither order are unparseable values, not a vote for an order', async () => {
    const dir = writeDataset(tempDir(), {
      lessons: [
        ['A1', 'U1', 'M1', 'started', '10', '2/14/2026'],
        ['A2', 'U1', 'M1', 'started', '10', '13/45/2026'],
        ['A3', 'U1', 'M1', 'started', '10', '30/2/2026'],
        ['A4', 'U1', 'M1', 'started', '10', '29/2/2026'],
      ],
      quizzes: [],
    });
    const report = await runValidate(config, { dataDir: dir });
    expect(report.dateOrders.find((d) => d.file === 'lms_lesson_activity.csv')?.order).toBe('mdy');
    const lessons = report.files.find((f) => f.file === 'lms_lesson_activity.csv');
    expect(lessons?.excluded.map((e) => [e.reason, e.column, e.firstLines])).toEqual([
      ['unparseable_value', 'event_time', [3, 4, 5]],
    ]);
  });

  test('dates whose day and month are equal need no order', async () => {
    const dir = writeDataset(tempDir(), {
      lessons: [['A1', 'U1', 'M1', 'started', '10', '3/3/2026']],
      quizzes: [['Q1', 'U1', 'M1', '70', '2026-03-02']],
    });
    const report = await runValidate(config, { dataDir: dir });
    expect(report.dateOrders.find((d) => d.file === 'lms_lesson_activity.csv')?.reason).toBe(
      'no slash date whose day and month differ',
    );
    expect(report.asOf).toBe('2026-03-03');
  });
});
