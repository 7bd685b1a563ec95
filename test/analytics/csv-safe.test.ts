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
import { toCsv } from '../../src/analytics/csv-safe.ts';
import { Db } from '../../src/analytics/db.ts';
import { readConfig } from '../../src/config.ts';
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
