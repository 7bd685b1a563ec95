/**
 * Line numbers in the data-quality report and in one-line errors are file lines (header = line 1)
 * where the record starts, also when a quoted field before it spans several lines and when blank
 * lines (which DuckDB's CSV reader skips) come before it (LF and CRLF).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runValidate } from '../../src/analytics/pipeline.ts';
import type { DataQualityReport } from '../../src/analytics/validate.ts';
import { readConfig } from '../../src/config.ts';
import { writeDataset } from '../helpers/dataset.ts';
import { copySample, editFile, removeTempDirs, SAMPLE_DIR, tempDir } from '../helpers/fs.ts';

afterAll(removeTempDirs);

const config = readConfig({});

type Ending = 'LF' | 'CRLF';

/** Rewrites every file of an export with CRLF line ends, the breaks inside quoted fields included. */
function toCrlf(dir: string): void {
  for (const file of readdirSync(dir)) editFile(join(dir, file), (text) => text.replace(/\n/g, '\r\n'));
}

function exclusions(report: DataQualityReport, file: string) {
  return report.files
    .find((f) => f.file === file)
    ?.excluded.map((e) => [e.reason, e.column, e.rows, e.firstLines]);
}

function warnings(report: DataQualityReport) {
  return report.warnings.map((w) => [w.file, w.check, w.rows, w.firstLines]);
}

describe.each<Ending>(['LF', 'CRLF'])('quoted fields spanning lines (%s)', (ending) => {
  test('users and courses: later bad rows are reported on their file lines', async () => {
    const dir = writeDataset(tempDir(), {
      users: [
        ['U1', 'Ada', 'Lovelace', 'ada@example.org', 'Research', 'learner', '1/5/2026', '1/6/2026'], // 2
        [
          'U2',
          'Alan',
          '"Turing\nOBE\nFRS"',
          'alan@example.org',
          'Research',
          'learner',
          '1/5/2026',
          '1/6/2026',
        ], // 3-5
        ['A1', 'Grace', 'Hopper', 'grace@example.org', 'IT', 'instructor', '1/5/2026', '1/6/2026'], // 6 staff
        ['U1', '"Ada\nAugusta"', 'King', 'ada2@example.org', 'Research', 'learner', '1/5/2026', '1/6/2026'], // 7-8 duplicate
        ['U3', 'Never', 'Active', 'never@example.org', 'Research', 'learner', 'soon', '1/6/2026'], // 9
      ],
      courses: [
        ['C1', '"Listening\nwithout judgment"', 'Communication', '1/1/2026'], // 2-3
        ['C1', 'Again', 'Communication', '1/1/2026'], // 4 duplicate
        ['C2', '"Safety,\n""first""\nand last"', 'Cat', 'never'], // 5-7 unparseable created_at
        ['C3', 'Third', 'Cat', 'someday'], // 8 unparseable created_at
      ],
      lessons: [
        ['A01', 'U1', 'M1', 'started', '10', '3/2/2026'], // 2
        ['A02', 'U2', 'M1', 'started', '10', '2/30/2026'], // 3 bad date
      ],
      quizzes: [],
    });
    if (ending === 'CRLF') toCrlf(dir);
    const report = await runValidate(config, { dataDir: dir, asOf: '2026-03-10' });
    expect(exclusions(report, 'lms_users.csv')).toEqual([
      ['duplicate_id', 'user_id', 1, [7]],
      ['staff_account', 'role', 1, [6]],
    ]);
    expect(exclusions(report, 'lms_courses.csv')).toEqual([['duplicate_id', 'course_id', 1, [4]]]);
    expect(exclusions(report, 'lms_lesson_activity.csv')).toEqual([
      ['unparseable_value', 'event_time', 1, [3]],
    ]);
    expect(warnings(report)).toEqual([
      ['lms_courses.csv', 'unparseable created_at (kept; value ignored)', 2, [5, 8]],
      ['lms_users.csv', 'learner registered but never active', 2, [3, 9]],
      ['lms_users.csv', 'unparseable created_at (kept; value ignored)', 1, [9]],
    ]);
  });

  test('a line break in an ignored extra column or in the header moves later lines too', async () => {
    const dir = writeDataset(tempDir(), {
      lessons: [
        ['A01', 'U1', 'M1', 'started', '10', '3/2/2026', '"first\nnote"'], // 3-4
        ['A02', 'U1', 'M1', 'started', '10', '3/2/2026', ''], // 5
        ['A01', 'U1', 'M1', 'started', '10', '3/3/2026', '"a\n\nlong note"'], // 6-8 duplicate
        ['A03', 'U1', 'M1', 'started', 'ten', '3/3/2026', ''], // 9 bad progress
      ],
      quizzes: [['Q1', 'U1', 'M1', '101', '3/4/2026']], // 2 out of range (no line break: lines as before)
    });
    editFile(join(dir, 'lms_lesson_activity.csv'), (text) =>
      text.replace('event_time\n', 'event_time,"Export\nNote"\n'),
    );
    if (ending === 'CRLF') toCrlf(dir);
    const report = await runValidate(config, { dataDir: dir, asOf: '2026-03-10' });
    expect(exclusions(report, 'lms_lesson_activity.csv')).toEqual([
      ['duplicate_id', 'activity_id', 1, [6]],
      ['unparseable_value', 'progress', 1, [9]],
    ]);
    expect(exclusions(report, 'lms_quiz_attempts.csv')).toEqual([['out_of_range', 'score', 1, [2]]]);
  });

  test('a ragged row after a multi-line record: the one-line error names its file line', async () => {
    const dir = writeDataset(tempDir(), {
      users: [
        ['U1', 'Ada', '"Love\nlace"', 'ada@example.org', 'Research', 'learner', '1/5/2026', '1/6/2026'], // 2-3
        ['U2', 'Alan', 'Turing', 'alan@example.org', 'Research', 'learner', '1/5/2026', '1/6/2026'], // 4
        ['U3', 'Extra', 'Field', 'x@example.org', 'Research', 'learner', '1/5/2026', '1/6/2026', 'x'], // 5
      ],
      lessons: [['A01', 'U1', 'M1', 'started', '10', '3/2/2026']],
      quizzes: [],
    });
    if (ending === 'CRLF') toCrlf(dir);
    await expect(runValidate(config, { dataDir: dir })).rejects.toThrow(
      /^lms_users\.csv: line 5: expected 8 fields, found 9$/,
    );
  });
});

/** Puts `count` blank lines (LF) before the data row that starts `marker`'s line, in `file` of `dir`. */
function blankLinesBefore(dir: string, file: string, marker: string, count = 1, blank = ''): void {
  editFile(join(dir, file), (text) => {
    const at = text.indexOf(`\n${marker}`);
    if (at < 0) throw new Error(`${marker} not in ${file}`);
    return `${text.slice(0, at + 1)}${`${blank}\n`.repeat(count)}${text.slice(at + 1)}`;
  });
}

describe.each<Ending>(['LF', 'CRLF'])('blank lines between records (%s)', (ending) => {
  test('users, courses and lessons: bad rows after blank lines are reported on their file lines', async () => {
    const dir = writeDataset(tempDir(), {
      users: [
        ['U1', 'Ada', 'Lovelace', 'ada@example.org', 'Research', 'learner', '1/5/2026', '1/6/2026'], // 3
        ['A1', 'Grace', 'Hopper', 'grace@example.org', 'IT', 'instructor', '1/5/2026', '1/6/2026'], // 5 staff
        ['U1', 'Ada', 'King', 'ada2@example.org', 'Research', 'learner', '1/5/2026', '1/6/2026'], // 6 duplicate
        ['U3', 'Never', 'Active', 'never@example.org', 'Research', 'learner', 'soon', '1/6/2026'], // 9
      ],
      courses: [
        ['C1', 'Listening', 'Communication', '1/1/2026'], // 2
        ['C1', 'Again', 'Communication', '1/1/2026'], // 4 duplicate
        ['C2', 'Safety', 'Cat', 'never'], // 5 unparseable created_at
      ],
      lessons: [
        ['A01', 'U1', 'M1', 'started', '10', '3/2/2026'], // 2
        ['A02', 'U1', 'M1', 'started', '10', '2/30/2026'], // 3 bad date
        ['A03', 'U1', 'M1', 'started', 'ten', '3/3/2026'], // 7 bad progress
        ['A01', 'U1', 'M1', 'started', '10', '3/3/2026'], // 8 duplicate
      ],
      quizzes: [['Q1', 'U1', 'M1', '101', '3/4/2026']], // 2 out of range (no blank line: as before)
    });
    blankLinesBefore(dir, 'lms_users.csv', 'U1,Ada,Lovelace'); // right after the header
    blankLinesBefore(dir, 'lms_users.csv', 'A1,');
    blankLinesBefore(dir, 'lms_users.csv', 'U3,', 2);
    blankLinesBefore(dir, 'lms_courses.csv', 'C1,Again');
    blankLinesBefore(dir, 'lms_lesson_activity.csv', 'A03,', 3);
    editFile(join(dir, 'lms_lesson_activity.csv'), (text) => `${text}\n\n`); // at the end: no effect
    if (ending === 'CRLF') toCrlf(dir);
    const report = await runValidate(config, { dataDir: dir, asOf: '2026-03-10' });
    expect(exclusions(report, 'lms_users.csv')).toEqual([
      ['duplicate_id', 'user_id', 1, [6]],
      ['staff_account', 'role', 1, [5]],
    ]);
    expect(exclusions(report, 'lms_courses.csv')).toEqual([['duplicate_id', 'course_id', 1, [4]]]);
    expect(exclusions(report, 'lms_lesson_activity.csv')).toEqual([
      ['duplicate_id', 'activity_id', 1, [8]],
      ['unparseable_value', 'event_time', 1, [3]],
      ['unparseable_value', 'progress', 1, [7]],
    ]);
    expect(exclusions(report, 'lms_quiz_attempts.csv')).toEqual([['out_of_range', 'score', 1, [2]]]);
    expect(warnings(report)).toEqual([
      ['lms_courses.csv', 'unparseable created_at (kept; value ignored)', 1, [5]],
      ['lms_users.csv', 'learner registered but never active', 1, [9]],
      ['lms_users.csv', 'unparseable created_at (kept; value ignored)', 1, [9]],
    ]);
    expect(report.files.find((f) => f.file === 'lms_users.csv')?.rowsRead).toBe(4);
  });

  test('many runs of blank lines (a larger lookup table) still give each record its file line', async () => {
    const lessons = Array.from({ length: 12 }, (_, i) => {
      const id = `A${String(i + 1).padStart(2, '0')}`;
      return [id, 'U1', 'M1', 'started', i === 11 ? 'ten' : '10', '3/2/2026'];
    });
    const dir = writeDataset(tempDir(), { lessons, quizzes: [] });
    // One blank line before every record but the first: record i (0-based) is on line 2 + 2i.
    for (let i = 2; i <= 12; i++)
      blankLinesBefore(dir, 'lms_lesson_activity.csv', `A${String(i).padStart(2, '0')},`);
    if (ending === 'CRLF') toCrlf(dir);
    const report = await runValidate(config, { dataDir: dir, asOf: '2026-03-10' });
    expect(exclusions(report, 'lms_lesson_activity.csv')).toEqual([
      ['unparseable_value', 'progress', 1, [24]],
    ]);
  });

  test('a blank line inside a quoted field is data; a real blank line after it still counts', async () => {
    const dir = writeDataset(tempDir(), {
      lessons: [
        ['A01', 'U1', 'M1', 'started', '10', '3/2/2026', '"a\n\nlong note"'], // 3-5
        ['A02', 'U1', 'M1', 'started', '10', '3/2/2026', '"x,\n""\n\n"""'], // 6-9 (quotes inside)
        ['A03', 'U1', 'M1', 'started', 'ten', '3/3/2026', 'ab"c'], // 11 bad progress; a bare quote
        ['A01', 'U1', 'M1', 'started', '10', '3/3/2026', ''], // 13 duplicate
      ],
      quizzes: [],
    });
    editFile(join(dir, 'lms_lesson_activity.csv'), (text) =>
      text.replace('event_time\n', 'event_time,note\n'),
    );
    blankLinesBefore(dir, 'lms_lesson_activity.csv', 'A01,U1,M1'); // line 2, before the first record
    blankLinesBefore(dir, 'lms_lesson_activity.csv', 'A03,');
    blankLinesBefore(dir, 'lms_lesson_activity.csv', 'A01,U1,M1,started,10,3/3');
    if (ending === 'CRLF') toCrlf(dir);
    const report = await runValidate(config, { dataDir: dir, asOf: '2026-03-10' });
    expect(exclusions(report, 'lms_lesson_activity.csv')).toEqual([
      ['duplicate_id', 'activity_id', 1, [13]],
      ['unparseable_value', 'progress', 1, [11]],
    ]);
  });

  test('a quoted blank line only (no blank line between records) numbers as before', async () => {
    const dir = writeDataset(tempDir(), {
      lessons: [
        ['A01', 'U1', 'M1', 'started', '10', '3/2/2026', '"a\n\nlong note"'], // 2-4
        ['A02', 'U1', 'M1', 'started', 'ten', '3/2/2026', ''], // 5 bad progress
      ],
      quizzes: [],
    });
    editFile(join(dir, 'lms_lesson_activity.csv'), (text) =>
      text.replace('event_time\n', 'event_time,note\n'),
    );
    if (ending === 'CRLF') toCrlf(dir);
    const report = await runValidate(config, { dataDir: dir, asOf: '2026-03-10' });
    expect(exclusions(report, 'lms_lesson_activity.csv')).toEqual([
      ['unparseable_value', 'progress', 1, [5]],
    ]);
  });

  test('a ragged row after blank lines: the one-line error names its file line', async () => {
    const dir = writeDataset(tempDir(), {
      users: [
        ['U1', 'Ada', '"Love\nlace"', 'ada@example.org', 'Research', 'learner', '1/5/2026', '1/6/2026'], // 3-4
        ['U2', 'Alan', 'O"Turing', 'alan@example.org', 'Research', 'learner', '1/5/2026', '1/6/2026'], // 6 (a bare quote is text)
        ['U3', 'Extra', 'Field', 'x@example.org', 'Research', 'learner', '1/5/2026', '1/6/2026', 'x'], // 9
      ],
      lessons: [['A01', 'U1', 'M1', 'started', '10', '3/2/2026']],
      quizzes: [],
    });
    blankLinesBefore(dir, 'lms_users.csv', 'U1,');
    blankLinesBefore(dir, 'lms_users.csv', 'U2,');
    blankLinesBefore(dir, 'lms_users.csv', 'U3,', 2);
    if (ending === 'CRLF') toCrlf(dir);
    await expect(runValidate(config, { dataDir: dir })).rejects.toThrow(
      /^lms_users\.csv: line 9: expected 8 fields, found 9$/,
    );
  });

  test('a whitespace-only line is not skipped: the load stops naming its file line', async () => {
    const dir = writeDataset(tempDir(), {
      lessons: [
        ['A01', 'U1', 'M1', 'started', '10', '3/2/2026'], // 3
        ['A02', 'U1', 'M1', 'started', '10', '3/2/2026'], // 6, after a blank and a whitespace-only line
      ],
      quizzes: [],
    });
    blankLinesBefore(dir, 'lms_lesson_activity.csv', 'A01,');
    blankLinesBefore(dir, 'lms_lesson_activity.csv', 'A02,');
    blankLinesBefore(dir, 'lms_lesson_activity.csv', 'A02,', 1, ' \t');
    if (ending === 'CRLF') toCrlf(dir);
    await expect(runValidate(config, { dataDir: dir })).rejects.toThrow(
      /^lms_lesson_activity\.csv: line 5: expected 6 fields, found 1$/,
    );
  });
});

describe('the sample export', () => {
  // As reported before line numbers followed multi-line records (the sample has none).
  const sampleUsers = [['staff_account', 'role', 11, [3, 11, 28, 29, 33]]];
  const sampleWarnings = [
    ['lms_lesson_activity.csv', 'completed with progress below 100', 41, [4, 9, 10, 12, 17]],
    ['lms_quiz_attempts.csv', 'quiz attempt without lesson activity on that module', 74, [4, 5, 6, 7, 8]],
    ['lms_users.csv', 'updated_at before created_at', 30, [2, 6, 7, 8, 10]],
  ];

  test('keeps its line numbers', async () => {
    const report = await runValidate(config, { dataDir: SAMPLE_DIR });
    expect(exclusions(report, 'lms_users.csv')).toEqual(sampleUsers);
    expect(exclusions(report, 'lms_lesson_activity.csv')).toEqual([
      ['staff_account', 'user_id', 39, [2, 3, 5, 13, 14]],
    ]);
    expect(exclusions(report, 'lms_quiz_attempts.csv')).toEqual([
      ['staff_account', 'user_id', 24, [2, 9, 11, 13, 17]],
    ]);
    expect(warnings(report)).toEqual(sampleWarnings);
  });

  test.each<Ending>(['LF', 'CRLF'])(
    'a last name on two lines moves every later users line by one (%s)',
    async (ending) => {
      const dir = copySample();
      const path = join(dir, 'lms_users.csv');
      const before = readFileSync(path, 'utf8');
      writeFileSync(path, before.replace('U001,Clemente,Zannotelli,', 'U001,Clemente,"Zanno\ntelli",'));
      if (ending === 'CRLF') toCrlf(dir);
      const report = await runValidate(config, { dataDir: dir });
      expect(exclusions(report, 'lms_users.csv')).toEqual([
        ['staff_account', 'role', 11, [4, 12, 29, 30, 34]],
      ]);
      expect(warnings(report)).toEqual([
        sampleWarnings[0],
        sampleWarnings[1],
        ['lms_users.csv', 'updated_at before created_at', 30, [2, 7, 8, 9, 11]],
      ]);
      const users = report.files.find((f) => f.file === 'lms_users.csv');
      expect(users?.rowsRead).toBe(before.trimEnd().split('\n').length - 1);
    },
  );
});

describe('mixed line endings (some lines CR LF, some LF)', () => {
  /** The users file with lines 2-5 ending in LF, a blank CR LF line before line 6, CR LF after it. */
  function mixedUsers(edit: (lines: string[]) => void = () => {}): string {
    const dir = copySample();
    editFile(join(dir, 'lms_users.csv'), (text) => {
      const lines = text.replace(/\n$/, '').split('\n');
      edit(lines);
      return `${lines.slice(0, 5).join('\n')}\n\r\n${lines.slice(5).join('\r\n')}\r\n`;
    });
    return dir;
  }

  test('load, with every later line number moved by the blank line', async () => {
    const report = await runValidate(config, { dataDir: mixedUsers() });
    expect(exclusions(report, 'lms_users.csv')).toEqual([['staff_account', 'role', 11, [3, 12, 29, 30, 34]]]);
    expect(warnings(report)).toEqual([
      ['lms_lesson_activity.csv', 'completed with progress below 100', 41, [4, 9, 10, 12, 17]],
      ['lms_quiz_attempts.csv', 'quiz attempt without lesson activity on that module', 74, [4, 5, 6, 7, 8]],
      ['lms_users.csv', 'updated_at before created_at', 30, [2, 7, 8, 9, 11]],
    ]);
    expect(report.files.find((f) => f.file === 'lms_users.csv')?.rowsRead).toBe(50);
  });

  test('a record with an extra field is still refused on its file line (the lenient reader would cut it)', async () => {
    const dir = mixedUsers((lines) => {
      lines[9] = `${lines[9]},extra`; // file line 10, line 11 after the blank line
    });
    await expect(runValidate(config, { dataDir: dir })).rejects.toThrow(
      /^lms_users\.csv: line 11: expected 8 fields, found 9$/,
    );
  });

  test('a quoted field left open is refused on the line it opens', async () => {
    const dir = mixedUsers((lines) => {
      lines[19] = (lines[19] ?? '').replace(',', ',"'); // file line 20, 21 after the blank line
    });
    await expect(runValidate(config, { dataDir: dir })).rejects.toThrow(
      /^lms_users\.csv: line 21: unterminated quoted field$/,
    );
  });
});

test('a carriage return without a line feed (an old Mac line end) names its line', async () => {
  const dir = copySample();
  editFile(join(dir, 'lms_users.csv'), (text) => {
    const lines = text.split('\n');
    lines[6] = `${lines[6]}\r${lines[7]}`; // lines 7 and 8 joined by a bare CR
    lines.splice(7, 1);
    return lines.join('\n');
  });
  await expect(runValidate(config, { dataDir: dir })).rejects.toThrow(
    /^lms_users\.csv: line 7: a carriage return without a line feed$/,
  );
});
