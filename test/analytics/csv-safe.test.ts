/**
 * One formula-protection rule for every CSV Lumen writes: csv-stringify's escape_formulas (toCsv), the
 * same rule in DuckDB for COPY (lumen_csv_safe, applied by Db.copyToCsv to text columns), and a real
 * run whose LMS text starts with a formula, in ASCII and full width.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, expect, test } from 'vitest';
import { runAnalysis } from '../../src/analytics/analysis.ts';
import { fromCsvSafe, toCsv } from '../../src/analytics/csv-safe.ts';
import { Db } from '../../src/analytics/db.ts';
import { readConfig } from '../../src/config.ts';
import { readOutcomes, readWeeklyFeatures } from '../../src/run-folder/read.ts';
import { copySample, editFile, removeTempDirs, tempDir } from '../helpers/fs.ts';

afterAll(removeTempDirs);

const CELLS = [
  '=1+1',
  '+1',
  '-x',
  '@SUM(A1)',
  '\tx',
  '\rx',
  '＝1+1',
  '＋1',
  '－1',
  '＠x',
  'plain',
  '',
  'a=b',
  "'=already",
  '-5',
];

function cellsOf(csv: string): string[] {
  return (parse(csv, { relax_column_count: true }) as string[][]).map((row) => row[0] ?? '');
}

test('toCsv quotes exactly the cells csv-stringify escape_formulas does, full-width included', () => {
  const written = cellsOf(toCsv(CELLS.map((cell) => [cell])));
  expect(written).toEqual(CELLS.map((cell) => (/^[=+\-@\t\r＝＋－＠]/.test(cell) ? `'${cell}` : cell)));
  // Numbers are never quoted, negative ones included.
  expect(toCsv([[-1.5, 2]])).toBe('-1.5,2\n');
});

test("DuckDB's lumen_csv_safe and Db.copyToCsv follow the same rule; numbers are left alone", async () => {
  const db = await Db.open({ tz: 'UTC', threads: 1 });
  try {
    for (const cell of CELLS) {
      const [row] = await db.all<{ safe: string }>('SELECT lumen_csv_safe($cell) AS safe', { cell });
      expect(row?.safe, JSON.stringify(cell)).toBe(cellsOf(toCsv([[cell]]))[0] ?? '');
    }
    const path = join(tempDir(), 'copy.csv');
    await db.copyToCsv(`SELECT '=cmd' AS "odd ""name""", -1.5 AS n, '＋x' AS b, 'ok' AS c`, path);
    expect(parse(readFileSync(path, 'utf8'))).toEqual([
      ['odd "name"', 'n', 'b', 'c'],
      ["'=cmd", '-1.5', "'＋x", 'ok'],
    ]);
  } finally {
    db.close();
  }
});

test('a real run: LMS text starting with a formula is quoted in learner_outcomes.csv and the features', async () => {
  const dataDir = copySample();
  const outDir = tempDir('lumen-csv-safe-out-');
  // Department of U001 becomes a formula; U003's a full-width one.
  editFile(join(dataDir, 'lms_users.csv'), (text) =>
    text
      .replace(/^(U001,[^,]*,[^,]*,[^,]*,)[^,]*,/m, '$1=HYPERLINK("http://x"),')
      .replace(/^(U003,[^,]*,[^,]*,[^,]*,)[^,]*,/m, '$1＠evil,'),
  );
  await runAnalysis(readConfig({ LUMEN_DUCKDB_THREADS: '1' }), { dataDir, outDir, train: true, score: true });
  const outcomes = parse(readFileSync(join(outDir, 'learner_outcomes.csv'), 'utf8'), {
    columns: true,
  }) as Array<Record<string, string>>;
  const departments = new Set(outcomes.map((row) => row.department));
  expect(departments.has('=HYPERLINK("http://x")')).toBe(false);
  expect(departments.has('＠evil')).toBe(false);
  expect([...departments].filter((d) => d?.startsWith("'"))).toEqual(
    expect.arrayContaining(['\'=HYPERLINK("http://x")']),
  );
  for (const [name, text] of Object.entries({
    'learner_outcomes.csv': readFileSync(join(outDir, 'learner_outcomes.csv'), 'utf8'),
    'weekly_behavioral_features.csv': readFileSync(join(outDir, 'weekly_behavioral_features.csv'), 'utf8'),
  })) {
    const unsafe = (parse(text) as string[][]).flat().filter((cell) => /^[=+@＝＋－＠\t\r]/.test(cell));
    expect(unsafe, name).toEqual([]);
  }
}, 60_000);

test("reading a run's files back undoes the rule: fromCsvSafe and lumen_csv_plain give every cell back", async () => {
  // A cell that itself began with ' and a formula start cannot be told from a protected one.
  const cells = CELLS.filter((cell) => cell !== "'=already");
  expect(cellsOf(toCsv(cells.map((cell) => [cell]))).map(fromCsvSafe)).toEqual(cells);
  const db = await Db.open({ tz: 'UTC', threads: 1 });
  try {
    for (const cell of cells) {
      const [row] = await db.all<{ plain: string }>(
        'SELECT lumen_csv_plain(lumen_csv_safe($cell)) AS plain',
        {
          cell,
        },
      );
      expect(row?.plain, JSON.stringify(cell)).toBe(cell);
    }
  } finally {
    db.close();
  }
});

test('a learner whose id starts with a formula character is found by that id in the run it was written to', async () => {
  const dataDir = copySample();
  const outDir = tempDir('lumen-csv-safe-ids-');
  // U001 becomes -U001 in every file that names it (ids like "-7" or "+44..." are real).
  for (const file of ['lms_users.csv', 'lms_lesson_activity.csv', 'lms_quiz_attempts.csv'])
    editFile(join(dataDir, file), (text) => text.replace(/(^|,)U001(?=,|\r?$)/gm, '$1-U001'));
  await runAnalysis(readConfig({ LUMEN_DUCKDB_THREADS: '1' }), { dataDir, outDir, train: true, score: true });
  // Written protected...
  expect(readFileSync(join(outDir, 'learner_outcomes.csv'), 'utf8')).toContain("'-U001,");
  // ...and read back as the export spells it, by the run folder's readers and the chart queries.
  expect((readOutcomes(outDir) ?? []).filter((r) => r.user_id === '-U001').length).toBeGreaterThan(0);
  expect((readWeeklyFeatures(outDir) ?? []).filter((r) => r.user_id === '-U001').length).toBeGreaterThan(0);
  const course = (readOutcomes(outDir) ?? []).find((r) => r.user_id === '-U001')?.course_id ?? '';
  const db = await Db.open({ tz: 'UTC', threads: 1 });
  try {
    const learnerWeeks = await db.query('eda_published_learner_weeks', {
      path: join(outDir, 'weekly_behavioral_features.csv'),
      user_id: '-U001',
    });
    const enrolmentWeeks = await db.query('eda_published_enrolment_weeks', {
      path: join(outDir, 'enrolment_weeks.csv'),
      user_id: '-U001',
      course_id: course,
    });
    expect(learnerWeeks.length).toBeGreaterThan(0);
    expect(enrolmentWeeks.length).toBeGreaterThan(0);
  } finally {
    db.close();
  }
}, 60_000);
