/**
 * The optional sixth file, lms_enrolments.csv: without it the load is unchanged and
 * int_enrolments_checked is empty; with it every row is kept or excluded with its reason, column and
 * file line, statuses are normalised, dates follow the file's own day/month order, and the warnings
 * name what looks wrong without excluding it. Real DuckDB on small hand-written exports.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { Db } from '../../src/analytics/db.ts';
import { type DataQualityReport, formatQualityReport, validateData } from '../../src/analytics/validate.ts';
import { InputError } from '../../src/errors.ts';
import { type Dataset, DEFAULT_MODULES, HEADERS, writeDataset } from '../helpers/dataset.ts';
import { removeTempDirs, tempDir } from '../helpers/fs.ts';

afterAll(removeTempDirs);

const AS_OF = '2026-03-10';
/** The export's written day (int_event_span.written_on) is the clock's day when files are newer. */
const NOW = new Date('2026-03-10T12:00:00Z');

const learner = (id: string) => [
  id,
  'First',
  'Last',
  `${id}@example.org`,
  'Research',
  'learner',
  '1/5/2026',
  '1/6/2026',
];
const USERS = [
  ...['U1', 'U2', 'U3', 'U4', 'U5'].map(learner),
  ['A1', 'Grace', 'Hopper', 'grace@example.org', 'IT', 'admin', '1/5/2026', '1/6/2026'],
];
const COURSES = [
  ['C1', 'Course one', 'Cat', '1/1/2026'],
  ['C2', 'Course two', 'Cat', '1/1/2026'],
];
const MODULES = [...DEFAULT_MODULES, ['M3', 'C2', 'Module three', '1']];
const LESSONS = [['A01', 'U1', 'M1', 'started', '10', '3/2/2026']];

interface Checked {
  report: DataQualityReport;
  rows: Record<string, unknown>[];
  types: Record<string, string>;
}

/** Validates an export and reads int_enrolments_checked (in file order) and its column types. */
async function validated(data: Partial<Dataset>): Promise<Checked> {
  const dir = writeDataset(tempDir(), {
    users: USERS,
    courses: COURSES,
    modules: MODULES,
    lessons: LESSONS,
    quizzes: [],
    ...data,
  });
  const db = await Db.open({ tz: 'UTC' });
  try {
    const report = await validateData(db, { dataDir: dir, tz: 'UTC', asOf: AS_OF, now: NOW });
    const rows = await db.all('SELECT * FROM int_enrolments_checked ORDER BY line_no');
    const described = await db.all<{ column_name: string; column_type: string }>(
      'DESCRIBE int_enrolments_checked',
    );
    const types = Object.fromEntries(described.map((c) => [c.column_name, c.column_type]));
    return { report, rows, types };
  } finally {
    db.close();
  }
}

const day = (value: unknown) => (value instanceof Date ? value.toISOString().slice(0, 10) : value);

function exclusions(report: DataQualityReport) {
  return report.files
    .find((f) => f.file === 'lms_enrolments.csv')
    ?.excluded.map((e) => [e.reason, e.column, e.rows, e.firstLines]);
}

function enrolmentWarnings(report: DataQualityReport) {
  return report.warnings
    .filter((w) => w.file === 'lms_enrolments.csv')
    .map((w) => [w.check, w.rows, w.firstLines]);
}

describe('lms_enrolments.csv not given', () => {
  test('loads as before, says so, and leaves an empty int_enrolments_checked with the contract columns', async () => {
    const { report, rows, types } = await validated({});
    expect(report.enrolmentsFile).toBe(false);
    expect(report.files.map((f) => f.file)).not.toContain('lms_enrolments.csv');
    expect(report.files).toHaveLength(5);
    expect(report.dateOrders.map((d) => d.file)).not.toContain('lms_enrolments.csv');
    expect(enrolmentWarnings(report)).toEqual([]);
    expect(rows).toEqual([]);
    expect(types).toEqual({
      line_no: 'INTEGER',
      user_id: 'VARCHAR',
      course_id: 'VARCHAR',
      enrolled_at: 'TIMESTAMP WITH TIME ZONE',
      enrolled_on: 'DATE',
      status: 'VARCHAR',
      status_text: 'VARCHAR',
      status_at: 'TIMESTAMP WITH TIME ZONE',
      status_on: 'DATE',
      final_score: 'DOUBLE',
      exclusion_reason: 'VARCHAR',
      exclusion_column: 'VARCHAR',
    });
    expect(formatQualityReport(report)).toContain(
      'lms_enrolments.csv: not given (enrolments are inferred from activity)',
    );
  });
});

describe('lms_enrolments.csv given', () => {
  test('a clean file is kept whole, typed and reported', async () => {
    const { report, rows } = await validated({
      enrolments: [
        ['U1', 'C1', '1/12/2026', 'active', '', ''], // 2
        ['U2', 'C1', '1/12/2026', 'passed', '3/1/2026', '81.5'], // 3
        ['U3', 'C2', '2026-01-12', 'withdrawn', '2026-02-20', ''], // 4
      ],
    });
    expect(report.enrolmentsFile).toBe(true);
    expect(report.files.find((f) => f.file === 'lms_enrolments.csv')).toEqual({
      file: 'lms_enrolments.csv',
      rowsRead: 3,
      rowsKept: 3,
      rowsExcluded: 0,
      excluded: [],
    });
    expect(formatQualityReport(report)).not.toContain('not given');
    expect(
      rows.map((r) => [
        r.line_no,
        r.user_id,
        r.course_id,
        day(r.enrolled_on),
        r.status,
        r.status_text,
        day(r.status_on),
        r.final_score,
        r.exclusion_reason,
      ]),
    ).toEqual([
      [2, 'U1', 'C1', '2026-01-12', 'active', 'active', null, null, null],
      [3, 'U2', 'C1', '2026-01-12', 'completed', 'passed', '2026-03-01', 81.5, null],
      [4, 'U3', 'C2', '2026-01-12', 'withdrawn', 'withdrawn', '2026-02-20', null, null],
    ]);
    expect(enrolmentWarnings(report)).toEqual([]);
  });

  test('each exclusion reason, first one in order, on the file lines after a multi-line field', async () => {
    const row = (...cells: string[]) => [...cells, ...Array.from({ length: 7 - cells.length }, () => '')];
    const { report, rows } = await validated({
      headers: { enrolments: `${HEADERS.enrolments},Note` },
      enrolments: [
        row('U1', 'C1', '1/10/2026', 'active', '', '', '"first line\nsecond line\nthird, line"'), // 2-4 kept
        row('A1', 'C1', '1/10/2026', 'active'), // 5 staff account
        row('U9', 'C1', '1/10/2026', 'active'), // 6 unknown user
        row('U2', 'C9', '1/10/2026', 'active'), // 7 unknown course
        row('U2', 'C1', '1/10/2026', 'on hold'), // 8 status not recognised
        row('U3', 'C1', 'someday', 'active'), // 9 unparseable enrolled_at
        row('U3', 'C2', '1/10/2026', 'completed', 'later', '80'), // 10 unparseable status_at
        row('U4', 'C1', '1/10/2026', 'failed', '', '40'), // 11 status_at blank, status not active
        row('U4', 'C2', '1/10/2026', 'passed', '3/1/2026', 'eighty'), // 12 unparseable final_score
        row('U5', 'C1', '1/10/2026', 'passed', '3/1/2026', '120'), // 13 final_score outside 0-100
        row('U1', 'C1', '1/11/2026', 'completed', '3/1/2026', '90'), // 14 second row of U1 in C1
        row('U5', 'C2', '1/10/2026', 'withdrawn', '2/15/2026'), // 15 kept
        row('U9', 'C9', 'never', 'whatever'), // 16 several problems: counted once, as unknown user
      ],
    });
    expect(exclusions(report)).toEqual([
      ['duplicate_id', 'course_id', 1, [14]],
      ['out_of_range', 'final_score', 1, [13]],
      ['staff_account', 'user_id', 1, [5]],
      ['unknown_course', 'course_id', 1, [7]],
      ['unknown_user', 'user_id', 2, [6, 16]],
      ['unparseable_value', 'enrolled_at', 1, [9]],
      ['unparseable_value', 'final_score', 1, [12]],
      ['unparseable_value', 'status', 1, [8]],
      ['unparseable_value', 'status_at', 2, [10, 11]],
    ]);
    expect(report.files.find((f) => f.file === 'lms_enrolments.csv')).toMatchObject({
      rowsRead: 13,
      rowsKept: 2,
      rowsExcluded: 11,
    });
    // The first row of a repeated pair is the one kept, as for the other files' ids.
    expect(rows.filter((r) => r.exclusion_reason === null).map((r) => [r.line_no, r.status])).toEqual([
      [2, 'active'],
      [15, 'withdrawn'],
    ]);
    expect(rows.find((r) => r.line_no === 8)).toMatchObject({ status: null, status_text: 'on hold' });
  });

  test('status synonyms are normalised, case and spaces ignored; the text is kept as written', async () => {
    const written = [
      'Completed',
      'complete',
      ' PASSED ',
      'pass',
      'Failed',
      'fail',
      'withdrawn',
      'Withdrew',
      'dropped',
      'cancelled',
      'canceled',
      'Unenrolled',
      'Active',
      'enrolled',
      'In Progress',
      'in_progress',
      'in-progress',
      'Distinction',
      'Merit',
      'not_passed',
      'Withdraw',
      'Dropped Out',
      'deregistered',
      'Unenroled',
      'deleted',
      'Registered',
      'invited',
      'Not Started',
    ];
    const users = written.map((_, i) => learner(`S${i}`));
    const { report, rows } = await validated({
      users,
      lessons: [['A01', 'S0', 'M1', 'started', '10', '3/2/2026']],
      enrolments: written.map((status, i) => [`S${i}`, 'C1', '1/12/2026', status, '3/1/2026', '']),
    });
    expect(exclusions(report)).toEqual([]);
    expect(rows.map((r) => [r.status_text, r.status])).toEqual([
      ['Completed', 'completed'],
      ['complete', 'completed'],
      ['PASSED', 'completed'],
      ['pass', 'completed'],
      ['Failed', 'failed'],
      ['fail', 'failed'],
      ['withdrawn', 'withdrawn'],
      ['Withdrew', 'withdrawn'],
      ['dropped', 'withdrawn'],
      ['cancelled', 'withdrawn'],
      ['canceled', 'withdrawn'],
      ['Unenrolled', 'withdrawn'],
      ['Active', 'active'],
      ['enrolled', 'active'],
      ['In Progress', 'active'],
      ['in_progress', 'active'],
      ['in-progress', 'active'],
      ['Distinction', 'completed'],
      ['Merit', 'completed'],
      ['not_passed', 'failed'],
      ['Withdraw', 'withdrawn'],
      ['Dropped Out', 'withdrawn'],
      ['deregistered', 'withdrawn'],
      ['Unenroled', 'withdrawn'],
      ['deleted', 'withdrawn'],
      ['Registered', 'active'],
      ['invited', 'active'],
      ['Not Started', 'active'],
    ]);
  });

  test('its slash dates are read in its own day/month order, decided by a field above 12', async () => {
    const { report, rows } = await validated({
      lessons: [['A01', 'U1', 'M1', 'started', '10', '2026-03-02']],
      enrolments: [
        ['U1', 'C1', '3/2/2026', 'passed', '25/2/2026', '70'], // 2
        ['U2', 'C1', '12/1/2026', 'active', '', ''], // 3
      ],
    });
    expect(report.dateOrders.find((d) => d.file === 'lms_enrolments.csv')).toEqual({
      file: 'lms_enrolments.csv',
      order: 'dmy',
      reason: 'decided by line 2 (status_at "25/2/2026")',
    });
    expect(rows.map((r) => [day(r.enrolled_on), day(r.status_on)])).toEqual([
      ['2026-02-03', '2026-02-25'],
      ['2026-01-12', null],
    ]);
  });

  test('a file mixing both date orders stops the run with one line', async () => {
    const run = validated({
      enrolments: [
        ['U1', 'C1', '1/25/2026', 'active', '', ''], // 2: M/D
        ['U2', 'C1', '25/1/2026', 'active', '', ''], // 3: D/M
      ],
    });
    await expect(run).rejects.toThrow(
      'lms_enrolments.csv: enrolled_at, line 3: "25/1/2026" is D/M/YYYY but line 2 (enrolled_at "1/25/2026") is M/D/YYYY; one file must use one date order',
    );
  });

  test('a missing required column or a header without rows fails in one line naming the file', async () => {
    const missing = validated({
      headers: { enrolments: 'user_id,course_id,enrolled_at,Status' },
      enrolments: [['U1', 'C1', '1/12/2026', 'active']],
    });
    await expect(missing).rejects.toThrow(InputError);
    await expect(missing).rejects.toThrow(/^lms_enrolments\.csv: missing required column "status_at"$/);
    const empty = validated({ enrolments: [] });
    await expect(empty).rejects.toThrow(/^lms_enrolments\.csv: has a header but no data rows$/);
    const ragged = validated({ enrolments: [['U1', 'C1', '1/12/2026', 'active', '', '', 'extra']] });
    await expect(ragged).rejects.toThrow(/^lms_enrolments\.csv: line 2: expected 6 fields, found 7$/);
  });

  test('warnings keep their rows: dates out of order or after the export, activity without an enrolment', async () => {
    const { report } = await validated({
      lessons: [
        ['A01', 'U1', 'M1', 'started', '10', '3/2/2026'], // 2: U1 in C1, enrolled
        ['A02', 'U2', 'M3', 'started', '10', '3/2/2026'], // 3: U2 in C2, enrolled in C1 only
        ['A03', 'U2', 'M1', 'started', '10', '3/3/2026'], // 4: U2 in C1, enrolled
        ['A04', 'U3', 'M1', 'started', '10', '3/3/2026'], // 5: U3 in C1, its row excluded
      ],
      quizzes: [['Q1', 'U4', 'M3', '50', '3/4/2026']], // 2: U4 in C2, no row
      enrolments: [
        ['U1', 'C1', '', 'active', '', ''], // 2 blank enrolled_at
        ['U2', 'C1', '2/10/2026', 'withdrawn', '2/1/2026', ''], // 3 status_at before enrolled_at
        ['U5', 'C1', '1/10/2026', 'passed', '3/20/2026', '75'], // 4 after the export was written
        ['U5', 'C2', '1/10/2026', 'passed', '3/11/2026', '75'], // 5 one day later: the span's slack
        ['u3', 'C1', '1/10/2026', 'active', '', ''], // 6 unknown user, but U3 once case is ignored
        ['U4', 'C1', '1/10/2026', 'active', '', ''], // 7 never active in C1: normal, no warning
      ],
    });
    expect(exclusions(report)).toEqual([['unknown_user', 'user_id', 1, [6]]]);
    expect(enrolmentWarnings(report)).toEqual([
      [
        "activity in a course without an enrolment row (learner-course pairs), e.g. user 'U2' in course 'C2' (lms_lesson_activity.csv line 3)",
        3,
        [],
      ],
      ['blank enrolled_at (kept; enrolment date unknown)', 1, [2]],
      ['status_at after the export was written', 1, [4]],
      ['status_at before enrolled_at', 1, [3]],
      [
        "user_id unknown, but matches a kept id when letter case is ignored (row excluded), e.g. 'u3' (line 6) and 'U3' (lms_users.csv line 4)",
        1,
        [6],
      ],
    ]);
    const text = formatQualityReport(report);
    expect(text).toContain(
      "    - lms_enrolments.csv: activity in a course without an enrolment row (learner-course pairs), e.g. user 'U2' in course 'C2' (lms_lesson_activity.csv line 3): 3 rows\n",
    );
    expect(text).toContain(
      '    - lms_enrolments.csv: blank enrolled_at (kept; enrolment date unknown): 1 rows, lines 2',
    );
  });

  test('activity without an enrolment row is no finding when the file is not given', async () => {
    const { report } = await validated({
      lessons: [['A01', 'U2', 'M3', 'started', '10', '3/2/2026']],
    });
    expect(report.warnings.map((w) => w.file)).not.toContain('lms_enrolments.csv');
  });
});
