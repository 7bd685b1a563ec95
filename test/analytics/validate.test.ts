import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runFeatures, runValidate } from '../../src/analytics/pipeline.ts';
import { readConfig } from '../../src/config.ts';
import { writeDataset } from '../helpers/dataset.ts';
import { copySample, removeTempDirs, SAMPLE_DIR, tempDir } from '../helpers/fs.ts';

afterAll(removeTempDirs);

const config = readConfig({});

describe('exclusion reasons', () => {
  // Line numbers: the header is line 1, so rows[i] is on line i + 2.
  const lessons = [
    ['A01', 'U1', 'M1', 'started', '10', '3/2/2026'], // 2 kept
    ['A02', 'A1', 'M1', 'started', '10', '3/2/2026'], // 3 staff account
    ['A03', 'U9', 'M1', 'started', '10', '3/2/2026'], // 4 unknown user
    ['A04', 'U1', 'M9', 'started', '10', '3/2/2026'], // 5 unknown module
    ['A05', 'U1', 'M1', 'started', 'ten', '3/2/2026'], // 6 unparseable progress
    ['A06', 'U1', 'M1', 'started', '10', '2/30/2026'], // 7 unparseable date
    ['A07', 'U1', 'M1', 'started', '120', '3/2/2026'], // 8 out of range
    ['A01', 'U1', 'M1', 'started', '10', '3/3/2026'], // 9 duplicate id (A01 kept on line 2)
    ['A09', 'U1', 'M1', 'started', '10', '3/20/2026'], // 10 after as-of
    ['A10', 'A1', 'M9', 'started', '-5', 'never'], // 11 several problems: counted once, as staff
    ['A11', 'U1', 'M1', 'started', 'NaN', '3/2/2026'], // 12 NaN is not a number here
    ['', 'U1', 'M1', 'started', '10', '3/2/2026'], // 13 no id (an empty field)
    [' \t', 'U1', 'M1', 'started', '10', '3/2/2026'], // 14 a blank id
  ];
  const quizzes = [
    ['Q1', 'U2', 'M2', '101', '3/4/2026'], // 2 out of range
    ['Q2', 'U2', 'M2', '99.5', '2026-03-04'], // 3 kept
    ['Q3', 'U2', 'M2', '', '2026-03-04'], // 4 unparseable score
    ['', 'U2', 'M2', '50', '2026-03-04'], // 5 no id
  ];
  const users = [
    ['U1', 'Ada', 'Lovelace', 'ada@example.org', 'Research', 'learner', '1/5/2026', '1/6/2026'],
    ['U2', 'Alan', 'Turing', 'alan@example.org', 'Research', ' STUDENT', '1/5/2026', '1/4/2026'],
    ['A1', 'Grace', 'Hopper', 'grace@example.org', 'IT', 'instructor', '1/5/2026', '1/6/2026'],
    ['U1', 'Ada', 'Again', 'ada2@example.org', 'Research', 'learner', '1/5/2026', '1/6/2026'],
    ['U3', 'Never', 'Active', 'never@example.org', 'Research', 'learner', 'soon', '1/6/2026'],
  ];
  const modules = [
    ['M1', 'C1', 'Module one', '1'],
    ['M2', 'C1', 'Module two', '2'],
    ['M3', 'C9', 'Orphan', '1'],
    ['M4', 'C1', 'No sequence', 'x'],
  ];

  test('each row counts once, under the first reason in order, with its line', async () => {
    const dir = writeDataset(tempDir(), { users, modules, lessons, quizzes });
    const report = await runValidate(config, { dataDir: dir, asOf: '2026-03-10' });
    const byFile = Object.fromEntries(
      report.files.map((f) => [f.file, f.excluded.map((e) => [e.reason, e.column, e.rows, e.firstLines])]),
    );
    expect(byFile['lms_users.csv']).toEqual([
      ['duplicate_id', 'user_id', 1, [5]],
      ['staff_account', 'role', 1, [4]],
    ]);
    expect(byFile['lms_modules.csv']).toEqual([
      ['unknown_course', 'course_id', 1, [4]],
      ['unparseable_value', 'sequence_no', 1, [5]],
    ]);
    expect(byFile['lms_lesson_activity.csv']).toEqual([
      ['after_as_of', 'event_time', 1, [10]],
      ['duplicate_id', 'activity_id', 1, [9]],
      ['out_of_range', 'progress', 1, [8]],
      ['staff_account', 'user_id', 2, [3, 11]],
      ['unknown_module', 'module_id', 1, [5]],
      ['unknown_user', 'user_id', 1, [4]],
      ['unparseable_value', 'activity_id', 2, [13, 14]],
      ['unparseable_value', 'event_time', 1, [7]],
      ['unparseable_value', 'progress', 2, [6, 12]],
    ]);
    expect(byFile['lms_quiz_attempts.csv']).toEqual([
      ['out_of_range', 'score', 1, [2]],
      ['unparseable_value', 'attempt_id', 1, [5]],
      ['unparseable_value', 'score', 1, [4]],
    ]);
    const activity = report.files.find((f) => f.file === 'lms_lesson_activity.csv');
    expect(activity).toMatchObject({ rowsRead: 13, rowsKept: 1, rowsExcluded: 12 });
    expect(report.learners).toEqual({ kept: 3, staffExcluded: 1, active: 2 });
  });

  test('warnings exclude nothing and name their lines', async () => {
    const dir = writeDataset(tempDir(), { users, modules, lessons, quizzes });
    const report = await runValidate(config, { dataDir: dir, asOf: '2026-03-10' });
    expect(report.warnings.map((w) => [w.file, w.check, w.rows, w.firstLines])).toEqual([
      ['lms_quiz_attempts.csv', 'quiz attempt without lesson activity on that module', 1, [3]],
      ['lms_users.csv', 'learner registered but never active', 1, [6]],
      ['lms_users.csv', 'unparseable created_at (kept; value ignored)', 1, [6]],
      ['lms_users.csv', 'updated_at before created_at', 1, [3]],
    ]);
  });
});

describe('file quirks', () => {
  /** Rewrites a CSV: CRLF endings, a BOM, columns reversed, an extra column, names quoted. */
  function rewrite(path: string): void {
    const text = readFileSync(path, 'utf8');
    const rows = text
      .trimEnd()
      .split('\n')
      .map((line) => line.split(','));
    const out = rows.map((cells, i) => {
      const reversed = [...cells]
        .reverse()
        .map((c) => (i === 0 ? ` ${c.toUpperCase()} ` : `"${c.replace(/"/g, '""')}"`));
      return [...reversed, i === 0 ? 'Export Note' : '"ignored, really"'].join(',');
    });
    writeFileSync(path, `\uFEFF${out.join('\r\n')}\r\n`);
  }

  test('CRLF, BOM, reordered, extra and quoted columns give the same features as the export', async () => {
    const plain = tempDir();
    const plainResult = await runFeatures(config, { dataDir: SAMPLE_DIR, outDir: plain });
    const quirky = copySample();
    for (const file of [
      'lms_users.csv',
      'lms_courses.csv',
      'lms_modules.csv',
      'lms_lesson_activity.csv',
      'lms_quiz_attempts.csv',
    ]) {
      rewrite(join(quirky, file));
    }
    const out = tempDir();
    const quirkyResult = await runFeatures(config, { dataDir: quirky, outDir: out });
    const read = (dir: string) => readFileSync(join(dir, 'weekly_behavioral_features.csv'), 'utf8');
    expect(read(out)).toBe(read(plain));
    expect(quirkyResult.report.files).toEqual(plainResult.report.files);
  });

  test('names with commas and quotes survive RFC-4180 quoting', async () => {
    const dir = writeDataset(tempDir(), {
      users: [
        ['U1', '"Mary, Jr."', '"O""Neil"', 'm@example.org', 'Research', 'learner', '1/5/2026', '1/6/2026'],
      ],
      lessons: [['A1', 'U1', 'M1', 'started', '10', '3/2/2026']],
      quizzes: [],
    });
    const report = await runValidate(config, { dataDir: dir });
    expect(report.learners.kept).toBe(1);
    expect(report.files.every((f) => f.rowsExcluded === 0)).toBe(true);
  });
});
